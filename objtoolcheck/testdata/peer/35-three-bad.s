# Peer case 35: three bad functions. objtool reports f and g; h's
# unreachable instruction is not reported because something else warned.
# objtool-flags: --orc
# objtool-user: f+0x4: return with modified stack frame
# objtool-user: g+0x1: sibling call from callable instruction with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbx
	mov	%rdi, %rax
	ret		# want "\\[stack-ret\\]"
	.size	f, .-f
	.globl	g
	.type	g, @function
g:
	push	%rbx
	jmp	ext	# want "\\[stack-sibling\\]"
	.size	g, .-g
	.globl	h
	.type	h, @function
h:
	ret
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
	.size	h, .-h
