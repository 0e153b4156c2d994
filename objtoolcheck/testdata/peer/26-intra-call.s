# Peer case 26: a call to the next instruction, unannotated.
# objtool-flags: --orc
# objtool-user: f+0x0: unannotated intra-function call
	.text
	.globl	f
	.type	f, @function
f:
	call	.L1	# want "\\[unsupported\\]"
.L1:
	add	$8, %rsp
	ret
	.size	f, .-f
