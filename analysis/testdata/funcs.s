	.text
	.p2align 4
	.globl	gccf
	.type	gccf, @function
gccf:
.LFB0:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	subq	$16, %rsp
	call	*%rdi
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
.LFE0:
	.size	gccf, .-gccf
	.globl	clangf                          # -- Begin function clangf
	.p2align	4, 0x90
	.type	clangf,@function
clangf:                                 # @clangf
	.cfi_startproc
# %bb.0:
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	callq	*%rdi
	popq	%rbx
	.cfi_def_cfa_offset 8
	jmpq	*%rax                           # TAILCALL
.Lfunc_end1:
	.size	clangf, .Lfunc_end1-clangf
	.cfi_endproc
                                        # -- End function
	.type	hot, @function
hot:
.LFB2:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	testq	%rdi, %rdi
	je	.L9
	popq	%rbx
	.cfi_remember_state
	.cfi_def_cfa_offset 8
	jmp	*%rsi
	.cfi_endproc
	.section	.text.unlikely,"ax",@progbits
	.cfi_startproc
	.type	hot.cold, @function
hot.cold:
.L9:
	.cfi_def_cfa_offset 16
	call	abort
	.cfi_endproc
	.text
	.size	hot, .-hot
	.section	.text.unlikely
	.size	hot.cold, .-hot.cold
	.section	.text._Z3tswILi3EEiii,"axG",@progbits,_Z3tswILi3EEiii,comdat
	.weak	_Z3tswILi3EEiii
	.type	_Z3tswILi3EEiii, @function
_Z3tswILi3EEiii:
	.cfi_startproc
	movl	%edi, %edi
	jmp	*.L4(,%rdi,8)
	.section	.rodata._Z3tswILi3EEiii,"aG",@progbits,_Z3tswILi3EEiii,comdat
	.align 8
.L4:
	.quad	.L3
	.quad	.L5
	.section	.text._Z3tswILi3EEiii,"axG",@progbits,_Z3tswILi3EEiii,comdat
.L3:
	movl	$1, %eax
	ret
.L5:
	movl	$2, %eax
	ret
	.cfi_endproc
	.size	_Z3tswILi3EEiii, .-_Z3tswILi3EEiii
	.section	.init.text,"ax",@progbits
	.type	init_setup, @function
init_setup:
	.cfi_startproc
	jmp	*%rdi
	.cfi_endproc
	.size	init_setup, .-init_setup
	.text
	.type	nocfi1, @function
nocfi1:
	pushq	%rbx
	call	*%rdi
	popq	%rbx
	jmp	*%rax
	.size	nocfi1, .-nocfi1
	.type	nocfi2, @function
nocfi2:
	pushq	%r12
	pushq	%rbx
	jmp	*%rax
	.size	nocfi2, .-nocfi2
	.section	.text.__x86_indirect_thunk_rax,"axG",@progbits,__x86_indirect_thunk_rax,comdat
	.globl	__x86_indirect_thunk_rax
	.hidden	__x86_indirect_thunk_rax
	.type	__x86_indirect_thunk_rax, @function
__x86_indirect_thunk_rax:
	.cfi_startproc
	call	.LIND1
.LIND0:
	pause
	lfence
	jmp	.LIND0
.LIND1:
	.cfi_def_cfa_offset 16
	mov	%rax, (%rsp)
	ret
	.cfi_endproc
	.section	.text.__llvm_retpoline_r11,"axG",@progbits,__llvm_retpoline_r11,comdat
	.hidden	__llvm_retpoline_r11
	.weak	__llvm_retpoline_r11
	.type	__llvm_retpoline_r11,@function
__llvm_retpoline_r11:
	callq	.Ltmp0
.Ltmp1:
	pause
	lfence
	jmp	.Ltmp1
.Ltmp0:
	movq	%r11, (%rsp)
	retq
	.section	.note.GNU-stack,"",@progbits
