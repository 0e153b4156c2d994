# Peer case 03: push without pop, then ret.
# objtool-flags: --stackval
# objtool-user: f+0x4: return with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbx
	mov	%rdi, %rax
	ret		# want "\\[stack-ret\\]"
	.size	f, .-f
