/* Inline asm: an indirect call inside the asm text that is jumped over and
   never runs, numeric labels with 1b/1f, .pushsection/.popsection tables,
   and file-scope asm defining a function with `;`-separated statements. */
#include <stdio.h>

/* toplevel_fn(x, fn) = fn(x); push keeps the stack aligned for the call */
__asm__(".text\n"
	"\t.globl toplevel_fn\n"
	"\t.type toplevel_fn, @function\n"
	"toplevel_fn: pushq %rbx; movq %rsi, %rax; call *%rax; popq %rbx; ret\n"
	"\t.size toplevel_fn, .-toplevel_fn\n");
long toplevel_fn(long x, long (*fn)(long));

__attribute__((noinline)) long count_down(long x)
{
	long r;
	__asm__ volatile("jmp 2f\n\t"
			 "call *%%rax\n\t" /* never executed */
			 "jmp *8(%%rax)\n"
			 "2:\n\t"
			 "mov %1, %0\n"
			 "1:\n\t"
			 "sub $3, %0\n\t"
			 "cmp $10, %0\n\t"
			 "jg 1b\n\t"
			 "jmp 1f\n\t"
			 "ud2\n"
			 "1:\n\t"
			 ".pushsection .rodata.asmtab, \"a\"\n\t"
			 ".balign 4\n\t"
			 ".long 1b - .\n\t"
			 ".long 2b - .\n\t"
			 ".popsection\n\t"
			 "nop"
			 : "=&r"(r)
			 : "r"(x)
			 : "cc");
	return r;
}

__attribute__((noinline)) unsigned long mix(unsigned long a, unsigned long b)
{
	unsigned long out;
	__asm__("lea (%1,%2,4), %0 # a comment; with a semicolon\n\t"
		"rol $7, %0; xor %2, %0"
		: "=&r"(out)
		: "r"(a), "r"(b));
	return out;
}

static long triple(long x) { return 3 * x; }

int main(void)
{
	long (*volatile fp)(long) = triple;
	printf("count_down %ld mix %lu toplevel %ld\n", count_down(100), mix(5, 9), toplevel_fn(14, fp));
	return 0;
}
