# Peer case 40: f has code after ret, g a modified frame at ret. objtool
# reports unreachable instructions only when nothing else warned: g only.
# objtool-flags: --orc
# objtool-user: g+0x4: return with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	ret
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
	.size	f, .-f
	.globl	g
	.type	g, @function
g:
	push	%rbx
	mov	%rdi, %rax
	ret		# want "\\[stack-ret\\]"
	.size	g, .-g
