# Peer case 42b: case 42 under --stackval. objtool walks branch targets
# first, so the ret after the %rbp push without a frame is reported, and the
# function's walk ends before the mismatch at .L1.
# objtool-flags: --stackval
# objtool-user: f+0x9: BP used as a scratch register
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbp
	test	%edi, %edi
	je	.L1
	mov	%rsp, %rbp
.L1:		# want "stack state mismatch: cfa1=rsp\\+16 cfa2=rbp\\+16 \\[stack-mismatch\\]"
	pop	%rbp
	ret
	.size	f, .-f
