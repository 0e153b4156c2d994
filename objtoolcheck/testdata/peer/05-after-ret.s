# Peer case 05: code after ret.
# objtool-flags: --stackval
# objtool-user: f+0x6: unreachable instruction
	.text
	.globl	f
	.type	f, @function
f:
	xor	%eax, %eax
	mov	%rdi, %rdx
	ret
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
	.size	f, .-f
