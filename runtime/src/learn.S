/* Learning stubs (sites.md §5).
 *
 * __optpoline_learn_REG and __optpoline_learn_thunk_REG are where a site's
 * miss path ends: the outline block's final jmp (and its stale je
 * placeholders), the inline hit call's placeholder (reached only while the
 * code is stale), or with --outline=0 the fallback call itself. In every
 * case the stack holds exactly one return address, the one pushed by the
 * site's fallback call (or, for a stale hit, by the hit call), and %REG holds
 * the call target. The promoter maps that return address to the site's
 * table entry (runtime.c: site_key); the stub does no lookup.
 *
 * Hot path: one byte test of the module's learn flag (a data flag: learning
 * is never switched by rewriting code). When it is set the stub counts the
 * miss in the calling thread's ring (initial-exec TLS pointer) and appends
 * every stride-th (return address, target) to it (256 entries, overwritten
 * when the promoter falls behind; the promoter sets the stride),
 * then jumps to the target: "jmp *%REG" in __optpoline_learn_REG, the
 * retpoline thunk in __optpoline_learn_thunk_REG. The markup pass picks the
 * flavour per site: FROM_THUNK (and kernel) sites use the thunk flavour.
 *
 * Preserved: every register but the flags; two scratch registers are saved
 * on the stack. A thread's first sample calls __optpoline_ring_init, which
 * preserves every register (its C part is built -mgeneral-regs-only).
 */

#define RING_MASK_BYTES 4080 /* (256 - 1) * 16: ring.c checks these */
#define RING_WIDX 16
#define RING_SMASK 20
#define RING_SAMPLES 32

	.text

/* LEARN name, reg, s1, s2, s2d, drop, final...: s1/s2 are scratch
 * registers other than reg; drop=1 makes the tail flavour, which pops the
 * return address its site's call pushed (the site's key) before final. */
.macro LEARN name, reg, s1, s2, s2d, drop, final:vararg
	.p2align 4
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc
	cmpb	$0, __optpoline_module(%rip)
	jne	1f
	OUT	\drop, \final
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
	pushq	16(%rsp)		/* the return address */
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
	OUT	\drop, \final
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

/* OUT drop, final: the stub's way out. With drop=1 it first pops a tail
 * site's key without touching the flags or any register, so the jump
 * leaves in the tail-called function's entry state; the CFI offset is
 * restored after it for the code that follows. */
.macro OUT drop, final:vararg
	.if \drop
	leaq	8(%rsp), %rsp
	.cfi_adjust_cfa_offset -8
	.endif
	\final
	.if \drop
	.cfi_adjust_cfa_offset 8
	.endif
.endm

/* Tail sites (FLAG_TAIL) call the tail flavours: a jump leaves no return
 * address that names its site, so the site's miss path is
 * "call __optpoline_learn_tail_REG", whose return address is the key, and
 * the stub pops it before it jumps on. The unmatched call costs one return
 * misprediction on the miss path. It would trip a shadow stack, but this
 * file carries no SHSTK property note, so a program linked with it never
 * runs with one enabled. */
.macro STUBS reg, s1, s2, s2d
	LEARN __optpoline_learn_\reg, \reg, \s1, \s2, \s2d, 0, jmp *%\reg
	LEARN __optpoline_learn_thunk_\reg, \reg, \s1, \s2, \s2d, 0, jmp __x86_indirect_thunk_\reg
	LEARN __optpoline_learn_tail_\reg, \reg, \s1, \s2, \s2d, 1, jmp *%\reg
	LEARN __optpoline_learn_tail_thunk_\reg, \reg, \s1, \s2, \s2d, 1, jmp __x86_indirect_thunk_\reg
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

/* __optpoline_ring_init: sets this thread's ring pointer (or leaves it NULL
 * when no registry is up yet). Preserves every register but the flags:
 * saves the caller-saved GPRs and calls general-regs-only C code, which
 * leaves vector and x87 state alone. */
	.p2align 4
	.globl	__optpoline_ring_init
	.hidden	__optpoline_ring_init
	.type	__optpoline_ring_init, @function
__optpoline_ring_init:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	andq	$-16, %rsp
	call	__optpoline_ring_slow
	leaq	-72(%rbp), %rsp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popq	%rbp
	.cfi_def_cfa %rsp, 8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	__optpoline_ring_init, .-__optpoline_ring_init

	.section .note.GNU-stack,"",@progbits
