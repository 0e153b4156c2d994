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
 * one in 2^k (return address, target) to it, picked by hashing the miss
 * count (256 entries, overwritten when the promoter falls behind; the
 * promoter sets k; sample.h holds the body shared with learnjump.S),
 * then jumps to the target: "jmp *%REG" in __optpoline_learn_REG, the
 * retpoline thunk in __optpoline_learn_thunk_REG. The markup pass picks the
 * flavour per site: FROM_THUNK (and kernel) sites use the thunk flavour.
 *
 * Preserved: every register but the flags; two scratch registers are saved
 * on the stack. A thread's first sample calls __optpoline_ring_init, which
 * preserves every register (its C part is built -mgeneral-regs-only).
 */

#include "sample.h"

	.text

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
	SAMPLE __optpoline_learn_\reg, \reg, \s1, \s2, \s2d, OUT 0, jmp *%\reg
	SAMPLE __optpoline_learn_thunk_\reg, \reg, \s1, \s2, \s2d, OUT 0, jmp __x86_indirect_thunk_\reg
	SAMPLE __optpoline_learn_tail_\reg, \reg, \s1, \s2, \s2d, OUT 1, jmp *%\reg
	SAMPLE __optpoline_learn_tail_thunk_\reg, \reg, \s1, \s2, \s2d, OUT 1, jmp __x86_indirect_thunk_\reg
.endm

	EACH_REG STUBS

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
