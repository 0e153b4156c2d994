# Peer case 28: %rbp pushed and used as data, no frame (clean under --orc).
# objtool-flags: --stackval
# objtool-user: f+0x9: BP used as a scratch register
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbp
	mov	%rdi, %rbp
	lea	1(%rbp), %rax
	pop	%rbp
	ret		# want "\\[frame-pointer\\]"
	.size	f, .-f
