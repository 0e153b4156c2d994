/* Tail calls through pointers in a loop: a state machine whose states
   tail-call the next state through a table, a struct member or a global
   (`jmp *tbl(,%rax,8)`, `jmp *%rax`, `jmp *8(%rdi)`, thunk jumps), a
   trampoline loop of pointer calls, and mutual recursion through
   pointers. Depth stays bounded so -O0 builds (no tail calls) work too. */
#include <stdio.h>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

struct machine;
typedef long (*state_fn)(struct machine *, long, int);

struct machine {
	state_fn next; /* at offset 0 */
	state_fn alt;  /* at offset 8 */
	long acc;
	long steps;
};

state_fn states[4];
state_fn gstate;

/* each state does a little work, then tail-calls through a pointer */
NOIPA long s_even(struct machine *m, long x, int left)
{
	m->steps++;
	if (left == 0)
		return m->acc + x;
	m->acc += x;
	return states[(x + left) & 3](m, x / 2 + left, left - 1);
}
NOIPA long s_odd(struct machine *m, long x, int left)
{
	m->steps++;
	if (left == 0)
		return m->acc - x;
	m->acc ^= x;
	return m->next(m, 3 * (x % 100003) + 1, left - 1);
}
NOIPA long s_alt(struct machine *m, long x, int left)
{
	m->steps++;
	if (left == 0)
		return m->acc;
	m->acc += left;
	return m->alt(m, x + 7, left - 1);
}
NOIPA long s_glob(struct machine *m, long x, int left)
{
	m->steps++;
	if (left == 0)
		return m->acc * 2;
	return gstate(m, x ^ left, left - 1);
}

/* trampoline: each step returns the next function to call */
struct tramp;
typedef struct tramp (*tstep)(long *);
struct tramp {
	tstep fn;
};
NOIPA struct tramp t_a(long *v);
NOIPA struct tramp t_b(long *v);
NOIPA struct tramp t_a(long *v)
{
	*v = *v * 3 + 1;
	return (struct tramp){ *v % 5 == 0 ? 0 : t_b };
}
NOIPA struct tramp t_b(long *v)
{
	*v = *v / 2 + 3;
	return (struct tramp){ t_a };
}

/* mutual recursion through pointers, tail position */
typedef long (*rec_fn)(long, long);
rec_fn ping_p, pong_p;
NOIPA long ping(long n, long acc) { return n <= 0 ? acc : pong_p(n - 1, acc + n); }
NOIPA long pong(long n, long acc) { return n <= 0 ? acc : ping_p(n - 1, acc ^ n); }

int main(void)
{
	states[0] = s_even;
	states[1] = s_odd;
	states[2] = s_alt;
	states[3] = s_glob;
	gstate = s_even;
	long total = 0, steps = 0;
	for (int round = 0; round < 2000; round++) {
		struct machine m = { states[round % 3], states[(round + 1) % 4], round, 0 };
		total += states[round & 3](&m, round, 200);
		steps += m.steps;
	}
	printf("machine total %ld steps %ld\n", total, steps);

	long v = 0, hops = 0;
	for (long start = 1; start < 500; start++) {
		v = start;
		struct tramp t = { t_a };
		for (int i = 0; t.fn && i < 1000; i++, hops++)
			t = t.fn(&v);
	}
	printf("trampoline hops %ld last %ld\n", hops, v);

	ping_p = ping;
	pong_p = pong;
	long r = 0;
	for (long n = 0; n < 3000; n++)
		r += ping_p(n % 500, n);
	printf("pingpong %ld\n", r);
	return 0;
}
