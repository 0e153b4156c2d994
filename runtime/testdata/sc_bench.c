/* ns/call side by side in one process: a direct call, a function pointer
 * (call *%reg), a retpolined function pointer, a static call out of line
 * (call the trampoline, jmp rel32 to the target) and inline (the site
 * calls the target). Built with -mindirect-branch=thunk-extern and marked
 * up with the ref_* functions skipped, so only site_static's static call
 * is an inline site. Every loop calls the same function. Prints
 * "kind ns …" with each kind's best of REPS interleaved runs. */
#include <stdio.h>
#include <time.h>

#include <optpoline/static_call.h>

typedef long (*fn)(long);
__attribute__((noipa)) long inc(long x) { return x + 1; }

DEFINE_STATIC_CALL(sc_ool, inc);
DEFINE_STATIC_CALL(sc_inl, inc);

__attribute__((noipa)) long ref_direct(fn f, long n)
{
	(void)f;
	long s = 0;
	for (long i = 0; i < n; i++)
		s += inc(i);
	return s;
}
__attribute__((noipa, indirect_branch("keep"))) long ref_indirect(fn f, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += f(i);
	return s;
}
__attribute__((noipa)) long ref_retpoline(fn f, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += f(i);
	return s;
}
__attribute__((noipa)) long ref_static(fn f, long n)
{
	(void)f;
	long s = 0;
	for (long i = 0; i < n; i++)
		s += static_call(sc_ool)(i);
	return s;
}
__attribute__((noipa)) long site_static(fn f, long n)
{
	(void)f;
	long s = 0;
	for (long i = 0; i < n; i++)
		s += static_call(sc_inl)(i);
	return s;
}

#define KINDS 5
#define REPS 9

int main(void)
{
	static const char *const names[KINDS] = {"direct", "indirect", "retpoline", "static_ool", "static_inline"};
	long (*const loops[KINDS])(fn, long) = {ref_direct, ref_indirect, ref_retpoline, ref_static, site_static};
	fn volatile f = inc;
	const long n = 10000000;
	double best[KINDS];
	for (int k = 0; k < KINDS; k++)
		best[k] = 1e9;
	/* Retarget both once, as a program would, and back: the trampolines
	 * and the site hold what static_call_update wrote. */
	static_call_update(sc_ool, inc);
	static_call_update(sc_inl, inc);
	for (int r = 0; r < REPS; r++)
		for (int k = 0; k < KINDS; k++) {
			struct timespec a, b;
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
			long s = loops[k](f, n);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
			if (s != n * (n + 1) / 2)
				return 1;
			double t = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
			if (t < best[k])
				best[k] = t;
		}
	for (int k = 0; k < KINDS; k++)
		printf("%s %.3f%c", names[k], best[k], k + 1 < KINDS ? ' ' : '\n');
	return 0;
}
