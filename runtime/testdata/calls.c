/* Indirect call sites of several kinds, each with a hot target: a function
 * pointer argument, a dispatch table (memory operand), a variadic call
 * (%al live), a call with double arguments, a call through a struct, and
 * two tail calls (register and table).
 * Prints a checksum; the plain build's output is the reference. With
 * argument "fork" the second phase runs in a child, whose hot targets
 * differ. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef OPTPOLINE_RT
#include "optpoline.h"
#endif

typedef long (*op_fn)(long, long);
long op_add(long a, long b) { return a + b; }
long op_sub(long a, long b) { return a - b; }
long op_mul(long a, long b) { return a * b; }
long op_xor(long a, long b) { return a ^ b; }
op_fn table[4] = {op_add, op_sub, op_mul, op_xor};

__attribute__((noinline)) long apply(op_fn f, long a, long b) { return f(a, b) + 1; }
__attribute__((noinline)) long dispatch(int i, long a, long b) { return table[i & 3](a, b) + 1; }

/* Tail sites: a sibling call through a register and through the table. */
__attribute__((noinline)) long tail(op_fn f, long a, long b) { return f(a, b); }
__attribute__((noinline)) long tailmem(int i, long a, long b) { return table[i & 3](a, b); }

typedef long (*var_fn)(int, ...);
long vsum(int n, ...)
{
	va_list ap;
	va_start(ap, n);
	double s = 0;
	for (int i = 0; i < n; i++)
		s += va_arg(ap, double);
	va_end(ap);
	return (long)s;
}
long vcount(int n, ...) { return n; }
var_fn vtab[2] = {vsum, vcount};
__attribute__((noinline)) long variadic(int k, double x) { return vtab[k & 1](3, x, x * 2, 0.5) + 1; }

typedef double (*d_fn)(double, double, double);
double dmul(double a, double b, double c) { return a * b + c; }
double ddiv(double a, double b, double c) { return a / b - c; }
d_fn dtab[2] = {dmul, ddiv};
__attribute__((noinline)) double fp(int k, double a) { return dtab[k & 1](a, 0.5, 1.25) + 1; }

struct ops {
	long (*get)(const struct ops *, long);
	long v;
};
long get_v(const struct ops *o, long x) { return o->v + x; }
long get_2v(const struct ops *o, long x) { return 2 * o->v + x; }
__attribute__((noinline)) long method(const struct ops *o, long x) { return o->get(o, x) * 3; }

static unsigned long run(int phase, long n)
{
	struct ops o1 = {get_v, 7}, o2 = {get_2v, 5};
	unsigned long sum = 0;
	for (long i = 0; i < n; i++) {
		int cold = i % 16 == 0;
		sum += apply(cold ? op_xor : phase ? op_sub : op_add, i, 3);
		sum += dispatch(cold ? 1 : 2 + phase, i, 5);
		sum += variadic(cold, (double)(i & 7));
		sum += (unsigned long)fp(cold, (double)(i & 15));
		sum += method(cold ? &o2 : &o1, i);
		sum += tail(cold ? op_add : phase ? op_xor : op_mul, i, 9);
		sum += tailmem(cold ? 0 : 1 + 2 * phase, i, 11);
	}
	return sum;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 2000000;
	int dofork = argc > 1 && argv[1][0] == 'f';
	printf("phase0 %lu\n", run(0, n));
	fflush(stdout);
	if (dofork) {
		pid_t pid = fork();
		if (pid == 0) {
#ifdef OPTPOLINE_RT
			struct optpoline_stats st0, st;
			optpoline_get_stats(&st0);
#endif
			printf("child %lu\n", run(1, n));
#ifdef OPTPOLINE_RT
			/* The child's own promoter patches: wait for it (up to 5 s
			 * on a loaded machine) while the phase-1 sites keep missing,
			 * outside the printed sum. */
			for (int w = 0; w < 500; w++) {
				optpoline_get_stats(&st);
				if (st.promoted + st.outlined - st0.promoted - st0.outlined >= 2 && st.syncs > st0.syncs)
					break;
				run(1, 1000);
				usleep(10000);
			}
			optpoline_get_stats(&st);
			fprintf(stderr, "child: filled %lu slots, %lu sync_core\n",
				(unsigned long)(st.promoted + st.outlined - st0.promoted - st0.outlined),
				(unsigned long)(st.syncs - st0.syncs));
#endif
			return 0;
		}
		int status;
		waitpid(pid, &status, 0);
		printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	printf("phase1 %lu\n", run(1, n));
	return 0;
}
