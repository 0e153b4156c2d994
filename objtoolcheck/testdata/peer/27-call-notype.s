# Peer case 27: a call to a local, sized symbol that is not typed @function.
# objtool complains at the call; we at the symbol's .size.
# objtool-flags: --orc
# objtool-user: f+0x4: unsupported call to non-function
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	helper
	add	$8, %rsp
	ret
	.size	f, .-f
helper:
	ret	# want "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	.size	helper, .-helper	# want "\\[no-size\\]"
