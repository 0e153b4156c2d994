# Peer case 39: and $-16,%rsp after copying %rsp to %rbx (not a DRAP for
# objtool).
# objtool-flags: --orc
# objtool-user: f+0x8: unsupported stack pointer realignment
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbx
	mov	%rsp, %rbx
	sub	$8, %rsp
	and	$-16, %rsp	# want "\\[stack-realign\\]"
	mov	%rbx, %rsp
	pop	%rbx
	ret
	.size	f, .-f
