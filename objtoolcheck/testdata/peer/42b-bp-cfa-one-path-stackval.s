# Peer case 42b: case 42 under --stackval: the %rbp push without a frame on
# the branch-target path is reported first.
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
.L1:		# want "\\[stack-mismatch\\]"
	pop	%rbp
	ret		# want "\\[frame-pointer\\]"
	.size	f, .-f
