/* Asynchronous unwinding through the miss path: a 20 kHz timer interrupts a
 * loop of indirect calls that all go site → outline block → learning stub
 * (→ retpoline thunk) → target, and the handler unwinds with
 * _Unwind_Backtrace until it finds main. Prints the samples, how many
 * landed in the learning stubs and thunks, and how many did not reach
 * main. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>
#include <unwind.h>

typedef long (*fn)(long);
long f0(long x) { return x + 1; }
long f1(long x) { return x + 2; }
long f2(long x) { return x + 3; }
long f3(long x) { return x + 4; }
long f4(long x) { return x + 5; }
long f5(long x) { return x + 6; }
fn fns[6] = {f0, f1, f2, f3, f4, f5};

__attribute__((noinline)) long site(fn f, long x) { return f(x) + 1; }

#ifdef OPTPOLINE_RT
extern char __optpoline_learn_rax[], __optpoline_ring_init[] __attribute__((visibility("hidden")));
extern char __x86_indirect_thunk_rax[] __attribute__((visibility("hidden")));
#endif

int main(int argc, char **argv);
static volatile long samples, in_stub, in_thunk, lost;

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *found)
{
	void *start = _Unwind_FindEnclosingFunction((void *)(_Unwind_GetIP(ctx) - 1));
	if (start == (void *)main) {
		*(int *)found = 1;
		return _URC_END_OF_STACK;
	}
	return _URC_NO_REASON;
}

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si;
	uintptr_t pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
	(void)pc;
#ifdef OPTPOLINE_RT
	/* learn.S: the stubs, then __optpoline_ring_init (< 256 bytes). */
	if (pc >= (uintptr_t)__optpoline_learn_rax && pc < (uintptr_t)__optpoline_ring_init + 256)
		in_stub++;
	if (pc >= (uintptr_t)__x86_indirect_thunk_rax && pc < (uintptr_t)__x86_indirect_thunk_rax + 17)
		in_thunk++;
#endif
	int found = 0;
	_Unwind_Backtrace(step, &found);
	samples++;
	if (!found)
		lost++;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 1000;
	struct sigaction sa = {.sa_sigaction = handler, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigaction(SIGPROF, &sa, NULL);
	timer_t tm;
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGPROF};
	timer_create(CLOCK_MONOTONIC, &ev, &tm);
	struct itimerspec its = {{0, 50000}, {0, 50000}};
	timer_settime(tm, 0, &its, NULL);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long s = 0;
	do {
		for (long i = 0; i < 100000; i++)
			s += site(fns[i % 6], i);
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
	its = (struct itimerspec){0};
	timer_settime(tm, 0, &its, NULL);
	printf("sum %ld\n", s & 1);
	fprintf(stderr, "samples %ld in_stub %ld in_thunk %ld lost %ld\n", samples, in_stub, in_thunk, lost);
	return lost != 0;
}
