/* Stress: 4 threads call 32 sites whose targets rotate among 1–5 of 16
 * functions while the promoter patches. Every callee checks that it is the
 * one the caller meant and that its arguments (6 integers, 2 doubles)
 * arrived intact; a timer's signal handler calls sites as well. Runs for
 * argv[1] ms; prints calls and wrong dispatches,
 * exits 1 on any wrong dispatch. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef OPTPOLINE_RT
#include "optpoline.h"
#endif

typedef long (*fn)(long, long, long, long, long, long, double, double);

static __thread int want;
static atomic_long wrong;

#define T(k)                                                                                    \
	long t##k(long a, long b, long c, long d, long e, long f, double x, double y)           \
	{                                                                                       \
		if (want != k || b != a + 1 || c != a + 2 || d != a + 3 || e != a + 4 ||        \
		    f != a + 5 || x != (double)a || y != 0.5)                                    \
			atomic_fetch_add(&wrong, 1);                                             \
		return k;                                                                       \
	}
T(0) T(1) T(2) T(3) T(4) T(5) T(6) T(7) T(8) T(9) T(10) T(11) T(12) T(13) T(14) T(15)
fn targets[16] = {t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15};

#define S(n)                                                                                    \
	__attribute__((noinline)) long s##n(fn f, long a)                                       \
	{                                                                                       \
		return f(a, a + 1, a + 2, a + 3, a + 4, a + 5, (double)a, 0.5) + 1;             \
	}
S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14) S(15)
S(16) S(17) S(18) S(19) S(20) S(21) S(22) S(23) S(24) S(25) S(26) S(27) S(28) S(29) S(30) S(31)
long (*sites[32])(fn, long) = {s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15,
			       s16, s17, s18, s19, s20, s21, s22, s23, s24, s25, s26, s27, s28, s29, s30, s31};

/* A 10 kHz timer's handler calls sites too: samples from a handler land in
 * the interrupted thread's ring, possibly in the middle of its own. */
static atomic_long handler_calls;
static void handler(int sig)
{
	(void)sig;
	int saved = want, k = (int)(handler_calls & 15);
	want = k;
	if (sites[(k * 7) & 31](targets[k], 9) != k + 1)
		atomic_fetch_add(&wrong, 1);
	want = saved;
	atomic_fetch_add(&handler_calls, 1);
}

static long ms;
static atomic_long calls;
static atomic_int park, parked, done;

/* With the runtime, the main thread drops every promotion every 10 ms with
 * the workers parked, so that the promoter keeps patching throughout. */
static void maybe_park(void)
{
	if (!atomic_load_explicit(&park, memory_order_acquire))
		return;
	atomic_fetch_add(&parked, 1);
	while (atomic_load_explicit(&park, memory_order_acquire))
		sched_yield();
	atomic_fetch_sub(&parked, 1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *worker(void *arg)
{
	unsigned long id = (unsigned long)arg, n = 0;
	static const int sizes[4] = {1, 2, 3, 5};
	double end = now() + ms;
	for (unsigned long i = 0;; i++) {
		if ((i & 4095) == 0 && now() > end)
			break;
		if ((i & 255) == 0)
			maybe_park();
		int size = sizes[(i >> 11) & 3];
		int site = (int)((i + id) & 31);
		int k = (int)((site + (i >> 4) % size + (i >> 16)) & 15);
		want = k;
		if (sites[site](targets[k], (long)(i & 1023)) != k + 1)
			atomic_fetch_add(&wrong, 1);
		n++;
	}
	atomic_fetch_add(&calls, (long)n);
	atomic_fetch_add(&done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	ms = argc > 1 ? atol(argv[1]) : 1000;
	struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	timer_t tm;
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	timer_create(CLOCK_MONOTONIC, &ev, &tm);
	struct itimerspec its = {{0, 100000}, {0, 100000}};
	timer_settime(tm, 0, &its, NULL);
	pthread_t th[4];
	for (unsigned long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	long resets = 0;
#ifdef OPTPOLINE_RT
	for (;;) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		atomic_store(&park, 1);
		while (atomic_load(&parked) + atomic_load(&done) < 4)
			sched_yield();
		if (atomic_load(&done) == 4)
			break;
		optpoline_reset();
		resets++;
		atomic_store(&park, 0);
	}
	atomic_store(&park, 0);
#endif
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	its = (struct itimerspec){0};
	timer_settime(tm, 0, &its, NULL);
	printf("calls %ld wrong %ld resets %ld handler calls %ld\n", (long)calls, (long)wrong, resets,
	       (long)handler_calls);
	return wrong != 0;
}
