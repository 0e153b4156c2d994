# Peer case 17: wrong .cfi_* directives, correct stack. objtool never reads
# CFI; we do.
# objtool-flags: --stackval
	.text
	.globl	f
	.type	f, @function
f:
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 24
	mov	%rdi, %rbx	# want "\\[cfi\\]"
	mov	%rbx, %rax
	pop	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	f, .-f
