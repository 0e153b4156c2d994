	.text
	.type	interp, @function
interp:
	.cfi_startproc
	leaq	labels.0(%rip), %rdx
	movslq	(%rdi), %rax
	jmp	__x86_indirect_thunk_rax
.L8:
	addq	$4, %rdi
	movslq	(%rdi), %rax
	jmp	__x86_indirect_thunk_rax
.L9:
	ret
	.cfi_endproc
	.size	interp, .-interp
	.type	deep, @function
deep:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	subq	$16, %rsp
	.cfi_def_cfa_offset 32
	jmp	*%rax
	.cfi_endproc
	.size	deep, .-deep
	.type	nostack, @function
nostack:
	.cfi_startproc
	.cfi_escape 0xf,0x3,0x76,0x78,0x6
	jmp	*%rax
	.cfi_endproc
	.size	nostack, .-nostack
	.section	.data.rel.ro.local,"aw"
	.align 8
	.type	labels.0, @object
labels.0:
	.quad	.L8
	.quad	.L9
	.section	.debug_info,"",@progbits
	.quad	.LFB0
	.quad	deep
