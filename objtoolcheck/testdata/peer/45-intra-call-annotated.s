# Peer case 45: case 26 with ANNOTATE_INTRA_FUNCTION_CALL.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
1:
	.pushsection .discard.intra_function_calls
	.long	1b
	.popsection
	call	.L1
.L1:
	add	$8, %rsp
	ret
	.size	f, .-f
