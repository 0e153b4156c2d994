# Peer case 41: a local function with no ret is inferred noreturn, so the
# call to it ends f.
# objtool-flags: --orc
# objtool-stock: clean
	.text
	.type	die, @function
die:
	pause
	jmp	die
	.size	die, .-die
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	die
	.size	f, .-f
	.globl	g
	.type	g, @function
g:
	ret
	.size	g, .-g
