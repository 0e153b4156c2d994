# Peer case 02: a frame-pointer frame around a call.
# objtool-flags: --stackval
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbp
	mov	%rsp, %rbp
	call	ext
	pop	%rbp
	ret
	.size	f, .-f
