/* Indirect calls through registers, struct members, arrays, globals,
   struct fields at an offset, tail calls, varargs calls (%al live),
   stack arguments, many live pointers (r12-r15 targets), a static chain
   call and a DRAP stack realignment. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

typedef long (*unop)(long);
typedef long (*binop)(long, long);

struct ops {
	const char *name;
	long (*init)(long);
	long (*step)(long, long);
	long (*fini)(long);
};

struct config {
	int version;
	char pad[132];
	long (*fn)(long); /* at offset 136: call *136+cfg(%rip) */
	long (*fn2)(long);
} cfg;

long (*gptr)(long);
long (*tbl[8])(long);
const struct ops *cur_ops;

NOIPA long add1(long x) { return x + 1; }
NOIPA long dbl(long x) { return x * 2; }
NOIPA long neg(long x) { return -x; }
NOIPA long sq(long x) { return x * x; }
NOIPA long mix(long a, long b) { return a * 31 + b; }
NOIPA long ident(long x) { return x; }

static const struct ops ops_a = { "a", add1, mix, dbl };
static const struct ops ops_b = { "b", dbl, mix, neg };

NOIPA long run_ops(const struct ops *o, long x)
{
	long v = o->init(x);
	for (int i = 0; i < 3; i++)
		v = o->step(v, i);
	return o->fini(v);
}

NOIPA long run_cur(long x) { return cur_ops->fini(cur_ops->init(x)); }
NOIPA long via_reg(unop p, long x) { return p(x) + 1; }
NOIPA long via_tbl(int i, long x) { return tbl[i & 7](x) + 3; }
NOIPA long tail_tbl(int i, long x) { return tbl[i & 7](x); }
NOIPA long via_global(long x) { return gptr(x) + cfg.fn(x) + cfg.fn2(x); }
NOIPA long tail_reg(unop p, long x) { return p(x); }
NOIPA long tail_global(long x) { return cfg.fn(x); }
NOIPA long tail_member(const struct ops *o, long x) { return o->fini(x); }

/* varargs through a pointer: %al carries the vector register count */
NOIPA double vsum(int n, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s += va_arg(ap, double);
	va_end(ap);
	return s;
}
double (*vptr)(int, ...) = vsum;
int (*printer)(const char *, ...) = printf;
NOIPA double call_varargs(double a, double b) { return vptr(3, a, b, 0.25); }
NOIPA double tail_varargs(double a) { return vptr(1, a); }

/* eight arguments: two go on the stack at the call */
typedef long (*wide_fn)(long, long, long, long, long, long, long, long);
NOIPA long wide(long a, long b, long c, long d, long e, long f, long g, long h)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}
wide_fn wptr = wide;
NOIPA long call_wide(long x) { return wptr(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7); }

/* many pointers live across calls: targets in callee-saved registers */
NOIPA long multi(unop a, unop b, unop c, unop d, unop e, long n)
{
	long acc = 0;
	for (long i = 0; i < n; i++) {
		acc += a(i);
		acc ^= b(acc & 0xff);
		acc += c(i) - d(i);
		acc = e(acc) % 1000003;
	}
	return acc;
}

/* function pointers at offset 0 of structs kept in callee-saved
   registers: gcc writes `call *(%rbx)` and `call *0(%rbp)` */
struct cb {
	long (*fn)(long);
	long arg;
};
NOIPA long run_cbs(const struct cb *c1, const struct cb *c2, int n)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += c1->fn(c1->arg + i) - c2->fn(c2->arg + s % 7);
	return s;
}

/* a call with a static chain in r10 (the callee ignores it) */
NOIPA long with_chain(unop p, void *chain, long x)
{
	return __builtin_call_with_static_chain(p(x), chain) + 7;
}

/* over-aligned local plus a VLA: gcc realigns the stack via DRAP */
NOIPA long realigned(unop p, int n)
{
	long vla[n];
	long big[4] __attribute__((aligned(64)));
	for (int i = 0; i < n; i++)
		vla[i] = i;
	for (int i = 0; i < 4; i++)
		big[i] = p(i + vla[i % n]);
	return big[0] + big[1] + big[2] + big[3];
}

#if !defined(__clang__)
/* gcc only: the attribute keeps a plain indirect call in thunk builds */
__attribute__((noipa, indirect_branch("keep"))) long keep_call(unop p, long x) { return p(x) * 3; }
#else
NOIPA long keep_call(unop p, long x) { return p(x) * 3; }
#endif

#if !defined(__clang__) && defined(__CET__)
/* gcc with -fcf-protection: nocf_check pointers give `notrack call` and a
   `notrack jmp` tail call */
typedef long (*nocf_fn)(long) __attribute__((nocf_check));
#else
typedef unop nocf_fn;
#endif
NOIPA long call_nocf(nocf_fn p, long x) { return p(x) + 2; }
NOIPA long tail_nocf(nocf_fn p, long x) { return p(x); }

int main(int argc, char **argv)
{
	(void)argv;
	unop all[8] = { add1, dbl, neg, sq, ident, add1, dbl, sq };
	memcpy(tbl, all, sizeof all);
	gptr = sq;
	cfg.fn = dbl;
	cfg.fn2 = neg;
	cur_ops = argc > 5 ? &ops_a : &ops_b;
	long r = 0;
	r += run_ops(&ops_a, 5);
	r += run_ops(&ops_b, 7);
	r += run_cur(4);
	r += via_reg(tbl[argc], 10);
	for (int i = 0; i < 8; i++)
		r += via_tbl(i, i + 2) + tail_tbl(i, 3);
	r += via_global(6) + tail_global(9) + tail_reg(neg, 4) + tail_member(&ops_a, 2);
	printer("ops %ld\n", r);
	printer("varargs %.3f %.3f\n", call_varargs(1.5, 2.25), tail_varargs(0.5));
	printf("wide %ld\n", call_wide(argc));
	printf("multi %ld\n", multi(add1, dbl, sq, neg, ident, 50));
	printf("chain %ld realigned %ld keep %ld\n", with_chain(sq, &r, 9), realigned(dbl, 3), keep_call(add1, 4));
	struct cb c1 = { sq, 3 }, c2 = { add1, 4 };
	printf("cbs %ld\n", run_cbs(&c1, &c2, 6));
	printf("nocf %ld\n", call_nocf((nocf_fn)sq, 5) + tail_nocf((nocf_fn)neg, 6));
	return 0;
}
