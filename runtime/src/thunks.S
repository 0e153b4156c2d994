/* User-space retpoline thunks for programs built with
 * -mindirect-branch=thunk-extern (gcc) or -mretpoline-external-thunk
 * (clang): __x86_indirect_thunk_REG jumps to %REG without an indirect
 * branch the CPU can mispredict to an attacker's target.
 *
 * Weak and hidden: every module gets its own copy (no PLT in front of a
 * thunk), and a definition the program brings (gcc's comdat thunks from
 * -mindirect-branch=thunk) wins without a clash.
 *
 * CFI: at entry CFA = %rsp+8; after the inner call CFA = %rsp+16 and the
 * caller's return address stays at CFA-8, so unwinders see the thunk as a
 * frameless function of its caller throughout. The speculation trap is
 * never executed architecturally.
 *
 * CET shadow stacks reject the "mov %REG,(%rsp); ret" (the return address
 * no longer matches); such programs need "lfence; jmp *%REG" thunks.
 */

.macro THUNK reg
	.section .text.__x86_indirect_thunk_\reg,"axG",@progbits,__x86_indirect_thunk_\reg,comdat
	.p2align 4
	.weak	__x86_indirect_thunk_\reg
	.hidden	__x86_indirect_thunk_\reg
	.type	__x86_indirect_thunk_\reg, @function
__x86_indirect_thunk_\reg:
	.cfi_startproc
	call	1f
2:	pause
	lfence
	jmp	2b
1:	.cfi_adjust_cfa_offset 8
	movq	%\reg, (%rsp)
	ret
	.cfi_endproc
	.size	__x86_indirect_thunk_\reg, .-__x86_indirect_thunk_\reg
.endm

	THUNK rax
	THUNK rcx
	THUNK rdx
	THUNK rbx
	THUNK rsi
	THUNK rdi
	THUNK rbp
	THUNK r8
	THUNK r9
	THUNK r10
	THUNK r11
	THUNK r12
	THUNK r13
	THUNK r14
	THUNK r15

	.section .note.GNU-stack,"",@progbits
