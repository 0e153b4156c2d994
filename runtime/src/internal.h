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
 * every (stride)th one, stride = smask + 1, at widx; the promoter reads up
 * to widx and sets smask from the miss rate so that a period's samples
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
	uint32_t smask;              /* +20: write when (head & smask) == 0 */
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

int optpoline_register_module(const void *start, const void *stop, struct optpoline_module *mod);
void optpoline_unregister_module(const void *start, struct optpoline_module *mod);

#endif
