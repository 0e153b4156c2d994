/* Hot/cold splitting (f.cold in .text.unlikely via __builtin_expect and
   __attribute__((cold))), hot functions, an .init.text function, noreturn
   calls through pointers, exit/abort paths and setjmp/longjmp. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

typedef long (*fn_t)(long);

__attribute__((cold, noinline)) void report(const char *what, long v)
{
	fprintf(stderr, "unexpected %s %ld\n", what, v);
}

__attribute__((noreturn, noinline, cold)) void die(const char *msg)
{
	fprintf(stderr, "fatal: %s\n", msg);
	abort();
}

void (*volatile fatal_ptr)(const char *) __attribute__((noreturn)) = die;

__attribute__((noinline)) long checked(fn_t f, long x)
{
	long r = f(x);
	if (__builtin_expect(r < 0, 0)) {
		report("negative", r);
		r = f(-x) + 1000;
	}
	if (__builtin_expect(r > 1000000, 0))
		fatal_ptr("overflow"); /* noreturn call through a pointer */
	return r;
}

__attribute__((hot, noinline)) long hot_loop(fn_t f, int n)
{
	long s = 0;
	for (int i = 0; i < n; i++) {
		if (__builtin_expect(i == 1000, 0))
			die("loop");
		s += f(i);
	}
	return s;
}

__attribute__((section(".init.text"), noinline)) long init_setup(fn_t f)
{
	return f(21);
}

static jmp_buf env;

__attribute__((noinline)) void deep(fn_t f, int depth)
{
	if (depth == 0)
		longjmp(env, (int)f(4));
	deep(f, depth - 1);
}

__attribute__((noinline)) int catcher(fn_t f)
{
	volatile int tries = 0;
	int v = setjmp(env);
	if (v == 0) {
		tries++;
		deep(f, 3);
	}
	return v * 10 + tries;
}

__attribute__((noreturn, noinline)) void finish(int code)
{
	fflush(stdout);
	exit(code);
}

static long sq(long x) { return x * x; }
static long sub5(long x) { return x - 5; }

int main(void)
{
	fn_t volatile a = sq, b = sub5;
	printf("checked %ld %ld\n", checked(a, 12), checked(b, 2));
	printf("hot %ld init %ld\n", hot_loop(a, 100), init_setup(b));
	printf("catcher %d\n", catcher(a));
	finish(0);
}
