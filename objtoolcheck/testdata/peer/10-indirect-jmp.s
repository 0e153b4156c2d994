# Peer case 10: an indirect jump in a retpoline build.
# objtool-flags: --retpoline
# objtool-user: f+0x3: indirect jump found in RETPOLINE build
	.text
	.globl	f
	.type	f, @function
f:
	mov	%rdi, %rax
	jmp	*%rax	# want "\\[retpoline\\]"
	.size	f, .-f
