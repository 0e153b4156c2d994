/* setjmp/longjmp across indirect calls: a function reached through a
   pointer (register, struct member, table, tail call) longjmps back over
   one or more indirect-call frames; setjmp itself is called from a
   function that was called indirectly. Counts results, prints them. */
#include <setjmp.h>
#include <stdio.h>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

typedef long (*unop)(long);

static jmp_buf env;
static volatile long jumps;

NOIPA long jumper(long x)
{
	if (x % 3 == 0) {
		jumps++;
		longjmp(env, (int)(x % 97) + 1);
	}
	return x * 2;
}
NOIPA long plain(long x) { return x + 5; }

struct node {
	long (*fn)(long);
	struct node *next;
};

/* calls through a struct member, recursing through another pointer */
NOIPA long walk(const struct node *n, long x)
{
	if (!n)
		return x;
	long v = n->fn(x);
	return walk(n->next, v) + 1;
}
long (*walkp)(const struct node *, long) = walk;

unop table[4] = { plain, jumper, plain, jumper };

NOIPA long via_table(int i, long x) { return table[i & 3](x) + 1; }
NOIPA long tail_table(int i, long x) { return table[i & 3](x); }
long (*tailp)(int, long) = tail_table;

/* setjmp in a function that is itself called through a pointer */
NOIPA long guarded(unop f, long x)
{
	volatile long before = x;
	int v = setjmp(env);
	if (v != 0)
		return -v - before;
	return f(x);
}
long (*guardedp)(unop, long) = guarded;

NOIPA long chain(long x)
{
	struct node c = { jumper, 0 }, b = { plain, &c }, a = { plain, &b };
	return walkp(&a, x);
}

int main(void)
{
	volatile long sum = 0, neg = 0;
	for (long i = 0; i < 300; i++) {
		long r = guardedp(chain, i);
		if (r < 0)
			neg++;
		sum += r;
		r = guardedp(table[i & 3], i);
		sum += r;
	}
	printf("chain sum %ld negative %ld jumps %ld\n", sum, neg, (long)jumps);
	sum = 0;
	for (int i = 0; i < 200; i++) {
		volatile int k = i;
		int v = setjmp(env);
		if (v == 0)
			sum += via_table(k, k) + tailp(k + 1, k * 7);
		else
			sum += 1000 + v;
	}
	printf("table sum %ld jumps %ld\n", sum, (long)jumps);
	return 0;
}
