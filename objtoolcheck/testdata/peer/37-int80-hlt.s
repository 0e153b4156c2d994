# Peer case 37: int $0x80 and hlt are allowed in callable functions.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	mov	$1, %eax
	int	$0x80
	hlt
	ret
	.size	f, .-f
