/* Computed goto (an interpreter loop over a label table), dense switch
   jump tables (also in a function inlined twice), and `return tbl[i](x)`
   which gcc PIE spells like the computed goto dispatch. */
#include <stdio.h>

enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DUP, OP_SWAP, OP_JNZ, OP_DEC, OP_HALT, OP_NOP };

static const int prog[] = {
	OP_PUSH, 1, OP_PUSH, 10,             /* acc=1, n=10 */
	OP_SWAP, OP_PUSH, 3, OP_MUL,         /* acc*=3 */
	OP_PUSH, 7, OP_ADD, OP_NOP, OP_SWAP, /* acc+=7 */
	OP_DEC, OP_DUP, OP_JNZ, 4, OP_HALT,
};

__attribute__((noinline)) long run_goto(const int *pc0)
{
	static void *const labels[] = { &&do_push, &&do_add, &&do_sub, &&do_mul, &&do_dup,
		&&do_swap, &&do_jnz, &&do_dec, &&do_halt, &&do_nop };
	long stack[16];
	long *sp = stack;
	const int *pc = pc0;
#define NEXT goto *labels[*pc++]
	NEXT;
do_push: *sp++ = *pc++; NEXT;
do_add: sp--; sp[-1] = (sp[-1] + sp[0]) % 1000003; NEXT;
do_sub: sp--; sp[-1] -= sp[0]; NEXT;
do_mul: sp--; sp[-1] = (sp[-1] * sp[0]) % 1000003; NEXT;
do_dup: sp[0] = sp[-1]; sp++; NEXT;
do_swap: { long t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; } NEXT;
do_jnz: sp--; if (sp[0]) { pc = pc0 + *pc; NEXT; } pc++; NEXT;
do_dec: sp[-1]--; NEXT;
do_nop: NEXT;
do_halt: return sp[-2] * 100 + sp[-1];
#undef NEXT
}

__attribute__((noinline)) long run_switch(const int *pc0)
{
	long stack[16];
	long *sp = stack;
	const int *pc = pc0;
	for (;;) {
		switch (*pc++) {
		case OP_PUSH: *sp++ = *pc++; break;
		case OP_ADD: sp--; sp[-1] = (sp[-1] + sp[0]) % 1000003; break;
		case OP_SUB: sp--; sp[-1] -= sp[0]; break;
		case OP_MUL: sp--; sp[-1] = (sp[-1] * sp[0]) % 1000003; break;
		case OP_DUP: sp[0] = sp[-1]; sp++; break;
		case OP_SWAP: { long t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; } break;
		case OP_JNZ: sp--; if (sp[0]) pc = pc0 + *pc; else pc++; break;
		case OP_DEC: sp[-1]--; break;
		case OP_NOP: break;
		case OP_HALT: return sp[-2] * 100 + sp[-1];
		}
	}
}

static inline int classify(int c)
{
	switch (c) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 5;
	case 3: return 99;
	case 4: return 17;
	case 5: return 64;
	case 6: return 3;
	case 7: return 41;
	case 8: return 8;
	default: return -1;
	}
}

__attribute__((noinline)) int classify_sum(const char *s)
{
	int a = 0, b = 0;
	for (; *s; s++) {
		a += classify(*s - '0');
		b ^= classify((*s - '0') * 2 % 9);
	}
	return a * 1000 + b;
}

static long h0(long x) { return x + 100; }
static long h1(long x) { return x * 7; }
static long h2(long x) { return x - 3; }
static long h3(long x) { return x ^ 0x55; }
static long (*const handlers[])(long) = { h0, h1, h2, h3 };
__attribute__((noinline)) long dispatch(unsigned i, long x) { return handlers[i & 3](x); }

int main(void)
{
	printf("goto %ld switch %ld\n", run_goto(prog), run_switch(prog));
	printf("classify %d\n", classify_sum("0123456789876543210"));
	long r = 0;
	for (unsigned i = 0; i < 8; i++)
		r = dispatch(i, r + i);
	printf("dispatch %ld\n", r);
	return 0;
}
