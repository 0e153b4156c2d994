# Peer case 36: CFI that describes the stack correctly, but the stack is
# wrong at the ret.
# objtool-flags: --orc
# objtool-user: f+0x8: return with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -16
	mov	%rdi, %rbx
	lea	1(%rbx), %rax
	ret		# want "\\[stack-ret\\]"
	.cfi_endproc
	.size	f, .-f
