# Peer case 18: a tail call with a pushed register.
# objtool-flags: --stackval
# objtool-user: f+0x1: sibling call from callable instruction with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbx
	jmp	ext	# want "\\[stack-sibling\\]"
	.size	f, .-f
