# Peer case 34: a frame, a variable stack adjustment, leave.
# objtool-flags: --stackval
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbp
	mov	%rsp, %rbp
	sub	%rdi, %rsp
	call	ext
	leave
	ret
	.size	f, .-f
