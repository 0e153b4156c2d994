/* The sampling body shared by learn.S (call sites) and learnjump.S
 * (dispatch sites). Included by the assembler's preprocessor; ring.c
 * checks the offsets against struct optpoline_ring.
 *
 * SAMPLE name, reg, s1, s2, s2d, out: a learning stub. On entry the stack
 * holds one return address that names the site and %reg holds the target;
 * s1/s2 are scratch registers other than reg (saved on the stack, s2d is
 * s2's 32-bit name). If the module's learn flag is set, the miss is
 * counted in the thread's ring and, when the ring's hash mask picks it,
 * (return address, target) is appended. Then "out" (a macro call that
 * leaves through the target) runs with every register as on entry.
 *
 * Which misses are written: those whose count h has
 * (h * 0x9e3779b9) & hmask == 0, hmask being the top k bits, about one in
 * 2^k, spread by Fibonacci hashing. A plain stride (h % 2^k == 0) would
 * alias with any periodic miss pattern whose period shares a power of two
 * with the stride: with sites A and B missing alternately, every sample
 * would be A's and B would never be learned. */

#define RING_MASK_BYTES 4080 /* (256 - 1) * 16 */
#define RING_WIDX 16
#define RING_HMASK 20
#define RING_SAMPLES 32
#define FIB_HASH 0x9e3779b9 /* 2^32 / golden ratio */

.macro SAMPLE name, reg, s1, s2, s2d, out:vararg
	.p2align 4
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc
	cmpb	$0, __optpoline_module(%rip)
	jne	1f
	\out
1:	pushq	%\s1
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %\s1, 0
	pushq	%\s2
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %\s2, 0
	movq	__optpoline_tls_ring@GOTTPOFF(%rip), %\s1
	movq	%fs:(%\s1), %\s1
	testq	%\s1, %\s1
	jz	3f
2:	movl	(%\s1), %\s2d
	incl	(%\s1)			/* head++: every miss */
	imull	$FIB_HASH, %\s2d, %\s2d
	testl	RING_HMASK(%\s1), %\s2d
	jnz	4f			/* not picked */
	movl	RING_WIDX(%\s1), %\s2d
	shll	$4, %\s2d
	andl	$RING_MASK_BYTES, %\s2d
	movq	%\reg, RING_SAMPLES+8(%\s1,%\s2)
	pushq	16(%rsp)		/* the return address: the site */
	.cfi_adjust_cfa_offset 8
	popq	RING_SAMPLES(%\s1,%\s2)
	.cfi_adjust_cfa_offset -8
	incl	RING_WIDX(%\s1)	/* publish: widx++ after the sample */
4:	popq	%\s2
	.cfi_adjust_cfa_offset -8
	.cfi_restore %\s2
	popq	%\s1
	.cfi_adjust_cfa_offset -8
	.cfi_restore %\s1
	\out
	/* First sample of this thread in this module: get its ring. */
3:	.cfi_adjust_cfa_offset 16
	.cfi_rel_offset %\s1, 8
	.cfi_rel_offset %\s2, 0
	call	__optpoline_ring_init
	movq	__optpoline_tls_ring@GOTTPOFF(%rip), %\s1
	movq	%fs:(%\s1), %\s1
	testq	%\s1, %\s1
	jnz	2b
	jmp	4b
	.cfi_endproc
	.size	\name, .-\name
.endm

/* EACH_REG m: m reg, s1, s2, s2d for every register a site's target can be
 * in (not %rsp), with the two scratch registers its stubs use. */
.macro EACH_REG m
	\m rax, rcx, r11, r11d
	\m rcx, rax, r11, r11d
	\m rdx, rax, r11, r11d
	\m rbx, rax, r11, r11d
	\m rsi, rax, r11, r11d
	\m rdi, rax, r11, r11d
	\m rbp, rax, r11, r11d
	\m r8, rax, r11, r11d
	\m r9, rax, r11, r11d
	\m r10, rax, r11, r11d
	\m r11, rax, rcx, ecx
	\m r12, rax, r11, r11d
	\m r13, rax, r11, r11d
	\m r14, rax, r11, r11d
	\m r15, rax, r11, r11d
.endm
