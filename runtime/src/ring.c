/* Per-thread sample rings. Built with -mgeneral-regs-only: the learning
 * stubs reach __optpoline_ring_slow having saved only the GPRs, so this
 * file must not touch vector or x87 state, and it calls no library
 * function (raw system calls only; safe in signal handlers too). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"

_Static_assert(offsetof(struct optpoline_ring, s) == 32, "sample.h: RING_SAMPLES");
_Static_assert(offsetof(struct optpoline_ring, widx) == 16, "sample.h: RING_WIDX");
_Static_assert(offsetof(struct optpoline_ring, hmask) == 20, "sample.h: RING_HMASK");
_Static_assert(sizeof(struct optpoline_sample) == 16, "learn.S: sample size");
_Static_assert((RING_N - 1) * 16 == 4080, "sample.h: RING_MASK_BYTES");
_Static_assert(offsetof(struct optpoline_module, learn) == 0, "learn.S: learn flag");

struct optpoline_module __optpoline_module;
__thread struct optpoline_ring *__optpoline_tls_ring;

void __optpoline_ring_slow(void) __attribute__((visibility("hidden")));

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Sets this thread's ring: the one it already owns (from another module),
 * a free one, or a new one; leaves it NULL before registration. */
void __optpoline_ring_slow(void)
{
	struct optpoline_ring **list = __atomic_load_n(&__optpoline_module.rings, __ATOMIC_ACQUIRE);
	if (!list)
		return;
	int32_t tid = (int32_t)sys6(SYS_gettid, 0, 0, 0, 0, 0, 0);
	struct optpoline_ring *head = __atomic_load_n(list, __ATOMIC_ACQUIRE), *r;
	for (r = head; r; r = r->next)
		if (__atomic_load_n(&r->tid, __ATOMIC_RELAXED) == tid)
			goto found;
	for (r = head; r; r = r->next) {
		int32_t zero = 0;
		if (__atomic_compare_exchange_n(&r->tid, &zero, tid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			goto found;
	}
	long m = sys6(SYS_mmap, 0, sizeof *r, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m < 0 && m > -4096)
		return;
	r = (struct optpoline_ring *)m;
	r->tid = tid;
	r->next = head;
	while (!__atomic_compare_exchange_n(list, &r->next, r, 1, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		;
found:
	__optpoline_tls_ring = r;
}
