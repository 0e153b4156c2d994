# Peer case 07: a has no ret; b follows.
# objtool-flags: --stackval
# objtool-user: a() falls through to next function b()
	.text
	.globl	a
	.type	a, @function
a:
	mov	%rdi, %rax	# want "\\[fallthrough\\]"
	.size	a, .-a
	.globl	b
	.type	b, @function
b:
	ret
	.size	b, .-b
