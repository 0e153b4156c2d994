# Peer case 32: call abort marked dead with .discard.unreachable, then ud2.
# objtool-flags: --orc
# objtool-stock: clean
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	abort
1:
	.pushsection .discard.unreachable
	.long	1b - .
	.popsection
	ud2
	.size	f, .-f
