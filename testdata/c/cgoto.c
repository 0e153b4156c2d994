/* A register-machine interpreter dispatching with computed goto from a
   table of 18 labels (`goto *disp[op]` after every instruction), as Lua,
   CPython and Ruby do; under -mindirect-branch=thunk* every dispatch is a
   jump through __x86_indirect_thunk_REG. Runs three bytecode programs
   (a sieve, Fibonacci with a call/return stack, a string hash whose
   output letters come from a function called through a pointer) and a
   dispatch through a second, smaller table whose handlers compare and
   branch (flags written before they are read). */
#include <stdio.h>
#include <string.h>

enum { LDI, ADD, SUB, MUL, MOD, JMP, JZ, JNZ, JLT, LD, ST, CALL, RET, INC, DEC, PUTC, MOV, HALT };

struct vm {
	char (*letter)(long); /* PUTC's output mapping, called through a pointer */
	long r[8];
	long mem[512];
	int stack[64];
	int sp;
	char out[256];
	int nout;
};

/* Each instruction: op, a, b, c (c: immediate or target). */
__attribute__((noinline)) static long run(struct vm *vm, const int *code)
{
	static void *const disp[] = { &&op_ldi, &&op_add, &&op_sub, &&op_mul, &&op_mod, &&op_jmp, &&op_jz,
		&&op_jnz, &&op_jlt, &&op_ld, &&op_st, &&op_call, &&op_ret, &&op_inc, &&op_dec, &&op_putc,
		&&op_mov, &&op_halt };
	const int *pc = code;
	long steps = 0;
	long *r = vm->r;
#define NEXT do { steps++; pc += 4; goto *disp[pc[0]]; } while (0)
#define A pc[1]
#define B pc[2]
#define C pc[3]
	goto *disp[pc[0]];
op_ldi: r[A] = C; NEXT;
op_add: r[A] = r[B] + r[C]; NEXT;
op_sub: r[A] = r[B] - r[C]; NEXT;
op_mul: r[A] = r[B] * r[C]; NEXT;
op_mod: r[A] = r[C] ? r[B] % r[C] : 0; NEXT;
op_jmp: pc = code + 4 * C - 4; NEXT;
op_jz: if (r[A] == 0) pc = code + 4 * C - 4; NEXT;
op_jnz: if (r[A] != 0) pc = code + 4 * C - 4; NEXT;
op_jlt: if (r[A] < r[B]) pc = code + 4 * C - 4; NEXT;
op_ld: r[A] = vm->mem[(r[B] + C) & 511]; NEXT;
op_st: vm->mem[(r[B] + C) & 511] = r[A]; NEXT;
op_call: vm->stack[vm->sp++ & 63] = (int)(pc - code) / 4 + 1; pc = code + 4 * C - 4; NEXT;
op_ret: pc = code + 4 * vm->stack[--vm->sp & 63] - 4; NEXT;
op_inc: r[A]++; NEXT;
op_dec: r[A]--; NEXT;
op_putc: if (vm->nout < 255) vm->out[vm->nout++] = vm->letter(r[A]); NEXT;
op_mov: r[A] = r[B]; NEXT;
op_halt: return steps;
#undef NEXT
#undef A
#undef B
#undef C
}

#define I(op, a, b, c) op, a, b, c

/* Primes below 400: r0 = i, r1 = j, r2 = limit, r3 = count, r4 = 1. */
static const int sieve[] = {
	I(LDI, 2, 0, 400), I(LDI, 0, 0, 2), I(LDI, 3, 0, 0), I(LDI, 4, 0, 1),
	/* 4: */ I(JLT, 0, 2, 6), I(HALT, 0, 0, 0),
	/* 6: */ I(LD, 5, 0, 0), I(JNZ, 5, 0, 14), I(INC, 3, 0, 0), I(ADD, 1, 0, 0),
	/* 10: */ I(JLT, 1, 2, 12), I(JMP, 0, 0, 14),
	/* 12: */ I(ST, 4, 1, 0), I(ADD, 1, 1, 0),
	/* 14: */ I(JLT, 1, 2, 12), I(INC, 0, 0, 0), I(JMP, 0, 0, 4),
};

/* fib(n) iteratively in a subroutine called 30 times: r6 = n, r7 = acc. */
static const int fib[] = {
	I(LDI, 6, 0, 0), I(LDI, 7, 0, 0), I(LDI, 5, 0, 30),
	/* 3: */ I(JZ, 5, 0, 9), I(CALL, 0, 0, 10), I(ADD, 7, 7, 0), I(INC, 6, 0, 0), I(DEC, 5, 0, 0), I(JMP, 0, 0, 3),
	/* 9: */ I(HALT, 0, 0, 0),
	/* 10: fib(r6) -> r0 */ I(LDI, 0, 0, 0), I(LDI, 1, 0, 1), I(MOV, 2, 6, 0),
	/* 13: */ I(JZ, 2, 0, 18), I(ADD, 3, 0, 1), I(MOV, 0, 1, 0), I(MOV, 1, 3, 0), I(DEC, 2, 0, 0),
	/* 18: */ I(JNZ, 2, 0, 14), I(RET, 0, 0, 0),
};

/* A multiplicative hash over 0..599, printing a letter every 40 steps. */
static const int hash[] = {
	I(LDI, 0, 0, 0), I(LDI, 1, 0, 7), I(LDI, 2, 0, 600), I(LDI, 3, 0, 31), I(LDI, 4, 0, 1000003), I(LDI, 5, 0, 40),
	/* 6: */ I(JLT, 0, 2, 8), I(HALT, 0, 0, 0),
	/* 8: */ I(MUL, 1, 1, 3), I(ADD, 1, 1, 0), I(MOD, 1, 1, 4), I(MOD, 6, 0, 5), I(JNZ, 6, 0, 14), I(PUTC, 1, 0, 0),
	/* 14: */ I(INC, 0, 0, 0), I(JMP, 0, 0, 6),
};

/* A second computed goto whose targets compare and branch: each writes
   the flags (cmp/test) before a conditional jump reads them. */
__attribute__((noinline)) static int classify(const unsigned char *s, int n)
{
	static void *const cls[] = { &&lower, &&digit, &&other };
	int score = 0;
	for (int i = 0; i < n; i++) {
		int c = s[i];
		int k = (c >= 'a' && c <= 'z') ? 0 : (c >= '0' && c <= '9') ? 1 : 2;
		goto *cls[k];
	lower:
		score += c > 'm' ? 3 : 1;
		continue;
	digit:
		score += (c & 1) ? 5 : 7;
		continue;
	other:
		score -= c == ' ' ? 1 : 2;
	}
	return score;
}

static char lower(long v) { return (char)('a' + (v % 26 + 26) % 26); }

int main(void)
{
	static struct vm vm;
	char (*volatile letter)(long) = lower;
	long steps = run(&vm, sieve);
	printf("sieve: %ld primes, %ld steps\n", vm.r[3], steps);
	memset(&vm, 0, sizeof vm);
	steps = run(&vm, fib);
	printf("fib: sum %ld, %ld steps\n", vm.r[7], steps);
	memset(&vm, 0, sizeof vm);
	vm.letter = letter;
	steps = run(&vm, hash);
	vm.out[vm.nout] = 0;
	printf("hash: %ld %s, %ld steps\n", vm.r[1], vm.out, steps);
	const char *text = "computed goto 4 interpreters: lua 5.4, cpython 3.11, ruby 3";
	printf("classify: %d\n", classify((const unsigned char *)text, (int)strlen(text)));
	return 0;
}
