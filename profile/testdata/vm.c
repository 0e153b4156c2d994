/* Dispatch profile test program: run is a computed-goto interpreter (one
 * dispatch jump, six labels) that also makes an indirect call (op_hook),
 * so its function has a call site and a dispatch site. The program's
 * opcodes are op_xor 60%, op_inc 30%, op_hook 10%; op_dbl and op_neg never
 * run. */
#include <stdio.h>
#include <stdlib.h>

static long inc(long a) { return a + 1; }
long (*volatile hook)(long) = inc;

__attribute__((noinline)) long run(const unsigned char *pc, long a)
{
	static void *tab[] = {&&op_halt, &&op_inc, &&op_dbl, &&op_hook, &&op_neg, &&op_xor};
#define NEXT goto *tab[*pc++]
	NEXT;
op_inc:
	a++;
	NEXT;
op_dbl:
	a = a * 2 % 1000003;
	NEXT;
op_hook:
	a = hook(a);
	NEXT;
op_neg:
	a = -a;
	NEXT;
op_xor:
	a ^= 0x55;
	NEXT;
op_halt:
	return a;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, s = 0;
	unsigned char code[101];
	for (int i = 0; i < 100; i++)
		code[i] = i % 10 < 6 ? 5 : i % 10 < 9 ? 1 : 3;
	code[100] = 0;
	for (long i = 0; i < n; i++)
		s = run(code, s) % 1000003;
	printf("%ld\n", s);
	return 0;
}
