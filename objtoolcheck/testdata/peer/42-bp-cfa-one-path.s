# Peer case 42: the CFA moves to %rbp on one path only.
# objtool-flags: --orc
# objtool-user: f+0x8: stack state mismatch: cfa1=4+16 cfa2=5+16
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
	ret
	.size	f, .-f
