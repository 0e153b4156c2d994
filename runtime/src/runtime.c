/* optpoline run time: registers every module's site table, learns each
 * site's targets from the learning stubs' sample rings and patches hot
 * targets in while threads run (sites.md §5).
 *
 * Every module (executable, shared object) links its own copy of the
 * runtime. The module part (its constructor, learn flag, TLS ring pointer
 * and stubs) is hidden; the registry entry points have default visibility,
 * so the first copy in the lookup scope serves the whole process and owns
 * the one promoter thread. (A dlopen'ed module whose executable exports no
 * registry gets a registry of its own: link executables with
 * -Wl,--export-dynamic-symbol=optpoline_* to share one.)
 *
 * Protocol, per round, under the registry lock: decide; write every rel32
 * (hit calls, outline je's) of slots that still hold the sentinel, through
 * /proc/self/mem or else mprotect per page run; one membarrier SYNC_CORE;
 * then release-store the slots. A slot changes once, sentinel → target. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "include/optpoline/textpoke.h"
#include "internal.h"

#define NT 16 /* targets counted per site */

enum { T_CAND, T_PROMOTED, T_FAR, T_FOREIGN };

struct tcount {
	uintptr_t target;
	uint64_t count; /* samples */
	int state;
	uint64_t calls; /* weighted samples: estimated calls (drain) */
};

struct site {
	const struct optpoline_entry *e;
	uintptr_t at, call, slot, outline;
	uintptr_t fb_ret; /* return address of the fallback call; 0: not learned */
	uint8_t reg, flags, nout, bad;
	uint8_t inl;     /* inline slot filled (or planned this round) */
	uint8_t nfilled; /* outline entries filled */
	uint8_t done;    /* every slot filled: nothing to learn */
	uint8_t stat;    /* OPTPOLINE_F_STATIC: promoted from a profile, never patched */
	const uint32_t *set; /* dispatch sites: the label set (u32 n, s32 labels[n]) */
	const char *file;
	uint64_t misses; /* samples (calls that reached the stub) */
	uint64_t calls;  /* estimated calls that reached the stub (for profiles) */
	struct tcount t[NT];
};

struct table {
	const void *start, *stop;
	struct optpoline_module *mod;
	struct site *sites;
	size_t n;
	struct table *next;
};

struct key {
	uintptr_t ret;
	struct site *s;
};

struct publish {
	uint64_t *slot;
	uintptr_t target;
};

static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum optpoline_mode mode;
	unsigned period_ms, threshold, min_share, max_outline;
	int force_mprotect;
	const char *profile; /* OPTPOLINE=…,profile=DIR: write a dump there */
	int sample_only;     /* profile without learn/stats: sample, never patch */
	int dumped;          /* the exit dump is written */
	struct table *tables;
	struct key *keys;
	size_t nkeys;
	struct optpoline_ring *rings; /* lock-free list (ring.c) */
	struct optpoline_poker pk; /* textpoke.h */
	pthread_t thread;
	int running, stop;
	int32_t fork_tid;
	unsigned round;
	struct optpoline_stats st;
} rt = {.once = PTHREAD_ONCE_INIT, .mu = PTHREAD_MUTEX_INITIALIZER, .pk.memfd = -1};

static unsigned envnum(const char *name, unsigned def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	return *end ? def : (unsigned)n;
}

static void setup_patching(void)
{
	optpoline_poke_setup(&rt.pk);
}

static void *promoter(void *);
static void at_exit(void);
static void fork_prepare(void);
static void fork_parent(void);
static void fork_child(void);

static void start_promoter(void)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread takes no signals */
	rt.stop = 0;
	rt.running = pthread_create(&rt.thread, NULL, promoter, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* OPTPOLINE is a comma-separated list: off, learn or stats, and
 * profile=DIR. profile alone samples without patching anything; with learn
 * or stats the promoter patches as usual and the dump is written too. */
static void parse_mode(const char *m)
{
	int explicit = 0;
	rt.mode = OPTPOLINE_LEARN;
	for (const char *w = m; w && *w;) {
		size_t n = strcspn(w, ",");
		if (n == 3 && !strncmp(w, "off", 3))
			rt.mode = OPTPOLINE_OFF, explicit = 1;
		else if (n == 5 && !strncmp(w, "learn", 5))
			rt.mode = OPTPOLINE_LEARN, explicit = 1;
		else if (n == 5 && !strncmp(w, "stats", 5))
			rt.mode = OPTPOLINE_STATS, explicit = 1;
		else if (n > 8 && !strncmp(w, "profile=", 8)) {
			char *d = strndup(w + 8, n - 8);
			if (d)
				rt.profile = d;
		}
		w += n + (w[n] == ',');
	}
	rt.sample_only = rt.profile && !explicit;
	if (rt.mode == OPTPOLINE_OFF)
		rt.profile = NULL;
}

static void init(void)
{
	parse_mode(getenv("OPTPOLINE"));
	rt.period_ms = envnum("OPTPOLINE_PERIOD_MS", 10);
	rt.threshold = envnum("OPTPOLINE_THRESHOLD", 32);
	rt.min_share = envnum("OPTPOLINE_MIN_SHARE", 10);
	rt.max_outline = envnum("OPTPOLINE_MAX_OUTLINE", 255);
	const char *p = getenv("OPTPOLINE_PATCH");
	rt.force_mprotect = p && !strcmp(p, "mprotect");
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rt.cv, &ca);
	if (rt.mode == OPTPOLINE_OFF)
		return;
	setup_patching();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	atexit(at_exit);
	/* The promoter starts with the first module that has sites: a program
	 * linked with the runtime but without sites runs no extra thread. */
}

/* Decoding (tolerant: a mismatch, e.g. a debugger's 0xCC, marks the site
 * bad and it stays on its fallback). */

/* cmpq d32(%rip), %REG: REX.W[B/R] 3B modrm(00 reg 101) d32; returns the
 * slot address or 0. */
static uintptr_t decode_cmp(const uint8_t *p, unsigned reg)
{
	if ((p[0] & 0xfb) != 0x48 || p[1] != 0x3b || (p[2] & 0xc7) != 0x05)
		return 0;
	if ((unsigned)(((p[0] & 4) << 1) | ((p[2] >> 3) & 7)) != reg)
		return 0;
	int32_t d;
	memcpy(&d, p + 3, 4);
	return (uintptr_t)p + 7 + d;
}

static int decode_site(struct site *s)
{
	const uint8_t *p = (const uint8_t *)s->at, *c = (const uint8_t *)s->call;
	if (decode_cmp(p, s->reg) != s->slot || (s->call + 1) % 4)
		return -1;
	if (c[0] != ((s->flags & OPTPOLINE_F_TAIL) ? 0xe9 : 0xe8))
		return -1;
	p += 7;
	if (p[0] == 0x74)
		p += 2;
	else if (p[0] == 0x0f && p[1] == 0x84)
		p += 6;
	else
		return -1;
	while (*p == 0x2e || *p == 0x3e)
		p++;
	if (*p == 0xe8)
		s->fb_ret = (uintptr_t)p + 5;
	else if (*p != 0xe9)
		return -1;
	else if ((s->flags & OPTPOLINE_F_TAIL) && s->outline) {
		/* A learning tail site with an outline block: the block's final
		 * branch, after its entries, is "nopl (%rax); call stub" or
		 * "xchg %ax,%ax; cs call stub". */
		const uint8_t *f = (const uint8_t *)s->outline + 16 * s->e->nout;
		if (!memcmp(f, "\x0f\x1f\x00\xe8", 4) || !memcmp(f, "\x66\x90\x2e\xe8", 4))
			s->fb_ret = (uintptr_t)f + 8;
	}
	return 0;
}

/* Outline entry k: cmpq (7) nopl (3) je rel32 (6), 16 bytes; returns its
 * slot, 0 when it does not decode. The je's rel32 is at +12. */
static uint64_t *outline_slot(const struct site *s, unsigned k)
{
	const uint8_t *p = (const uint8_t *)s->outline + 16 * k;
	if ((uintptr_t)(p + 12) % 4 || memcmp(p + 7, "\x0f\x1f\x00\x0f\x84", 5))
		return NULL;
	return (uint64_t *)decode_cmp(p, s->reg);
}

/* A learned dispatch site (OPTPOLINE_F_DISPATCH): nout inline entries
 * from the site on, laid out as outline entries (the runtime fills them
 * the same way), and a call to the learning code whose return address
 * names the site; or, without the runtime's learning, the original jump
 * (nothing to learn). */
static int decode_dispatch(struct site *s)
{
	s->outline = s->at;
	s->inl = 1; /* no hit call */
	if (!s->nout || outline_slot(s, 0) != (uint64_t *)s->slot)
		return -1;
	for (unsigned k = 1; k < s->nout; k++)
		if (!outline_slot(s, k))
			return -1;
	const uint8_t *c = (const uint8_t *)s->call;
	if (c[0] == 0xe8)
		s->fb_ret = s->call + 5;
	return 0;
}

/* Whether target is a label of a dispatch site's set. */
static int in_set(const struct site *s, uintptr_t target)
{
	uint32_t n = s->set[0];
	for (uint32_t i = 0; i < n; i++)
		if (optpoline_rel((const int32_t *)&s->set[1 + i]) == target)
			return 1;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	uintptr_t x = ((const struct key *)a)->ret, y = ((const struct key *)b)->ret;
	return x < y ? -1 : x > y;
}

/* The stub's return address is the fallback call's (a miss) or, while the
 * code is stale, the hit call's. A tail site's miss calls the tail flavour
 * of the stub, so its fallback call is the key too; its hit is a jump and
 * never reaches a stub (call + 5 is then simply never looked up). A tail
 * site marked up without the runtime has no fallback call: not learned. */
static void rebuild_keys(void)
{
	size_t n = 0;
	for (struct table *t = rt.tables; t; t = t->next)
		n += 2 * t->n;
	struct key *k = realloc(rt.keys, (n ? n : 1) * sizeof *k);
	if (!k)
		return;
	rt.keys = k;
	n = 0;
	for (struct table *t = rt.tables; t; t = t->next)
		for (size_t i = 0; i < t->n; i++) {
			struct site *s = &t->sites[i];
			if (s->bad || !s->fb_ret)
				continue;
			k[n++] = (struct key){s->fb_ret, s};
			if (!(s->flags & OPTPOLINE_F_DISPATCH))
				k[n++] = (struct key){s->call + 5, s};
		}
	qsort(k, n, sizeof *k, key_cmp);
	rt.nkeys = n;
}

static struct site *lookup(uintptr_t ret)
{
	size_t lo = 0, hi = rt.nkeys;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rt.keys[mid].ret < ret)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rt.nkeys && rt.keys[lo].ret == ret ? rt.keys[lo].s : NULL;
}

static void set_learning(void)
{
	int any = rt.mode == OPTPOLINE_STATS || rt.profile;
	for (struct table *t = rt.tables; t && !any; t = t->next)
		for (size_t i = 0; i < t->n && !any; i++)
			any = !t->sites[i].done;
	for (struct table *t = rt.tables; t; t = t->next)
		t->mod->learn = rt.running && any;
}

static size_t count_entries(const uint8_t *p, const uint8_t *end)
{
	size_t n = 0;
	while (p + OPTPOLINE_HEADER_SIZE <= end) {
		if ((uintptr_t)p % OPTPOLINE_ALIGN) {
			p += OPTPOLINE_ALIGN - (uintptr_t)p % OPTPOLINE_ALIGN;
			continue;
		}
		const struct optpoline_header *h = (const void *)p;
		if (*(const uint64_t *)p == 0) {
			p += 8;
			continue;
		}
		if (h->magic != OPTPOLINE_MAGIC || h->version != OPTPOLINE_VERSION ||
		    h->entry_size != OPTPOLINE_ENTRY_SIZE)
			break;
		p += OPTPOLINE_HEADER_SIZE + (size_t)h->nentries * OPTPOLINE_ENTRY_SIZE;
		if (p > end)
			break;
		n += h->nentries;
	}
	return n;
}

static void init_site(struct site *s, const struct optpoline_entry *e, const char *file)
{
	s->e = e;
	s->file = file;
	s->at = optpoline_rel(&e->site);
	s->call = optpoline_rel(&e->call);
	s->slot = optpoline_rel(&e->slot);
	s->outline = e->outline ? optpoline_rel(&e->outline) : 0;
	s->reg = e->reg;
	s->flags = e->flags;
	s->nout = s->outline ? e->nout : 0;
	if (s->nout > rt.max_outline)
		s->nout = (uint8_t)rt.max_outline;
	if (e->flags & OPTPOLINE_F_DISPATCH) {
		s->set = (const uint32_t *)optpoline_rel(&e->outline);
		if (e->flags & OPTPOLINE_F_STATIC) { /* a funnel: nothing to patch or learn */
			s->outline = 0;
			s->nout = 0;
			s->done = 1;
			return;
		}
		s->nout = e->nout > rt.max_outline ? (uint8_t)rt.max_outline : e->nout;
	}
	if (e->flags & OPTPOLINE_F_STATIC) {
		/* Its slots hold their targets from the start: already filled. */
		s->stat = s->bad = s->done = 1;
		rt.st.statics++;
		return;
	}
	s->bad = ((e->flags & OPTPOLINE_F_DISPATCH) ? decode_dispatch(s) : decode_site(s)) != 0;
	if (s->bad) {
		rt.st.rejected++;
		s->done = 1;
		return;
	}
	/* Slots already filled (a fork child's inherited state). */
	if (!(s->flags & OPTPOLINE_F_DISPATCH) && *(volatile uint64_t *)s->slot != OPTPOLINE_SENTINEL) {
		s->t[0] = (struct tcount){*(volatile uint64_t *)s->slot, 0, T_PROMOTED, 0};
		s->inl = 1;
	}
	for (unsigned k = 0; k < s->nout; k++) {
		uint64_t *os = outline_slot(s, k);
		if (!os) {
			s->nout = (uint8_t)k;
			break;
		}
		if (*(volatile uint64_t *)os != OPTPOLINE_SENTINEL)
			s->nfilled = (uint8_t)(k + 1);
	}
	s->done = !s->fb_ret;
}

int optpoline_register_module(const void *start, const void *stop, struct optpoline_module *mod)
{
	pthread_once(&rt.once, init);
	pthread_mutex_lock(&rt.mu);
	__atomic_store_n(&mod->rings, &rt.rings, __ATOMIC_RELEASE);
	struct table *t = calloc(1, sizeof *t);
	size_t n = start && stop ? count_entries(start, stop) : 0;
	if (!t || !(t->sites = calloc(n ? n : 1, sizeof *t->sites))) {
		free(t);
		pthread_mutex_unlock(&rt.mu);
		return -1;
	}
	*t = (struct table){start, stop, mod, t->sites, 0, rt.tables};
	for (const uint8_t *p = start; n && p + OPTPOLINE_HEADER_SIZE <= (const uint8_t *)stop;) {
		if ((uintptr_t)p % OPTPOLINE_ALIGN || *(const uint64_t *)p == 0) {
			p += (uintptr_t)p % OPTPOLINE_ALIGN ? OPTPOLINE_ALIGN - (uintptr_t)p % OPTPOLINE_ALIGN : 8;
			continue;
		}
		const struct optpoline_header *h = (const void *)p;
		const char *file = (const char *)optpoline_rel(&h->name);
		const struct optpoline_entry *e = (const void *)(p + OPTPOLINE_HEADER_SIZE);
		for (uint32_t i = 0; i < h->nentries && t->n < n; i++)
			init_site(&t->sites[t->n++], &e[i], file);
		p += OPTPOLINE_HEADER_SIZE + (size_t)h->nentries * OPTPOLINE_ENTRY_SIZE;
	}
	rt.st.sites += t->n;
	if (t->n > 0 && rt.mode != OPTPOLINE_OFF && !rt.running)
		start_promoter();
	rt.tables = t;
	rebuild_keys();
	set_learning();
	pthread_mutex_unlock(&rt.mu);
	return 0;
}

static struct optpoline_prof_site *prof_snapshot(const struct table *only, size_t *np);
static void drain(void);

void optpoline_unregister_module(const void *start, struct optpoline_module *mod)
{
	struct optpoline_prof_site *prof = NULL;
	size_t nprof = 0;
	pthread_mutex_lock(&rt.mu);
	for (struct table **pp = &rt.tables; *pp; pp = &(*pp)->next) {
		struct table *t = *pp;
		if (t->start == start && t->mod == mod) {
			if (rt.profile && !rt.dumped) {
				/* dlclose: the module's part of the profile, now. */
				drain();
				prof = prof_snapshot(t, &nprof);
			}
			*pp = t->next;
			mod->learn = 0;
			rt.st.sites -= t->n;
			free(t->sites);
			free(t);
			break;
		}
	}
	rebuild_keys();
	pthread_mutex_unlock(&rt.mu);
	if (nprof)
		optpoline_write_profile(rt.profile, prof, nprof);
	free(prof);
}

/* Learning. */

/* Counts one sample of weight w (the calls it stands for). */
static void count(struct site *s, uintptr_t target, uint32_t w)
{
	struct tcount *min = &s->t[0];
	s->misses++;
	s->calls += w;
	for (int i = 0; i < NT; i++) {
		struct tcount *c = &s->t[i];
		if (c->target == target) {
			c->count++;
			c->calls += w;
			return;
		}
		if (!c->target) {
			*c = (struct tcount){target, 1, T_CAND, w};
			return;
		}
		if (c->state == T_CAND && (min->state != T_CAND || c->count < min->count))
			min = c;
	}
	if (min->state == T_CAND) /* space-saving: replace the least frequent */
		*min = (struct tcount){target, min->count + 1, T_CAND, min->calls + w};
}

static int thread_dead(int32_t tid)
{
	return syscall(SYS_tgkill, getpid(), tid, 0) < 0 && errno == ESRCH;
}

static void drain(void)
{
	int reap = rt.round % 16 == 0;
	for (struct optpoline_ring *r = __atomic_load_n(&rt.rings, __ATOMIC_ACQUIRE); r; r = r->next) {
		int32_t tid = __atomic_load_n(&r->tid, __ATOMIC_RELAXED);
		int dead = reap && tid && thread_dead(tid);
		uint32_t h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
		uint32_t w = __atomic_load_n(&r->widx, __ATOMIC_ACQUIRE), t = r->tail;
		/* Sampling rate for the next period: one miss in 2^bits, at most
		 * half a ring of samples at this period's miss rate. */
		uint32_t misses = h - r->last_head, bits = 0;
		rt.st.learned += misses;
		while (bits < 20 && misses >> bits > RING_N / 2)
			bits++;
		r->last_head = h;
		__atomic_store_n(&r->hmask, bits ? ~0u << (32 - bits) : 0, __ATOMIC_RELAXED);
		if (w - t > RING_N)
			t = w - RING_N;
		/* Each sample stands for misses / samples calls of the period. */
		uint32_t used = w != t ? (misses + (w - t) / 2) / (w - t) : 1;
		if (!used)
			used = 1;
		/* Copy first: the thread may be overwriting the oldest ones. */
		struct optpoline_sample buf[RING_N];
		uint32_t nb = 0;
		for (; t != w; t++)
			buf[nb++] = r->s[t % RING_N];
		for (uint32_t k = 0; k < nb; k++) {
			struct optpoline_sample sm = buf[k];
			struct site *s = lookup(sm.ret);
			rt.st.samples++;
			if (s && (!s->done || rt.profile))
				count(s, sm.target, used);
			else if (s)
				s->misses++, s->calls += used;
		}
		r->tail = w;
		if (dead)
			__atomic_store_n(&r->tid, 0, __ATOMIC_RELEASE);
	}
}

/* Patching. */

static int reach(uintptr_t end, uintptr_t target, int32_t *rel)
{
	int64_t d = (int64_t)(target - end);
	if (d < INT32_MIN || d > INT32_MAX)
		return 0;
	*rel = (int32_t)d;
	return 1;
}

/* Writes every rel32: /proc/self/mem first (no thread runs this code
 * while it changes: the slots still hold the sentinel), else mprotect per
 * run of pages (textpoke.h). */
static void write_code(struct optpoline_poke *w, size_t n)
{
	if (rt.force_mprotect)
		optpoline_poke_mprotect(&rt.pk, w, 0, n);
	else
		optpoline_poke_text(&rt.pk, w, n, 0);
	rt.st.pwrites = rt.pk.pwrites;
	rt.st.mprotects = rt.pk.mprotects;
}

/* Checks that a rel32 holds val (after write_code). */
static int written(const struct optpoline_poke *w)
{
	return __atomic_load_n((const int32_t *)w->addr, __ATOMIC_RELAXED) == w->val;
}

static int round_locked(void)
{
	rt.round++;
	drain();
	if (rt.sample_only)
		return 0;
	size_t cap = 64, nw = 0;
	struct optpoline_poke *w = malloc(cap * sizeof *w);
	struct publish *pub = malloc(cap * sizeof *pub);
	if (!w || !pub) {
		free(w);
		free(pub);
		return 0;
	}
	for (struct table *t = rt.tables; t; t = t->next)
		for (size_t i = 0; i < t->n; i++) {
			struct site *s = &t->sites[i];
			if (s->done || s->misses < rt.threshold)
				continue;
			for (;;) {
				struct tcount *best = NULL;
				for (int k = 0; k < NT; k++)
					if (s->t[k].state == T_CAND && s->t[k].count >= rt.threshold &&
					    (!best || s->t[k].count > best->count))
						best = &s->t[k];
				if (!best || best->count * 100 < (uint64_t)rt.min_share * s->misses)
					break;
				int inl = !s->inl;
				if (!inl && s->nfilled >= s->nout)
					break;
				uintptr_t rel32 = inl ? s->call + 1 : s->outline + 16 * s->nfilled + 12;
				uint64_t *slot = inl ? (uint64_t *)s->slot : outline_slot(s, s->nfilled);
				int32_t v;
				if (!slot || *slot != OPTPOLINE_SENTINEL) {
					s->done = 1;
					break;
				}
				if (s->set && !in_set(s, best->target)) {
					best->state = T_FOREIGN; /* not a label of the set: never promoted */
					continue;
				}
				if (!reach(rel32 + 4, best->target, &v)) {
					best->state = T_FAR;
					rt.st.far++;
					continue;
				}
				if (nw == cap) {
					cap *= 2;
					struct optpoline_poke *w2 = realloc(w, cap * sizeof *w);
					struct publish *p2 = w2 ? realloc(pub, cap * sizeof *pub) : NULL;
					if (w2)
						w = w2;
					if (!p2)
						goto patch;
					pub = p2;
				}
				w[nw] = (struct optpoline_poke){rel32, v};
				pub[nw++] = (struct publish){slot, best->target};
				best->state = T_PROMOTED;
				if (inl)
					rt.st.promoted++, s->inl = 1;
				else
					rt.st.outlined++, s->nfilled++;
			}
			uint64_t far = 0;
			for (int k = 0; k < NT; k++)
				if (s->t[k].state == T_FAR || s->t[k].state == T_FOREIGN)
					far += s->t[k].count;
			/* Full, or mostly calls out of reach (or, for a dispatch
			 * site, to labels outside its set): nothing more to learn. */
			if ((s->inl && s->nfilled >= s->nout) || far * 2 > s->misses)
				s->done = 1;
		}
patch:
	if (nw) {
		write_code(w, nw);
		if (optpoline_poke_sync(&rt.pk) == 0)
			rt.st.syncs++;
		rt.st.batches++;
	}
	int published = 0;
	for (size_t i = 0; i < nw; i++) {
		if (!written(&w[i]))
			continue; /* a write failed: the slot keeps its sentinel */
		__atomic_store_n(pub[i].slot, (uint64_t)pub[i].target, __ATOMIC_RELEASE);
		published++;
	}
	free(w);
	free(pub);
	set_learning();
	return published;
}

void optpoline_reset(void)
{
	pthread_mutex_lock(&rt.mu);
	for (struct table *t = rt.tables; t; t = t->next)
		for (size_t i = 0; i < t->n; i++) {
			struct site *s = &t->sites[i];
			if (s->bad)
				continue;
			__atomic_store_n((uint64_t *)s->slot, OPTPOLINE_SENTINEL, __ATOMIC_RELEASE);
			for (unsigned k = 0; k < s->nfilled; k++)
				__atomic_store_n(outline_slot(s, k), OPTPOLINE_SENTINEL, __ATOMIC_RELEASE);
			memset(s->t, 0, sizeof s->t);
			s->misses = 0;
			s->inl = (s->flags & OPTPOLINE_F_DISPATCH) != 0;
			s->nfilled = 0;
			s->done = !s->fb_ret;
		}
	for (struct optpoline_ring *r = rt.rings; r; r = r->next)
		r->tail = __atomic_load_n(&r->widx, __ATOMIC_ACQUIRE);
	set_learning();
	pthread_mutex_unlock(&rt.mu);
}

int optpoline_promote_now(void)
{
	pthread_once(&rt.once, init);
	pthread_mutex_lock(&rt.mu);
	int n = rt.mode == OPTPOLINE_OFF ? 0 : round_locked();
	pthread_mutex_unlock(&rt.mu);
	return n;
}

static void *promoter(void *arg)
{
	(void)arg;
#ifdef __GLIBC__
	pthread_setname_np(pthread_self(), "optpoline");
#endif
	pthread_mutex_lock(&rt.mu);
	set_learning();
	while (!rt.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)(rt.period_ms % 1000) * 1000000;
		ts.tv_sec += rt.period_ms / 1000 + ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		pthread_cond_timedwait(&rt.cv, &rt.mu, &ts);
		if (!rt.stop)
			round_locked();
	}
	pthread_mutex_unlock(&rt.mu);
	return NULL;
}

static void stop_promoter(void)
{
	pthread_mutex_lock(&rt.mu);
	int running = rt.running;
	rt.stop = 1;
	rt.running = 0;
	set_learning();
	pthread_cond_signal(&rt.cv);
	pthread_mutex_unlock(&rt.mu);
	if (running && !pthread_equal(pthread_self(), rt.thread))
		pthread_join(rt.thread, NULL);
}

/* fork: the child has one thread and a copy of the registry. The lock is
 * taken across fork, so no round is half-done in the child; the child
 * reopens /proc/self/mem (the inherited descriptor names the parent's
 * memory), registers membarrier for its new mm and starts a promoter. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&rt.mu);
	rt.fork_tid = (int32_t)syscall(SYS_gettid);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&rt.mu);
}

static void fork_child(void)
{
	int32_t tid = (int32_t)syscall(SYS_gettid);
	/* The parent's profile reports the calls made before the fork. */
	for (struct table *t = rt.tables; t; t = t->next)
		for (size_t i = 0; i < t->n; i++) {
			t->sites[i].calls = 0;
			for (int k = 0; k < NT; k++)
				t->sites[i].t[k].calls = 0;
		}
	for (struct optpoline_ring *r = rt.rings; r; r = r->next)
		r->tid = r->tid == rt.fork_tid ? tid : 0;
	if (rt.pk.memfd >= 0)
		close(rt.pk.memfd);
	int running = rt.running;
	rt.running = 0;
	pthread_mutex_unlock(&rt.mu);
	setup_patching();
	if (running && !rt.stop)
		start_promoter();
	pthread_mutex_lock(&rt.mu);
	set_learning();
	pthread_mutex_unlock(&rt.mu);
}

/* Statistics. */

void optpoline_get_stats(struct optpoline_stats *st)
{
	pthread_mutex_lock(&rt.mu);
	*st = rt.st;
	pthread_mutex_unlock(&rt.mu);
}

enum optpoline_mode optpoline_mode(void)
{
	pthread_once(&rt.once, init);
	return rt.mode;
}

static const char *sym(uintptr_t a, char *buf, size_t n)
{
	Dl_info di;
	if (dladdr((void *)a, &di) && di.dli_sname) {
		uintptr_t off = a - (uintptr_t)di.dli_saddr;
		if (off)
			snprintf(buf, n, "%s+%#" PRIxPTR, di.dli_sname, off);
		else
			snprintf(buf, n, "%s", di.dli_sname);
	} else {
		snprintf(buf, n, "%#" PRIxPTR, a);
	}
	return buf;
}

static const char *const regs[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

/* A site's line, copied under the lock and printed without it: dladdr
 * takes the loader's lock, which dlopen/dlclose hold while they run our
 * constructors and destructors (which take ours). */
struct line {
	uintptr_t at, inl, out[8];
	unsigned id, nout;
	uint8_t reg, bad, stat;
	uint64_t misses, far;
	char file[96];
};

static void print_lines(const struct optpoline_stats *st, const struct line *l, size_t n)
{
	char a[256], b[256];
	fprintf(stderr,
		"optpoline: %" PRIu64 " sites, %" PRIu64 " samples, %" PRIu64 " promoted, %" PRIu64
		" outlined, %" PRIu64 " far, %" PRIu64 " undecodable, %" PRIu64 " static, %" PRIu64
		" batches (%" PRIu64 " pwrite, %" PRIu64 " mprotect runs, %" PRIu64 " sync_core), %" PRIu64
		" calls through a learning stub\n",
		st->sites, st->samples, st->promoted, st->outlined, st->far, st->rejected, st->statics,
		st->batches, st->pwrites, st->mprotects, st->syncs, st->learned);
	for (size_t i = 0; i < n; i++, l++) {
		fprintf(stderr, "optpoline: site %s (%s #%u, %%%s%s): misses %" PRIu64 ", far %" PRIu64 ", promoted %s",
			sym(l->at, a, sizeof a), l->file, l->id, regs[l->reg & 15],
			l->stat ? ", static" : l->bad ? ", undecodable" : "",
			l->misses, l->far, l->inl == OPTPOLINE_SENTINEL ? "-" : sym(l->inl, b, sizeof b));
		for (unsigned k = 0; k < l->nout; k++)
			fprintf(stderr, "%s%s", k ? ", " : ", outline ", sym(l->out[k], b, sizeof b));
		fputc('\n', stderr);
	}
}

/* Copies the report; the caller holds the lock. */
static struct line *snapshot(size_t *np)
{
	size_t n = 0;
	for (struct table *t = rt.tables; t; t = t->next)
		n += t->n;
	struct line *l = calloc(n ? n : 1, sizeof *l);
	*np = 0;
	if (!l)
		return NULL;
	n = 0;
	for (struct table *t = rt.tables; t; t = t->next)
		for (size_t i = 0; i < t->n; i++) {
			const struct site *s = &t->sites[i];
			if ((s->flags & OPTPOLINE_F_DISPATCH) && (s->flags & OPTPOLINE_F_STATIC))
				continue; /* a funnel: nothing learned */
			uint64_t v = *(volatile uint64_t *)s->slot;
			if (s->flags & OPTPOLINE_F_DISPATCH)
				v = OPTPOLINE_SENTINEL; /* no inline call: its entries are listed as outline */
			if (!s->misses && v == OPTPOLINE_SENTINEL)
				continue;
			struct line *x = &l[n++];
			*x = (struct line){.at = s->at, .inl = (uintptr_t)v, .id = s->e->id, .reg = s->reg,
					   .bad = s->bad, .stat = s->stat, .misses = s->misses};
			for (int k = 0; k < NT; k++)
				if (s->t[k].state == T_FAR)
					x->far += s->t[k].count;
			snprintf(x->file, sizeof x->file, "%s", s->file);
			for (unsigned k = 0; k < (s->stat ? s->nout : s->nfilled) && k < 8; k++) {
				uint64_t *os = outline_slot(s, k);
				if (os)
					x->out[x->nout++] = (uintptr_t)*os;
			}
		}
	*np = n;
	return l;
}

/* Internal calls use the static functions: the public names may bind to
 * another module's copy. */
static void print_stats(void)
{
	pthread_mutex_lock(&rt.mu);
	struct optpoline_stats st = rt.st;
	size_t n;
	struct line *l = snapshot(&n);
	pthread_mutex_unlock(&rt.mu);
	print_lines(&st, l, n);
	free(l);
}

void optpoline_print_stats(void)
{
	print_stats();
}

/* Profiles: every site's (or one table's) learned targets, copied under
 * the lock; profile.c writes them without it (it calls dl_iterate_phdr). */
static struct optpoline_prof_site *prof_snapshot(const struct table *only, size_t *np)
{
	size_t n = 0;
	for (const struct table *t = rt.tables; t; t = t->next)
		if (!only || t == only)
			n += t->n;
	struct optpoline_prof_site *p = calloc(n ? n : 1, sizeof *p);
	*np = 0;
	if (!p)
		return NULL;
	n = 0;
	for (const struct table *t = rt.tables; t; t = t->next) {
		if (only && t != only)
			continue;
		for (size_t i = 0; i < t->n; i++) {
			const struct site *s = &t->sites[i];
			if (!s->calls)
				continue;
			struct optpoline_prof_site *x = &p[n++];
			*x = (struct optpoline_prof_site){.at = s->at, .file = s->file, .id = s->e->id,
							  .flags = s->flags, .samples = s->misses, .calls = s->calls};
			uint64_t inl = *(volatile uint64_t *)s->slot;
			for (int k = 0; k < NT && k < OPTPOLINE_PROF_NT; k++) {
				const struct tcount *c = &s->t[k];
				if (!c->target || !c->calls)
					continue;
				int w = c->state != T_PROMOTED ? OPTPOLINE_PROF_CAND
					: c->target == inl     ? OPTPOLINE_PROF_INLINE
							       : OPTPOLINE_PROF_OUTLINE;
				x->t[x->nt++] = (struct optpoline_prof_target){c->target, c->calls, w};
			}
		}
	}
	*np = n;
	return p;
}

static void dump_all(void)
{
	pthread_mutex_lock(&rt.mu);
	size_t n;
	struct optpoline_prof_site *p = prof_snapshot(NULL, &n);
	rt.dumped = 1;
	pthread_mutex_unlock(&rt.mu);
	if (p)
		optpoline_write_profile(rt.profile, p, n);
	free(p);
}

static void at_exit(void)
{
	stop_promoter();
	pthread_mutex_lock(&rt.mu);
	drain();
	pthread_mutex_unlock(&rt.mu);
	if (rt.mode == OPTPOLINE_STATS)
		print_stats();
	if (rt.profile)
		dump_all();
}

/* Module part: each module registers its own table. */

extern const uint8_t __start_optpoline_sites[] __attribute__((weak, visibility("hidden")));
extern const uint8_t __stop_optpoline_sites[] __attribute__((weak, visibility("hidden")));

__attribute__((constructor)) static void module_init(void)
{
	optpoline_register_module(__start_optpoline_sites, __stop_optpoline_sites, &__optpoline_module);
}

__attribute__((destructor)) static void module_fini(void)
{
	/* The copy that owns the promoter stops it before its code goes away. */
	if (rt.running)
		stop_promoter();
	optpoline_unregister_module(__start_optpoline_sites, &__optpoline_module);
}
