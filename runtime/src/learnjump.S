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

#include "sample.h"

	.text

/* Drop the return address and the red-zone gap, then jump. */
.macro LEAVE final:vararg
	.cfi_remember_state
	leaq	136(%rsp), %rsp
	.cfi_undefined rip
	\final
	.cfi_restore_state
.endm

.macro STUBS reg, s1, s2, s2d
	SAMPLE __optpoline_learn_jump_\reg, \reg, \s1, \s2, \s2d, LEAVE jmp *%\reg
	SAMPLE __optpoline_learn_jump_thunk_\reg, \reg, \s1, \s2, \s2d, LEAVE jmp __x86_indirect_thunk_\reg
.endm

	EACH_REG STUBS

	.section .note.GNU-stack,"",@progbits
