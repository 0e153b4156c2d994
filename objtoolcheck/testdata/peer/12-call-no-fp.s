# Peer case 12: a call with no frame pointer (clean under --orc).
# objtool-flags: --stackval
# objtool-user: f+0x4: call without frame pointer save/setup
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	ext	# want "\\[frame-pointer\\]"
	add	$8, %rsp
	ret
	.size	f, .-f
