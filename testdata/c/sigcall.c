/* A SIGALRM handler that itself makes indirect calls (register, table,
   struct member, tail call), firing at arbitrary points while the main
   loop makes indirect calls: raise() at fixed iterations and an interval
   timer (setitimer) at unpredictable ones. Both sides check every result;
   the output counts results, never timing. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

typedef long (*unop)(long);

NOIPA long inc(long x) { return x + 1; }
NOIPA long twice(long x) { return x * 2; }
NOIPA long square(long x) { return x * x; }
NOIPA long negate(long x) { return -x; }

unop ops[4] = { inc, twice, square, negate };
struct vt {
	unop first, second;
} handler_vt = { square, inc };

static volatile sig_atomic_t fired, handler_bad, raised;

/* reference values computed without any indirect call */
static long expect(int k, long x)
{
	switch (k & 3) {
	case 0:
		return x + 1;
	case 1:
		return x * 2;
	case 2:
		return x * x;
	default:
		return -x;
	}
}

NOIPA long h_tail(const struct vt *v, long x) { return v->second(x); }
NOIPA long h_work(unop f, long x) { return f(x) + ops[x & 3](x) + h_tail(&handler_vt, x); }

static void on_alarm(int sig)
{
	(void)sig;
	long n = fired;
	long x = n % 50;
	long r = h_work(handler_vt.first, x);
	if (r != x * x + expect((int)(x & 3), x) + x + 1)
		handler_bad++;
	fired = n + 1;
}

NOIPA long step(unop f, long x) { return f(x); }
long (*stepp)(unop, long) = step;

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGALRM, &sa, 0) != 0)
		return 1;

	/* deterministic part: raise() from inside the loop */
	long bad = 0, calls = 0;
	for (long i = 0; i < 100000; i++) {
		int k = (int)(i * 7 % 4);
		long x = i % 1000;
		if (stepp(ops[k], x) != expect(k, x))
			bad++;
		calls++;
		if (i % 1000 == 999) {
			raise(SIGALRM);
			raised++;
		}
	}
	printf("raise: calls %ld bad %ld fired %d handler bad %d\n", calls, bad, (int)(fired == raised), (int)handler_bad);

	/* asynchronous part: a 200 us interval timer; loop until it has
	   fired 200 more times, checking every result meanwhile */
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	sig_atomic_t start = fired;
	if (setitimer(ITIMER_REAL, &it, 0) != 0)
		return 1;
	bad = 0;
	for (long i = 0; fired - start < 200; i++) {
		int k = (int)(i % 4);
		long x = i % 3000;
		if (stepp(ops[k], x) != expect(k, x))
			bad++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, 0);
	printf("timer: bad %ld fired>=200 %d handler bad %d\n", bad, (int)(fired - start >= 200), (int)handler_bad);
	return 0;
}
