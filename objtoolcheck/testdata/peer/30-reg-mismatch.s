# Peer case 30: push %rbx on one path, push %rax on the other.
# objtool-flags: --orc
# objtool-user: f+0x8: stack state mismatch: reg1[3]=-1+0 reg2[3]=-2-16
	.text
	.globl	f
	.type	f, @function
f:
	test	%edi, %edi
	je	.L1
	push	%rbx
	jmp	.L2
.L1:
	push	%rax
.L2:		# want "\\[stack-mismatch\\]"
	pop	%rbx
	ret
	.size	f, .-f
