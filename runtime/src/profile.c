/* Profile dumps (OPTPOLINE=profile=DIR): what the runtime learned, per
 * site, written as text for "optpoline profile" (package profile reads it;
 * the format is documented there and in sites.md §6).
 *
 *	optpoline dump 1
 *	pid 1234
 *	module 0 "/path/prog" build-id "5c1f…"
 *	site 0 0x1139 id 0 flags 0x4 file "prog.c" samples 120 calls 7680
 *		target 0 0x1100 calls 7000 inline
 *		target - 0x7f3a4c001230 calls 680
 *
 * Addresses are relative to their module's load base (its link-time
 * addresses); a target in no loaded module is absolute ("-"). Modules are
 * named by path and GNU build-id (NT_GNU_BUILD_ID, read from the loaded
 * PT_NOTE segments). Each dump is a new file DIR/optpoline-PID-RAND.dump,
 * written under a temporary name and renamed, so parallel processes (and
 * the same process at dlclose and at exit) never clobber each other. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct pmod {
	uintptr_t base, lo, hi;
	char path[PATH_MAX];
	char id[2 * 64 + 1]; /* hex build-id, "" when there is none */
	int index;           /* in the dump, -1 until used */
};

struct pmods {
	struct pmod *m;
	size_t n, cap;
};

static void build_id(const struct dl_phdr_info *info, char *out, size_t outsz)
{
	out[0] = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
		size_t align = ph->p_align > 4 ? 8 : 4;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const void *)p;
			const uint8_t *name = p + sizeof *nh;
			const uint8_t *desc = name + ((nh->n_namesz + align - 1) & ~(align - 1));
			const uint8_t *next = desc + ((nh->n_descsz + align - 1) & ~(align - 1));
			if (next > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
			    2 * nh->n_descsz < outsz) {
				for (size_t k = 0; k < nh->n_descsz; k++)
					snprintf(out + 2 * k, 3, "%02x", desc[k]);
				return;
			}
			p = next;
		}
	}
}

static int collect(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct pmods *ms = arg;
	if (ms->n == ms->cap) {
		size_t cap = ms->cap ? 2 * ms->cap : 16;
		struct pmod *m = realloc(ms->m, cap * sizeof *m);
		if (!m)
			return 1;
		ms->m = m, ms->cap = cap;
	}
	struct pmod *m = &ms->m[ms->n];
	m->base = info->dlpi_addr;
	m->lo = UINTPTR_MAX, m->hi = 0;
	m->index = -1;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (lo < m->lo)
			m->lo = lo;
		if (hi > m->hi)
			m->hi = hi;
	}
	if (m->lo >= m->hi)
		return 0;
	const char *name = info->dlpi_name;
	m->path[0] = 0;
	if (ms->n == 0 && (!name || !*name)) {
		/* The main program. */
		ssize_t k = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
		m->path[k > 0 ? k : 0] = 0;
	} else if (name) {
		snprintf(m->path, sizeof m->path, "%s", name);
	}
	build_id(info, m->id, sizeof m->id);
	ms->n++;
	return 0;
}

static struct pmod *find(struct pmods *ms, uintptr_t a)
{
	for (size_t i = 0; i < ms->n; i++)
		if (a >= ms->m[i].lo && a < ms->m[i].hi)
			return &ms->m[i];
	return NULL;
}

/* Writes s as a string literal Go's strconv.Unquote reads. */
static void quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Module index of a, writing its module line on first use; -1 for none. */
static int module(FILE *f, struct pmods *ms, int *next, uintptr_t a, uintptr_t *rel)
{
	struct pmod *m = find(ms, a);
	if (!m) {
		*rel = a;
		return -1;
	}
	if (m->index < 0) {
		m->index = (*next)++;
		fprintf(f, "module %d ", m->index);
		quote(f, m->path);
		fputs(" build-id ", f);
		quote(f, m->id);
		fputc('\n', f);
	}
	*rel = a - m->base;
	return m->index;
}

static uint64_t rnd(void)
{
	uint64_t r = 0;
	if (syscall(SYS_getrandom, &r, sizeof r, 0) != sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&r;
	}
	return r;
}

static const char *const where[] = {"", " inline", " outline"};

int optpoline_write_profile(const char *dir, const struct optpoline_prof_site *s, size_t n)
{
	struct pmods ms = {0};
	dl_iterate_phdr(collect, &ms);
	mkdir(dir, 0777); /* one level; EEXIST is the usual case */
	char tmp[PATH_MAX], dst[PATH_MAX];
	uint64_t r = rnd();
	snprintf(tmp, sizeof tmp, "%s/.optpoline-%d-%016" PRIx64 ".tmp", dir, (int)getpid(), r);
	snprintf(dst, sizeof dst, "%s/optpoline-%d-%016" PRIx64 ".dump", dir, (int)getpid(), r);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		free(ms.m);
		return -1;
	}
	fprintf(f, "optpoline dump 1\n"
		   "# calls: estimated calls that reached the learning stub (each sample of a\n"
		   "# promoter period weighs the period's misses / its samples)\n"
		   "pid %d\n",
		(int)getpid());
	int next = 0;
	for (size_t i = 0; i < n; i++) {
		uintptr_t rel;
		int mi = module(f, &ms, &next, s[i].at, &rel);
		int tm[OPTPOLINE_PROF_NT];
		uintptr_t trel[OPTPOLINE_PROF_NT];
		for (unsigned k = 0; k < s[i].nt; k++)
			tm[k] = module(f, &ms, &next, s[i].t[k].addr, &trel[k]);
		if (mi < 0)
			fputs("site -", f);
		else
			fprintf(f, "site %d", mi);
		fprintf(f, " %#" PRIxPTR " id %" PRIu32 " flags %#x file ", rel, s[i].id, s[i].flags);
		quote(f, s[i].file ? s[i].file : "");
		fprintf(f, " samples %" PRIu64 " calls %" PRIu64 "\n", s[i].samples, s[i].calls);
		for (unsigned k = 0; k < s[i].nt; k++) {
			if (tm[k] < 0)
				fputs("\ttarget -", f);
			else
				fprintf(f, "\ttarget %d", tm[k]);
			fprintf(f, " %#" PRIxPTR " calls %" PRIu64 "%s\n", trel[k], s[i].t[k].calls,
				where[s[i].t[k].where % 3]);
		}
	}
	fputs("end\n", f);
	free(ms.m);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, dst) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
