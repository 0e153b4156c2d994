/* Shared by runtime.c, ring.c and learn.S (whose constants ring.c checks). */
#ifndef OPTPOLINE_INTERNAL_H
#define OPTPOLINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "optpoline.h"

#define RING_N 256 /* samples per ring, a power of two */

struct optpoline_sample {
	uint64_t ret;    /* the return address on the stub's stack */
	uint64_t target; /* the call target */
};

/* One thread's ring. The thread counts every miss in head and writes
 * the misses whose count h has (h * FIB_HASH) & hmask == 0 at widx
 * (sample.h): one in 2^k when hmask is the top k bits, spread so that no
 * periodic miss pattern aliases with it. The promoter reads up to widx
 * and sets hmask from the miss rate so that a period's samples
 * spread over the whole period (keeping just the latest ones would starve
 * a site whose calls come in bursts before another's). Rings are never
 * freed: a dead thread's ring is recycled by the next thread that claims
 * it (tid 0 → its tid), so a stale writer can only add a few bogus
 * samples, which cost nothing but efficiency (every promoted target is
 * guarded by the site's compare). */
struct optpoline_ring {
	uint32_t head;               /* +0: misses seen (wraps) */
	int32_t tid;                 /* +4: owner, 0 when free */
	struct optpoline_ring *next; /* +8: immutable once linked */
	uint32_t widx;               /* +16: samples written (wraps) */
	uint32_t hmask;              /* +20: write when (head * FIB_HASH) & hmask == 0 */
	uint64_t pad;
	struct optpoline_sample s[RING_N]; /* +32 */
	uint32_t tail;      /* promoter: samples consumed */
	uint32_t last_head; /* promoter: head at the last drain */
};

/* Per-module state (hidden, one per module that links the runtime). */
struct optpoline_module {
	volatile uint8_t learn; /* +0: read by the learning stubs */
	uint8_t pad[7];
	struct optpoline_ring **rings; /* the registry's ring list, NULL until registered */
};

extern struct optpoline_module __optpoline_module __attribute__((visibility("hidden")));
extern __thread struct optpoline_ring *__optpoline_tls_ring
	__attribute__((visibility("hidden"), tls_model("initial-exec")));

/* Profiles (profile.c): a site's learned targets, as runtime.c copies them
 * under its lock for profile.c to write without it. */
#define OPTPOLINE_PROF_NT 16

enum { OPTPOLINE_PROF_CAND, OPTPOLINE_PROF_INLINE, OPTPOLINE_PROF_OUTLINE };

struct optpoline_prof_target {
	uintptr_t addr;
	uint64_t calls; /* estimated: a sample weighs its period's misses / samples */
	int where;      /* OPTPOLINE_PROF_*: promoted inline, outline or not */
};

struct optpoline_prof_site {
	uintptr_t at;     /* the site's cmpq */
	const char *file; /* its table fragment's source name */
	uint32_t id;      /* ordinal in its function */
	uint8_t flags;
	uint64_t samples, calls;
	unsigned nt;
	struct optpoline_prof_target t[OPTPOLINE_PROF_NT];
};

/* Writes a dump of n sites into the directory dir, as a new file of its
 * own (temporary file + rename); returns 0, or -1 with errno set. */
int optpoline_write_profile(const char *dir, const struct optpoline_prof_site *s, size_t n)
	__attribute__((visibility("hidden")));

int optpoline_register_module(const void *start, const void *stop, struct optpoline_module *mod);
void optpoline_unregister_module(const void *start, struct optpoline_module *mod);

#endif
