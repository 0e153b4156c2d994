/* ns/call side by side in one run. The loops named ref_* are left alone by
 * the markup (SkipFunctions); the others are promoted sites. Built with
 * -mindirect-branch=thunk-extern: ref_retpoline goes through the thunk,
 * ref_indirect keeps "call *%reg" (indirect_branch("keep")). */
#include <stdio.h>
#include <time.h>
#ifdef OPTPOLINE_RT
#include "optpoline.h"
#endif

typedef long (*fn)(long);
__attribute__((noipa)) long inc(long x) { return x + 1; }
__attribute__((noipa)) long dec(long x) { return x - 1; }
__attribute__((noipa)) long neg(long x) { return -x; }

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
/* Promoted sites: inline hit, outline hit (entry 0), and a miss. */
__attribute__((noipa)) long site_hit(fn f, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += f(i);
	return s;
}
__attribute__((noipa)) long site_outline(fn f, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += f(i);
	return s;
}
__attribute__((noipa)) long site_miss(fn f, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += f(i);
	return s;
}

static double ns(long (*loop)(fn, long), fn f)
{
	const long n = 20000000;
	double best = 1e9;
	for (int r = 0; r < 7; r++) {
		struct timespec a, b;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		loop(f, n);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		double t = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		/* "learning": nothing promoted yet, so every call misses and the
		 * stub samples it into the ring (the promoter is kept asleep). */
		(void)argv;
		printf("learning %.2f\n", ns(site_miss, inc));
		return 0;
	}
#ifdef OPTPOLINE_RT
	/* Learn: site_hit ← inc; site_outline ← dec inline, then inc in its
	 * first outline entry; site_miss: inc learned, measured with neg
	 * once learning is off (outline full). */
	/* (A thread's ring keeps its last 256 samples: one loop per round.) */
	long (*const warm[5])(fn, long) = {site_hit, site_outline, site_miss, site_outline, site_miss};
	const fn with[5] = {inc, dec, inc, inc, dec};
	for (int i = 0; i < 5; i++) {
		warm[i](with[i], 200);
		optpoline_promote_now();
	}
	struct optpoline_stats st;
	optpoline_get_stats(&st);
	printf("promoted %lu outlined %lu\n", (unsigned long)st.promoted, (unsigned long)st.outlined);
#endif
	printf("direct %.2f\n", ns(ref_direct, inc));
	printf("indirect %.2f\n", ns(ref_indirect, inc));
	printf("retpoline %.2f\n", ns(ref_retpoline, inc));
	printf("hit %.2f\n", ns(site_hit, inc));
	printf("outline %.2f\n", ns(site_outline, inc));
	printf("miss %.2f\n", ns(site_miss, neg));
	return 0;
}
