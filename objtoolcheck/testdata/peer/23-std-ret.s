# Peer case 23: return with the direction flag set (not modelled by us).
# objtool-flags: --orc
# objtool-user: f+0x1: return with DF set
	.text
	.globl	f
	.type	f, @function
f:
	std
	ret
	.size	f, .-f
