# retpoline-thunks.s: __x86_indirect_thunk_REG for every general register but
# %rsp, for programs built with gcc -mindirect-branch=thunk-extern
# -mindirect-branch-register until optpoline's runtime provides them.
# (clang -mretpoline-external-thunk uses __x86_indirect_thunk_r11 only.)
#
# Each thunk is a retpoline: the call pushes the address of a speculation
# trap (pause; lfence; loop) and jumps over it; the target overwrites that
# return address, and ret goes to the target while the return stack buffer
# predicts the trap. The body is the one gcc emits for -mindirect-branch=thunk.
#
# The symbols are weak, so a real definition (the runtime's) wins, and
# hidden, so that a shared library linked with this file uses its own copy
# and exports nothing.

	.macro thunk reg
	.section .text.__x86_indirect_thunk_\reg,"axG",@progbits,__x86_indirect_thunk_\reg,comdat
	.weak __x86_indirect_thunk_\reg
	.hidden __x86_indirect_thunk_\reg
	.type __x86_indirect_thunk_\reg, @function
	.p2align 4
__x86_indirect_thunk_\reg:
	.cfi_startproc
	call 1f
2:	pause
	lfence
	jmp 2b
1:	.cfi_adjust_cfa_offset 8
	movq %\reg, (%rsp)
	ret
	.cfi_endproc
	.size __x86_indirect_thunk_\reg, .-__x86_indirect_thunk_\reg
	.endm

	thunk rax
	thunk rbx
	thunk rcx
	thunk rdx
	thunk rsi
	thunk rdi
	thunk rbp
	thunk r8
	thunk r9
	thunk r10
	thunk r11
	thunk r12
	thunk r13
	thunk r14
	thunk r15

	.section .note.GNU-stack,"",@progbits
