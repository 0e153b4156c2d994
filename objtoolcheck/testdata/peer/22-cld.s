# Peer case 22: cld at entry (objtool's DF checks; we do not model DF).
# objtool-flags: --orc
# objtool-user: f+0x0: redundant CLD
	.text
	.globl	f
	.type	f, @function
f:
	cld
	ret
	.size	f, .-f
