/* The optpoline demo workload: what a small interpreter and its host do
 * all day, through function pointers.
 *
 *   1. a bytecode VM whose ops are handler functions called through a
 *      table (one call site, a handful of hot targets: the outline block);
 *   2. qsort-style sorting with a comparator callback (one target per
 *      call site: the inline promoted call);
 *   3. an event bus delivering to listener callbacks held in structs
 *      (virtual-call style, a few targets per site).
 *
 * It prints a checksum, so every build can be checked against the others.
 * Argument: the work scale (default 10).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* 1. The VM. */
enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DUP, OP_SWAP, OP_JNZ, OP_HALT };

struct vm {
	int64_t stack[64];
	int sp;
	int pc;
	const int32_t *code;
};

typedef int (*handler)(struct vm *, int32_t);

static int op_push(struct vm *m, int32_t a) { m->stack[m->sp++] = a; return 1; }
static int op_add(struct vm *m, int32_t a) { (void)a; m->sp--; m->stack[m->sp - 1] += m->stack[m->sp]; return 1; }
static int op_sub(struct vm *m, int32_t a) { (void)a; m->sp--; m->stack[m->sp - 1] -= m->stack[m->sp]; return 1; }
static int op_mul(struct vm *m, int32_t a) { (void)a; m->sp--; m->stack[m->sp - 1] = (m->stack[m->sp - 1] * m->stack[m->sp]) & 0xffffff; return 1; }
static int op_dup(struct vm *m, int32_t a) { (void)a; m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; return 1; }
static int op_swap(struct vm *m, int32_t a)
{
	(void)a;
	int64_t t = m->stack[m->sp - 1];
	m->stack[m->sp - 1] = m->stack[m->sp - 2];
	m->stack[m->sp - 2] = t;
	return 1;
}
static int op_jnz(struct vm *m, int32_t a)
{
	if (m->stack[--m->sp] != 0) {
		m->pc = a;
		return 0;
	}
	return 1;
}
static int op_halt(struct vm *m, int32_t a) { (void)m; (void)a; return -1; }

static handler handlers[] = {op_push, op_add, op_sub, op_mul, op_dup, op_swap, op_jnz, op_halt};

__attribute__((noinline)) static int64_t run_vm(const int32_t *code)
{
	struct vm m = {.code = code};
	for (;;) {
		int32_t op = code[2 * m.pc], arg = code[2 * m.pc + 1];
		int r = handlers[op](&m, arg);
		if (r < 0)
			return m.stack[m.sp - 1];
		m.pc += r;
	}
}

/* acc = 1; do { acc = acc * 3 + 1; n -= 1; } while (n); return acc */
static int64_t vm_work(int32_t n)
{
	const int32_t code[] = {
		OP_PUSH, 1, OP_PUSH, n,            /* 0: [acc n] */
		OP_SWAP, 0, OP_PUSH, 3, OP_MUL, 0, /* 2: [n acc*3] */
		OP_PUSH, 1, OP_ADD, 0,             /* 5: [n acc'] */
		OP_SWAP, 0, OP_PUSH, 1, OP_SUB, 0, /* 7: [acc' n-1] */
		OP_DUP, 0, OP_JNZ, 2,              /* 10: loop while n-1 != 0 */
		OP_SWAP, 0, OP_HALT, 0,            /* 12: [0 acc'] */
	};
	return run_vm(code);
}

/* 2. Sorting with a comparator. */
typedef int (*cmp_fn)(const void *, const void *);

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

__attribute__((noinline)) static void isort(uint32_t *v, size_t n, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && cmp(&v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Chosen at run time, as a library's caller would. */
static cmp_fn volatile comparator = by_value;

/* 3. Events and listeners. */
struct listener {
	void (*on_event)(struct listener *, uint32_t);
	uint64_t state;
};

static void count_listener(struct listener *l, uint32_t ev) { l->state += ev & 7; }
static void hash_listener(struct listener *l, uint32_t ev) { l->state = (l->state ^ ev) * 0x100000001b3ull; }
static void max_listener(struct listener *l, uint32_t ev)
{
	if (ev > l->state)
		l->state = ev;
}

__attribute__((noinline)) static uint64_t deliver(struct listener *ls, int n, uint32_t seed, int events)
{
	for (int e = 0; e < events; e++) {
		seed = seed * 1664525u + 1013904223u;
		for (int i = 0; i < n; i++)
			ls[i].on_event(&ls[i], seed >> 8);
	}
	uint64_t sum = 0;
	for (int i = 0; i < n; i++)
		sum += ls[i].state;
	return sum;
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 10;
	uint64_t check = 0;
	for (int r = 0; r < scale; r++) {
		check += (uint64_t)vm_work(20000 + r);

		uint32_t v[600];
		uint32_t s = 12345u + (uint32_t)r;
		for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
			s = s * 1103515245u + 12345u;
			v[i] = s >> 4;
		}
		isort(v, sizeof v / sizeof v[0], comparator);
		check = check * 31 + v[0] + v[599];

		struct listener ls[6] = {
			{count_listener, 0}, {hash_listener, 1}, {max_listener, 0},
			{count_listener, 0}, {hash_listener, 2}, {max_listener, 0},
		};
		check += deliver(ls, 6, (uint32_t)r, 100000);
	}
	printf("checksum %llu\n", (unsigned long long)check);
	return 0;
}
