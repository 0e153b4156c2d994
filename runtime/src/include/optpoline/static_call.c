/* optpoline/static_call.c: the implementation of optpoline/static_call.h.
 * Compile it once into a program (with -pthread), or define
 * OPTPOLINE_STATIC_CALL_IMPLEMENTATION before including static_call.h in
 * one file; optpoline cc links it as part of its runtime. Its functions
 * are weak, so that several copies in one module (the runtime's and the
 * user's) link, and have default visibility, so that the executable's copy
 * serves every module when it exports optpoline_* (optpoline cc's links do;
 * by hand: -Wl,--export-dynamic-symbol=optpoline_*). Each key keeps its
 * own list of inline sites, so any copy retargets all of them.
 *
 * Update protocol, under one mutex: store key->func; compute the new rel32
 * of the trampoline and of every inline site (a target out of rel32 reach
 * goes through the trampoline's far slot, stored first, or the site's
 * original destination); write them, each with one aligned 4-byte store
 * (textpoke.h, live code); one membarrier SYNC_CORE; unlock. A thread
 * running the trampoline or a site meanwhile executes the old or the new
 * rel32, never a mix, and every old and new destination is correct code.
 *
 * Build with OPTPOLINE_STATIC_CALL_MODULE (the runtime does) to add the
 * module part: a constructor that registers the module's static_call_sites
 * table (inline mode) and a destructor that forgets it (dlclose). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "static_call.h"
#include "textpoke.h"

#define SC_API __attribute__((weak, visibility("default")))

/* One inline site. */
struct optpoline_sc_node {
	uintptr_t rel32; /* its rel32 (4-aligned) */
	uintptr_t home;  /* its original destination: the trampoline or its PLT entry */
	const struct static_call_site *table;
	struct optpoline_sc_node *next;
};

struct optpoline_sc_table {
	const struct static_call_site *start;
	struct optpoline_sc_table *next;
};

static struct {
	pthread_mutex_t mu;
	pthread_once_t once;
	struct optpoline_poker pk;
	struct optpoline_sc_table *tables;
} optpoline_sc = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_ONCE_INIT, {-1, 0, 0, 0, 0}, NULL};

SC_API long optpoline_static_call_return0(void)
{
	return 0;
}

static void optpoline_sc_prepare(void)
{
	pthread_mutex_lock(&optpoline_sc.mu);
}

static void optpoline_sc_parent(void)
{
	pthread_mutex_unlock(&optpoline_sc.mu);
}

/* The child has a new mm: reopen /proc/self/mem, register membarrier. */
static void optpoline_sc_child(void)
{
	if (optpoline_sc.pk.memfd >= 0)
		close(optpoline_sc.pk.memfd);
	optpoline_poke_setup(&optpoline_sc.pk);
	pthread_mutex_unlock(&optpoline_sc.mu);
}

static void optpoline_sc_init(void)
{
	optpoline_poke_setup(&optpoline_sc.pk);
	pthread_atfork(optpoline_sc_prepare, optpoline_sc_parent, optpoline_sc_child);
}

static uintptr_t optpoline_sc_rel(const int32_t *field)
{
	return (uintptr_t)field + (uintptr_t)(intptr_t)*field;
}

static int optpoline_sc_reach(uintptr_t end, uintptr_t target, int32_t *rel)
{
	int64_t d = (int64_t)(target - end);
	if (d < INT32_MIN || d > INT32_MAX)
		return 0;
	*rel = (int32_t)d;
	return 1;
}

/* The trampoline's layout (static_call.h). */
static int optpoline_sc_tramp_ok(const uint8_t *t)
{
	return t && (uintptr_t)(t + 1) % 4 == 0 && t[0] == 0xe9 && t[5] == 0xc3 &&
	       !memcmp(t + 6, "\x31\xc0\xc3\xff\x25", 5);
}

/* Where code should go for target func: the trampoline's ret (none) or
 * xor-ret (return 0) stubs, or func. */
static uintptr_t optpoline_sc_dest(const struct static_call_key *key, optpoline_sc_func func)
{
	uintptr_t t = (uintptr_t)key->tramp;
	if (!func)
		return t + 5;
	if (func == (optpoline_sc_func)optpoline_static_call_return0)
		return t + 6;
	return (uintptr_t)func;
}

/* Adds the write that points site n at the key's current target, unless
 * its rel32 holds that already. */
static void optpoline_sc_plan_site(const struct static_call_key *key, const struct optpoline_sc_node *n,
				   struct optpoline_poke *w, size_t *nw)
{
	int32_t v;
	uintptr_t end = n->rel32 + 4;
	if (!optpoline_sc_reach(end, optpoline_sc_dest(key, key->func), &v))
		v = (int32_t)(n->home - end);
	if (__atomic_load_n((const int32_t *)n->rel32, __ATOMIC_RELAXED) != v)
		w[(*nw)++] = (struct optpoline_poke){n->rel32, v};
}

/* Writes w, syncs every thread, and reports whether all took. */
static int optpoline_sc_commit(struct optpoline_poke *w, size_t nw)
{
	if (nw == 0)
		return 0;
	optpoline_poke_text(&optpoline_sc.pk, w, nw, 1);
	optpoline_poke_sync(&optpoline_sc.pk);
	for (size_t i = 0; i < nw; i++)
		if (__atomic_load_n((const int32_t *)w[i].addr, __ATOMIC_RELAXED) != w[i].val)
			return -1;
	return 0;
}

SC_API int optpoline_static_call_update(struct static_call_key *key, optpoline_sc_func func)
{
	pthread_once(&optpoline_sc.once, optpoline_sc_init);
	pthread_mutex_lock(&optpoline_sc.mu);
	size_t n = 1, nw = 0;
	for (struct optpoline_sc_node *s = key->sites; s; s = s->next)
		n++;
	struct optpoline_poke *w = malloc(n * sizeof *w);
	int err = -1;
	if (!w)
		goto out;
	__atomic_store_n(&key->func, func, __ATOMIC_RELEASE);
	const uint8_t *t = (const uint8_t *)(uintptr_t)key->tramp;
	if (optpoline_sc_tramp_ok(t)) {
		uintptr_t end = (uintptr_t)t + 5;
		int32_t v;
		if (!optpoline_sc_reach(end, optpoline_sc_dest(key, func), &v)) {
			/* Far: through the slot, stored before the jump goes there. */
			int32_t disp;
			memcpy(&disp, t + 11, 4);
			__atomic_store_n((optpoline_sc_func *)(uintptr_t)(t + 15 + disp), func, __ATOMIC_RELEASE);
			v = 9 - 5;
		}
		if (__atomic_load_n((const int32_t *)(t + 1), __ATOMIC_RELAXED) != v)
			w[nw++] = (struct optpoline_poke){(uintptr_t)t + 1, v};
	}
	for (struct optpoline_sc_node *s = key->sites; s; s = s->next)
		optpoline_sc_plan_site(key, s, w, &nw);
	err = optpoline_sc_commit(w, nw);
	if (!optpoline_sc_tramp_ok(t))
		err = -1;
out:
	free(w);
	pthread_mutex_unlock(&optpoline_sc.mu);
	return err;
}

SC_API int optpoline_static_call_nsites(struct static_call_key *key)
{
	int n = 0;
	pthread_mutex_lock(&optpoline_sc.mu);
	for (struct optpoline_sc_node *s = key->sites; s; s = s->next)
		n++;
	pthread_mutex_unlock(&optpoline_sc.mu);
	return n;
}

/* A site's rel32 follows a call (e8), jmp (e9) or jcc (0f 8x). */
static int optpoline_sc_site_ok(uintptr_t rel32)
{
	const uint8_t *p = (const uint8_t *)rel32;
	return rel32 % 4 == 0 && (p[-1] == 0xe8 || p[-1] == 0xe9 || (p[-2] == 0x0f && (p[-1] & 0xf0) == 0x80));
}

static struct static_call_key *optpoline_sc_key(const struct static_call_site *e)
{
	return *(struct static_call_key **)optpoline_sc_rel(&e->key);
}

SC_API int optpoline_static_call_register(const struct static_call_site *start, const struct static_call_site *stop)
{
	if (!start || start >= stop)
		return 0;
	pthread_once(&optpoline_sc.once, optpoline_sc_init);
	pthread_mutex_lock(&optpoline_sc.mu);
	int err = 0;
	for (struct optpoline_sc_table *t = optpoline_sc.tables; t; t = t->next)
		if (t->start == start)
			goto out; /* registered by another copy in the module */
	struct optpoline_sc_table *t = malloc(sizeof *t);
	struct optpoline_poke *w = malloc((size_t)(stop - start) * sizeof *w);
	if (!t || !w) {
		free(t);
		free(w);
		err = -1;
		goto out;
	}
	*t = (struct optpoline_sc_table){start, optpoline_sc.tables};
	optpoline_sc.tables = t;
	size_t nw = 0;
	for (const struct static_call_site *e = start; e < stop; e++) {
		uintptr_t rel32 = optpoline_sc_rel(&e->addr);
		struct static_call_key *key = optpoline_sc_key(e);
		struct optpoline_sc_node *s;
		if (!key || !optpoline_sc_site_ok(rel32) || !(s = malloc(sizeof *s))) {
			err = -1; /* the site keeps its original destination */
			continue;
		}
		int32_t cur = *(const int32_t *)rel32;
		*s = (struct optpoline_sc_node){rel32, rel32 + 4 + (uintptr_t)(intptr_t)cur, start, key->sites};
		key->sites = s;
		optpoline_sc_plan_site(key, s, w, &nw);
	}
	if (optpoline_sc_commit(w, nw))
		err = -1;
	free(w);
out:
	pthread_mutex_unlock(&optpoline_sc.mu);
	return err;
}

SC_API void optpoline_static_call_unregister(const struct static_call_site *start, const struct static_call_site *stop)
{
	if (!start || start >= stop)
		return;
	pthread_mutex_lock(&optpoline_sc.mu);
	struct optpoline_sc_table **pp = &optpoline_sc.tables;
	while (*pp && (*pp)->start != start)
		pp = &(*pp)->next;
	if (*pp) {
		struct optpoline_sc_table *t = *pp;
		*pp = t->next;
		free(t);
		for (const struct static_call_site *e = start; e < stop; e++) {
			struct static_call_key *key = optpoline_sc_key(e);
			if (!key)
				continue;
			for (struct optpoline_sc_node **np = (struct optpoline_sc_node **)&key->sites; *np;) {
				struct optpoline_sc_node *s = *np;
				if (s->table == start) {
					*np = s->next;
					free(s);
				} else {
					np = &s->next;
				}
			}
		}
	}
	pthread_mutex_unlock(&optpoline_sc.mu);
}

#ifdef OPTPOLINE_STATIC_CALL_MODULE
/* Module part: this module's static_call_sites table (inline mode). */
extern const struct static_call_site __start_static_call_sites[] __attribute__((weak, visibility("hidden")));
extern const struct static_call_site __stop_static_call_sites[] __attribute__((weak, visibility("hidden")));

__attribute__((constructor)) static void optpoline_sc_module_init(void)
{
	optpoline_static_call_register(__start_static_call_sites, __stop_static_call_sites);
}

__attribute__((destructor)) static void optpoline_sc_module_fini(void)
{
	optpoline_static_call_unregister(__start_static_call_sites, __stop_static_call_sites);
}
#endif
