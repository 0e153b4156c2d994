# Peer case 49: clang quotes symbol names that are not C identifiers. The
# finding's function is the symbol's name, without the quotes.
# objtool-flags: --orc
# objtool-user: dash-y() falls through to next function dot.y$z()
	.text
	.globl	"dash-y"
	.type	"dash-y",@function
"dash-y":
	leaq	40(%rdi), %rax	# want "\\[fallthrough\\]"
	.size	"dash-y", .-"dash-y"
	.globl	dot.y$z
	.type	dot.y$z,@function
dot.y$z:
	ret
	.size	dot.y$z, .-dot.y$z
