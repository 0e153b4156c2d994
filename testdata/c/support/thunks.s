# External thunks for programs built with gcc -mindirect-branch=thunk-extern,
# -mfunction-return=thunk-extern, clang -mretpoline-external-thunk and clang
# -pg -mfentry. Linked next to corpus programs; not a program itself.
# __x86_indirect_thunk_REG is a retpoline that jumps to REG. gcc calls
# __x86_indirect_thunk_nt_REG for nocf_check (notrack) pointers under
# -fcf-protection; it is the same retpoline.
# Assembles with GNU as and with clang's integrated assembler.
	.text
	.globl	__x86_indirect_thunk_rax
	.hidden	__x86_indirect_thunk_rax
	.type	__x86_indirect_thunk_rax, @function
	.p2align 4
__x86_indirect_thunk_rax:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rax, (%rsp)
	ret
	.size	__x86_indirect_thunk_rax, .-__x86_indirect_thunk_rax

	.globl	__x86_indirect_thunk_nt_rax
	.hidden	__x86_indirect_thunk_nt_rax
	.type	__x86_indirect_thunk_nt_rax, @function
	.p2align 4
__x86_indirect_thunk_nt_rax:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rax, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rax, .-__x86_indirect_thunk_nt_rax

	.globl	__x86_indirect_thunk_rbx
	.hidden	__x86_indirect_thunk_rbx
	.type	__x86_indirect_thunk_rbx, @function
	.p2align 4
__x86_indirect_thunk_rbx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rbx, (%rsp)
	ret
	.size	__x86_indirect_thunk_rbx, .-__x86_indirect_thunk_rbx

	.globl	__x86_indirect_thunk_nt_rbx
	.hidden	__x86_indirect_thunk_nt_rbx
	.type	__x86_indirect_thunk_nt_rbx, @function
	.p2align 4
__x86_indirect_thunk_nt_rbx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rbx, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rbx, .-__x86_indirect_thunk_nt_rbx

	.globl	__x86_indirect_thunk_rcx
	.hidden	__x86_indirect_thunk_rcx
	.type	__x86_indirect_thunk_rcx, @function
	.p2align 4
__x86_indirect_thunk_rcx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rcx, (%rsp)
	ret
	.size	__x86_indirect_thunk_rcx, .-__x86_indirect_thunk_rcx

	.globl	__x86_indirect_thunk_nt_rcx
	.hidden	__x86_indirect_thunk_nt_rcx
	.type	__x86_indirect_thunk_nt_rcx, @function
	.p2align 4
__x86_indirect_thunk_nt_rcx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rcx, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rcx, .-__x86_indirect_thunk_nt_rcx

	.globl	__x86_indirect_thunk_rdx
	.hidden	__x86_indirect_thunk_rdx
	.type	__x86_indirect_thunk_rdx, @function
	.p2align 4
__x86_indirect_thunk_rdx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rdx, (%rsp)
	ret
	.size	__x86_indirect_thunk_rdx, .-__x86_indirect_thunk_rdx

	.globl	__x86_indirect_thunk_nt_rdx
	.hidden	__x86_indirect_thunk_nt_rdx
	.type	__x86_indirect_thunk_nt_rdx, @function
	.p2align 4
__x86_indirect_thunk_nt_rdx:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rdx, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rdx, .-__x86_indirect_thunk_nt_rdx

	.globl	__x86_indirect_thunk_rsi
	.hidden	__x86_indirect_thunk_rsi
	.type	__x86_indirect_thunk_rsi, @function
	.p2align 4
__x86_indirect_thunk_rsi:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rsi, (%rsp)
	ret
	.size	__x86_indirect_thunk_rsi, .-__x86_indirect_thunk_rsi

	.globl	__x86_indirect_thunk_nt_rsi
	.hidden	__x86_indirect_thunk_nt_rsi
	.type	__x86_indirect_thunk_nt_rsi, @function
	.p2align 4
__x86_indirect_thunk_nt_rsi:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rsi, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rsi, .-__x86_indirect_thunk_nt_rsi

	.globl	__x86_indirect_thunk_rdi
	.hidden	__x86_indirect_thunk_rdi
	.type	__x86_indirect_thunk_rdi, @function
	.p2align 4
__x86_indirect_thunk_rdi:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rdi, (%rsp)
	ret
	.size	__x86_indirect_thunk_rdi, .-__x86_indirect_thunk_rdi

	.globl	__x86_indirect_thunk_nt_rdi
	.hidden	__x86_indirect_thunk_nt_rdi
	.type	__x86_indirect_thunk_nt_rdi, @function
	.p2align 4
__x86_indirect_thunk_nt_rdi:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rdi, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rdi, .-__x86_indirect_thunk_nt_rdi

	.globl	__x86_indirect_thunk_rbp
	.hidden	__x86_indirect_thunk_rbp
	.type	__x86_indirect_thunk_rbp, @function
	.p2align 4
__x86_indirect_thunk_rbp:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rbp, (%rsp)
	ret
	.size	__x86_indirect_thunk_rbp, .-__x86_indirect_thunk_rbp

	.globl	__x86_indirect_thunk_nt_rbp
	.hidden	__x86_indirect_thunk_nt_rbp
	.type	__x86_indirect_thunk_nt_rbp, @function
	.p2align 4
__x86_indirect_thunk_nt_rbp:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%rbp, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_rbp, .-__x86_indirect_thunk_nt_rbp

	.globl	__x86_indirect_thunk_r8
	.hidden	__x86_indirect_thunk_r8
	.type	__x86_indirect_thunk_r8, @function
	.p2align 4
__x86_indirect_thunk_r8:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r8, (%rsp)
	ret
	.size	__x86_indirect_thunk_r8, .-__x86_indirect_thunk_r8

	.globl	__x86_indirect_thunk_nt_r8
	.hidden	__x86_indirect_thunk_nt_r8
	.type	__x86_indirect_thunk_nt_r8, @function
	.p2align 4
__x86_indirect_thunk_nt_r8:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r8, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r8, .-__x86_indirect_thunk_nt_r8

	.globl	__x86_indirect_thunk_r9
	.hidden	__x86_indirect_thunk_r9
	.type	__x86_indirect_thunk_r9, @function
	.p2align 4
__x86_indirect_thunk_r9:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r9, (%rsp)
	ret
	.size	__x86_indirect_thunk_r9, .-__x86_indirect_thunk_r9

	.globl	__x86_indirect_thunk_nt_r9
	.hidden	__x86_indirect_thunk_nt_r9
	.type	__x86_indirect_thunk_nt_r9, @function
	.p2align 4
__x86_indirect_thunk_nt_r9:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r9, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r9, .-__x86_indirect_thunk_nt_r9

	.globl	__x86_indirect_thunk_r10
	.hidden	__x86_indirect_thunk_r10
	.type	__x86_indirect_thunk_r10, @function
	.p2align 4
__x86_indirect_thunk_r10:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r10, (%rsp)
	ret
	.size	__x86_indirect_thunk_r10, .-__x86_indirect_thunk_r10

	.globl	__x86_indirect_thunk_nt_r10
	.hidden	__x86_indirect_thunk_nt_r10
	.type	__x86_indirect_thunk_nt_r10, @function
	.p2align 4
__x86_indirect_thunk_nt_r10:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r10, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r10, .-__x86_indirect_thunk_nt_r10

	.globl	__x86_indirect_thunk_r11
	.hidden	__x86_indirect_thunk_r11
	.type	__x86_indirect_thunk_r11, @function
	.p2align 4
__x86_indirect_thunk_r11:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r11, (%rsp)
	ret
	.size	__x86_indirect_thunk_r11, .-__x86_indirect_thunk_r11

	.globl	__x86_indirect_thunk_nt_r11
	.hidden	__x86_indirect_thunk_nt_r11
	.type	__x86_indirect_thunk_nt_r11, @function
	.p2align 4
__x86_indirect_thunk_nt_r11:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r11, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r11, .-__x86_indirect_thunk_nt_r11

	.globl	__x86_indirect_thunk_r12
	.hidden	__x86_indirect_thunk_r12
	.type	__x86_indirect_thunk_r12, @function
	.p2align 4
__x86_indirect_thunk_r12:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r12, (%rsp)
	ret
	.size	__x86_indirect_thunk_r12, .-__x86_indirect_thunk_r12

	.globl	__x86_indirect_thunk_nt_r12
	.hidden	__x86_indirect_thunk_nt_r12
	.type	__x86_indirect_thunk_nt_r12, @function
	.p2align 4
__x86_indirect_thunk_nt_r12:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r12, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r12, .-__x86_indirect_thunk_nt_r12

	.globl	__x86_indirect_thunk_r13
	.hidden	__x86_indirect_thunk_r13
	.type	__x86_indirect_thunk_r13, @function
	.p2align 4
__x86_indirect_thunk_r13:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r13, (%rsp)
	ret
	.size	__x86_indirect_thunk_r13, .-__x86_indirect_thunk_r13

	.globl	__x86_indirect_thunk_nt_r13
	.hidden	__x86_indirect_thunk_nt_r13
	.type	__x86_indirect_thunk_nt_r13, @function
	.p2align 4
__x86_indirect_thunk_nt_r13:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r13, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r13, .-__x86_indirect_thunk_nt_r13

	.globl	__x86_indirect_thunk_r14
	.hidden	__x86_indirect_thunk_r14
	.type	__x86_indirect_thunk_r14, @function
	.p2align 4
__x86_indirect_thunk_r14:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r14, (%rsp)
	ret
	.size	__x86_indirect_thunk_r14, .-__x86_indirect_thunk_r14

	.globl	__x86_indirect_thunk_nt_r14
	.hidden	__x86_indirect_thunk_nt_r14
	.type	__x86_indirect_thunk_nt_r14, @function
	.p2align 4
__x86_indirect_thunk_nt_r14:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r14, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r14, .-__x86_indirect_thunk_nt_r14

	.globl	__x86_indirect_thunk_r15
	.hidden	__x86_indirect_thunk_r15
	.type	__x86_indirect_thunk_r15, @function
	.p2align 4
__x86_indirect_thunk_r15:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r15, (%rsp)
	ret
	.size	__x86_indirect_thunk_r15, .-__x86_indirect_thunk_r15

	.globl	__x86_indirect_thunk_nt_r15
	.hidden	__x86_indirect_thunk_nt_r15
	.type	__x86_indirect_thunk_nt_r15, @function
	.p2align 4
__x86_indirect_thunk_nt_r15:
	call	1f
2:	pause
	lfence
	jmp	2b
1:	movq	%r15, (%rsp)
	ret
	.size	__x86_indirect_thunk_nt_r15, .-__x86_indirect_thunk_nt_r15

	.globl	__x86_return_thunk
	.hidden	__x86_return_thunk
	.type	__x86_return_thunk, @function
	.p2align 4
__x86_return_thunk:
	ret
	int3
	.size	__x86_return_thunk, .-__x86_return_thunk

# clang -pg -mfentry calls __fentry__ at every function entry.
	.globl	__fentry__
	.hidden	__fentry__
	.type	__fentry__, @function
	.p2align 4
__fentry__:
	ret
	.size	__fentry__, .-__fentry__

	.section	.note.GNU-stack,"",@progbits
