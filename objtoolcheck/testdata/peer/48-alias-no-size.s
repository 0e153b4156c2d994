# Peer case 48: gcc's .set alias of a function (C1/C2, D1/D2 constructors
# and destructors): without the target's .size the alias has none either.
# objtool-flags: --orc
# objtool-user: g() is missing an ELF size annotation
# objtool-user: f() is missing an ELF size annotation
	.text
	.weak	f
	.type	f, @function
f:		# want "\\[no-size\\]"
	ret
	.weak	g
	.set	g,f	# want "\\[no-size\\]"
