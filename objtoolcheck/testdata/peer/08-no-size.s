# Peer case 08: a function without .size.
# objtool-flags: --stackval
# objtool-user: f() is missing an ELF size annotation
	.text
	.globl	f
	.type	f, @function
f:	# want "\\[no-size\\]"
	ret
