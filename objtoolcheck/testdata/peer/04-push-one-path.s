# Peer case 04: a push on one path only, then the paths join.
# objtool-flags: --stackval
# objtool-user: f+0x5: stack state mismatch: cfa1=4+8 cfa2=4+16
	.text
	.globl	f
	.type	f, @function
f:
	test	%edi, %edi
	je	.L1
	push	%rbx
.L1:		# want "\\[stack-mismatch\\]"
	mov	%rdi, %rax
	ret
	.size	f, .-f
