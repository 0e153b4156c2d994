/* Learning code for dispatch sites (sites.md §7).
 *
 * A learned dispatch site's miss path steps over the red zone and calls
 * __optpoline_learn_jump_REG (or __optpoline_learn_jump_thunk_REG):
 *
 *	leaq	-128(%rsp), %rsp
 *	call	__optpoline_learn_jump_thunk_rax
 *	ud2
 *
 * so the stack holds the call's return address, which names the site
 * (runtime.c keys the site by it, as it keys call sites by their fallback
 * call's), above 128 bytes that belong to the function (a leaf's live
 * data below its %rsp). %REG holds the jump target. The code samples
 * (return address, target) like the call sites' stubs (learn.S), then
 * drops the return address and the red-zone gap and jumps to the target:
 * "jmp *%REG", or the retpoline thunk in the thunk flavour. The call is
 * never returned from. Unwinding works from inside (CFA = %rsp+8 here,
 * the site's CFI adds the 128 bytes) except at the final jump, where the
 * frame is the function's again and the return address is marked
 * undefined.
 *
 * Preserved: every register but the flags (a dispatch site is rewritten
 * only when no label of its set reads the flags before writing them).
 */

#define RING_MASK_BYTES 4080 /* (256 - 1) * 16: ring.c checks these */
#define RING_WIDX 16
#define RING_SMASK 20
#define RING_SAMPLES 32

	.text

/* Drop the return address and the red-zone gap, then jump. */
.macro LEAVE final:vararg
	.cfi_remember_state
	leaq	136(%rsp), %rsp
	.cfi_undefined rip
	\final
	.cfi_restore_state
.endm

.macro LEARNJ name, reg, s1, s2, s2d, final:vararg
	.p2align 4
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc
	cmpb	$0, __optpoline_module(%rip)
	jne	1f
	LEAVE	\final
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
	testl	RING_SMASK(%\s1), %\s2d
	jnz	4f			/* not this one (stride) */
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
	LEAVE	\final
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

.macro STUBS reg, s1, s2, s2d
	LEARNJ __optpoline_learn_jump_\reg, \reg, \s1, \s2, \s2d, jmp *%\reg
	LEARNJ __optpoline_learn_jump_thunk_\reg, \reg, \s1, \s2, \s2d, jmp __x86_indirect_thunk_\reg
.endm

	STUBS rax, rcx, r11, r11d
	STUBS rcx, rax, r11, r11d
	STUBS rdx, rax, r11, r11d
	STUBS rbx, rax, r11, r11d
	STUBS rsi, rax, r11, r11d
	STUBS rdi, rax, r11, r11d
	STUBS rbp, rax, r11, r11d
	STUBS r8, rax, r11, r11d
	STUBS r9, rax, r11, r11d
	STUBS r10, rax, r11, r11d
	STUBS r11, rax, rcx, ecx
	STUBS r12, rax, r11, r11d
	STUBS r13, rax, r11, r11d
	STUBS r14, rax, r11, r11d
	STUBS r15, rax, r11, r11d

	.section .note.GNU-stack,"",@progbits
