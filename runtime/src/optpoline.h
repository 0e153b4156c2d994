/* optpoline run-time library: ABI v1 of the optpoline_sites table and the
 * public API. Mirrors package abi (abi/abi.go); runtime/abi_test.go checks
 * both agree.
 *
 * Environment (read once, at the first registration):
 *   OPTPOLINE=off|learn|stats  off: no promoter, no learning, every site
 *                              stays on its fallback; learn (default);
 *                              stats: learn, and print per-site misses and
 *                              promoted targets (dladdr) to stderr at exit
 *   OPTPOLINE=profile=DIR      sample every site's targets without patching
 *                              any code and write a dump into DIR at exit
 *                              (and at dlclose): "optpoline profile" reads
 *                              it; with learn or stats (learn,profile=DIR)
 *                              the promoter patches as usual too
 *   OPTPOLINE_PERIOD_MS=10     promoter period
 *   OPTPOLINE_THRESHOLD=32     samples a target needs before it is promoted
 *   OPTPOLINE_MIN_SHARE=10     percent of its site's samples it needs too
 *   OPTPOLINE_MAX_OUTLINE=255  outline entries filled per site at most
 *   OPTPOLINE_PATCH=mprotect   write code with mprotect, not /proc/self/mem
 */
#ifndef OPTPOLINE_H
#define OPTPOLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#define OPTPOLINE_STATIC_ASSERT static_assert
#else
#define OPTPOLINE_STATIC_ASSERT _Static_assert
#endif

#define OPTPOLINE_MAGIC 0x5054504fu /* "OPTP" little-endian */
#define OPTPOLINE_VERSION 1
#define OPTPOLINE_HEADER_SIZE 16
#define OPTPOLINE_ENTRY_SIZE 24
#define OPTPOLINE_ALIGN 8
#define OPTPOLINE_SENTINEL 0x8000000000000000ull

/* Entry flags. */
#define OPTPOLINE_F_TAIL 0x01       /* both branches are jmp */
#define OPTPOLINE_F_FROM_MEM 0x02   /* memory operand loaded into %r11 */
#define OPTPOLINE_F_FROM_THUNK 0x04 /* the original called a retpoline thunk */
#define OPTPOLINE_F_KERNEL 0x08     /* kernel mode */
#define OPTPOLINE_F_STATIC 0x10     /* promoted from a profile: never patched */
#define OPTPOLINE_F_NOTRACK 0x20    /* the original had a notrack prefix */
#define OPTPOLINE_F_DISPATCH 0x40   /* a dispatch jump (computed goto): site = first
				     * cmpq of nout 16-byte entries (je rel32 at +12),
				     * call = the learning call or final jmp, outline =
				     * the label set (u32 n, s32 labels[n]) */

/* Section and symbol names. */
#define OPTPOLINE_TABLE_SECTION "optpoline_sites"
#define OPTPOLINE_SLOT_SECTION ".data.optpoline"
#define OPTPOLINE_OUTLINE_SECTION ".text.optpoline"

/* Every s32 field is PC-relative: the field's own address plus its value. */
struct optpoline_header {
	uint32_t magic;
	uint16_t version;
	uint16_t entry_size;
	uint32_t nentries;
	int32_t name; /* NUL-terminated source file name */
};

struct optpoline_entry {
	int32_t site;    /* the cmpq */
	int32_t call;    /* the hit call/jmp: E8/E9, rel32 at +1, 4-aligned */
	int32_t slot;    /* 8-byte slot */
	int32_t outline; /* outline block, or 0 */
	uint8_t reg;     /* ModRM number: rax 0 … r15 15 */
	uint8_t flags;
	uint8_t nout; /* outline entries */
	uint8_t reserved;
	uint32_t id; /* ordinal of the site in its function */
};

OPTPOLINE_STATIC_ASSERT(sizeof(struct optpoline_header) == OPTPOLINE_HEADER_SIZE, "header size");
OPTPOLINE_STATIC_ASSERT(sizeof(struct optpoline_entry) == OPTPOLINE_ENTRY_SIZE, "entry size");

/* Resolves a PC-relative field. */
static inline uintptr_t optpoline_rel(const int32_t *field)
{
	return (uintptr_t)field + (uintptr_t)(intptr_t)*field;
}

/* Run-time modes (OPTPOLINE=off|learn|stats). */
enum optpoline_mode {
	OPTPOLINE_OFF = 0,
	OPTPOLINE_LEARN = 1,
	OPTPOLINE_STATS = 2,
};

/* Statistics of the process (all registered objects). */
struct optpoline_stats {
	uint64_t sites;      /* registered sites */
	uint64_t samples;    /* samples drained from the rings */
	uint64_t promoted;   /* inline slots filled */
	uint64_t outlined;   /* outline entries filled */
	uint64_t far;        /* candidate targets out of rel32 reach */
	uint64_t rejected;   /* sites whose code did not decode (breakpoints…) */
	uint64_t batches;    /* code-write batches (one membarrier each) */
	uint64_t syncs;      /* membarrier SYNC_CORE calls that succeeded */
	uint64_t pwrites;    /* rel32s written through /proc/self/mem */
	uint64_t mprotects;  /* page runs written through mprotect */
	uint64_t statics;    /* sites promoted from a profile (never patched) */
	uint64_t learned;    /* calls that reached a learning stub while learning was on */
};

/* Process-global entry points (default visibility: the first definition
 * in the lookup scope serves every module). Modules register their tables
 * from the runtime's own constructor; programs call nothing. */

/* Runs one promotion round now (drain, count, patch); returns the number
 * of slots published. */
int optpoline_promote_now(void);
/* Drops every promotion (slots back to the sentinel) and what was learned.
 * Only safe while no other thread can be between a site's cmpq and its
 * call (all parked): re-targeting a live slot needs quiescence (§5). For
 * tests. */
void optpoline_reset(void);
void optpoline_get_stats(struct optpoline_stats *st);
/* Prints per-site statistics to stderr (what OPTPOLINE=stats does at exit). */
void optpoline_print_stats(void);
enum optpoline_mode optpoline_mode(void);

#ifdef __cplusplus
}
#endif

#endif
