/* Static call stress: THREADS callers call static_call(sc) while the main
 * thread retargets it UPDATES times (or for SECONDS) among NF targets, one
 * of them in a shared object (out of rel32 reach: the far path). Every
 * callee checks that it is the target of a state the call may see: one
 * between the caller's generation before the call and the callee's
 * generation when it runs (an odd generation is an update in progress,
 * either its old or its new target). Prints the counts; exits 1 on any
 * other target. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <optpoline/static_call.h>

#define NF 6       /* targets: f0…f4 here, sc_far in the shared object */
#define THREADS 4
#define MAXU (1 << 20)

static long gen;              /* 2k: state k; 2k+1: state k → k+1 in progress */
static unsigned char hist[MAXU + 2]; /* the target of each state */
static long bad, calls[THREADS];
static volatile int stop;

/* Called by every target: is id the target of a state in [g0/2, (g1+1)/2]? */
long sc_check(int id, long g0)
{
	long g1 = __atomic_load_n(&gen, __ATOMIC_ACQUIRE);
	for (long k = g0 / 2; k <= (g1 + 1) / 2; k++)
		if (__atomic_load_n(&hist[k], __ATOMIC_RELAXED) == id)
			return id;
	__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
	return -1;
}

#define F(n)                                                                                     \
	static long __attribute__((noinline)) f##n(long g0) { return sc_check(n, g0); }
F(0) F(1) F(2) F(3) F(4)
long sc_far(long g0); /* in sc_far.so: sc_check(5, g0) */

DEFINE_STATIC_CALL(sc, f0);

/* A tail call to the static call (a jmp site in inline mode). */
__attribute__((noinline)) long via_tail(long g0)
{
	return static_call(sc)(g0);
}

static void *caller(void *arg)
{
	long *n = arg, c = 0;
	while (!stop) {
		for (int i = 0; i < 64; i++) {
			long g0 = __atomic_load_n(&gen, __ATOMIC_ACQUIRE);
			long r = (i & 1) ? via_tail(g0) : static_call(sc)(g0);
			if (r < 0)
				break;
		}
		c += 64;
	}
	*n = c;
	return NULL;
}

int main(int argc, char **argv)
{
	long updates = argc > 1 ? atol(argv[1]) : 20000;
	double seconds = argc > 2 ? atof(argv[2]) : 2;
	long (*const fs[NF])(long) = {f0, f1, f2, f3, f4, sc_far};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, caller, &calls[i]);
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned seed = 1;
	long k = 0, fails = 0;
	for (; k < updates && k < MAXU; k++) {
		int j = rand_r(&seed) % NF;
		__atomic_store_n(&hist[k + 1], (unsigned char)j, __ATOMIC_RELAXED);
		__atomic_store_n(&gen, 2 * k + 1, __ATOMIC_RELEASE);
		static_call_update(sc, fs[j]);
		if (static_call_query(sc) != fs[j])
			fails++;
		__atomic_store_n(&gen, 2 * k + 2, __ATOMIC_RELEASE);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
			break;
	}
	stop = 1;
	long total = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		total += calls[i];
	}
	long d = (long)((char *)sc_far - (char *)__SCT__sc);
	printf("updates %ld calls %ld bad %ld queryfails %ld far %d\n", k, total, bad, fails,
	       d > 0x7fffffffL || d < -0x80000000L);
	return bad || fails;
}
