/* optpoline/textpoke.h: writing rel32 fields of code while threads run,
 * shared by the runtime's promoter (runtime.c) and static calls
 * (static_call.c). Every function is static: include it in one file of a
 * module.
 *
 * Two paths write a 4-aligned rel32:
 *   - pwrite(/proc/self/mem): no new mappings, works under PR_SET_MDWE,
 *     but the kernel copies with memcpy (rep movsb on FSRM machines), so
 *     the four bytes are not one store;
 *   - mprotect RWX, one aligned 4-byte store per rel32, mprotect r-x per
 *     run of pages.
 * Code that no thread can execute while it changes (the promoter's
 * sentinel-guarded hit calls) takes /proc/self/mem first; live code
 * (static call trampolines and sites) takes mprotect first, for the single
 * store, and /proc/self/mem only where mprotect is refused. The mprotect
 * windows of all writers of a module are serialised by one lock, so that
 * no writer restores r-x under another's store. */
#ifndef OPTPOLINE_TEXTPOKE_H
#define OPTPOLINE_TEXTPOKE_H

#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* One rel32 to write. */
struct optpoline_poke {
	uintptr_t addr; /* 4-aligned */
	int32_t val;
};

/* A writer's state. */
struct optpoline_poker {
	int memfd;     /* /proc/self/mem, -1 when closed or refused */
	int sync_core; /* membarrier command to use, 0 for none */
	uint64_t pwrites, mprotects, syncs;
};

/* The lock of every mprotect window in the module (weak: one definition
 * however many files include this). */
__attribute__((weak)) pthread_mutex_t optpoline_text_mu = PTHREAD_MUTEX_INITIALIZER;

static inline long optpoline_membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

/* Opens /proc/self/mem and registers for membarrier SYNC_CORE (else the
 * plain expedited barrier, which still orders the data). Again after
 * fork: the descriptor names the parent's memory. */
static inline void optpoline_poke_setup(struct optpoline_poker *p)
{
	p->memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	p->sync_core = 0;
	if (optpoline_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) == 0)
		p->sync_core = MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE;
	else if (optpoline_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		p->sync_core = MEMBARRIER_CMD_PRIVATE_EXPEDITED;
}

/* Serialises every running thread of the process; 0 on success. */
static inline int optpoline_poke_sync(struct optpoline_poker *p)
{
	if (!p->sync_core || optpoline_membarrier(p->sync_core) != 0)
		return -1;
	p->syncs++;
	return 0;
}

static inline int optpoline_poke_cmp(const void *a, const void *b)
{
	uintptr_t x = ((const struct optpoline_poke *)a)->addr, y = ((const struct optpoline_poke *)b)->addr;
	return x < y ? -1 : x > y;
}

/* Writes w[i..n) through /proc/self/mem; returns the first index not
 * written (a refusal closes the descriptor for good). */
static inline size_t optpoline_poke_pwrite(struct optpoline_poker *p, struct optpoline_poke *w, size_t i, size_t n)
{
	if (p->memfd < 0)
		return i;
	for (; i < n; i++) {
		if (pwrite(p->memfd, &w[i].val, 4, (off_t)w[i].addr) != 4)
			break;
		p->pwrites++;
	}
	if (i < n) {
		close(p->memfd); /* refused (proc_mem.force_override…): stop trying */
		p->memfd = -1;
	}
	return i;
}

/* Writes w[i..n) with mprotect and aligned stores, per run of pages; on
 * return each rel32 holds its value, or its old one where mprotect was
 * refused (sorts w[i..n)). Returns 0 when every run was writable. */
static inline int optpoline_poke_mprotect(struct optpoline_poker *p, struct optpoline_poke *w, size_t i, size_t n)
{
	int err = 0;
	qsort(w + i, n - i, sizeof *w, optpoline_poke_cmp);
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	pthread_mutex_lock(&optpoline_text_mu);
	while (i < n) {
		uintptr_t lo = w[i].addr & -pg, hi = lo + pg;
		size_t j = i;
		while (j < n && w[j].addr < hi + pg) {
			hi = (w[j].addr & -pg) + pg;
			j++;
		}
		if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC) == 0) {
			for (; i < j; i++)
				__atomic_store_n((int32_t *)w[i].addr, w[i].val, __ATOMIC_RELAXED);
			mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
			p->mprotects++;
		} else {
			err = -1;
		}
		i = j;
	}
	pthread_mutex_unlock(&optpoline_text_mu);
	return err;
}

/* Writes every rel32 of w (live: threads may be executing it, see
 * above). Callers check each rel32 afterwards: a refused write leaves the
 * old value. No barrier: call optpoline_poke_sync after the batch. */
static inline void optpoline_poke_text(struct optpoline_poker *p, struct optpoline_poke *w, size_t n, int live)
{
	if (live) {
		if (optpoline_poke_mprotect(p, w, 0, n) == 0)
			return;
		for (size_t i = 0; i < n; i++)
			if (__atomic_load_n((const int32_t *)w[i].addr, __ATOMIC_RELAXED) != w[i].val &&
			    optpoline_poke_pwrite(p, w, i, i + 1) == i)
				break;
		return;
	}
	size_t i = optpoline_poke_pwrite(p, w, 0, n);
	if (i < n)
		optpoline_poke_mprotect(p, w, i, n);
}

#endif
