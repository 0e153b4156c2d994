# Peer case 19: %rsp loaded from a register, then a push.
# objtool-flags: --orc
# objtool-user: f+0x3: undefined stack state
	.text
	.globl	f
	.type	f, @function
f:
	mov	%rdi, %rsp
	push	%rbx	# want "\\[stack-undefined\\]"
	pop	%rbx
	ret
	.size	f, .-f
