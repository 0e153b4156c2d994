# Peer case 13: call abort is f's last instruction; g follows. Stock objtool
# does not know abort is noreturn; objtool-user (and we) do.
# objtool-flags: --orc
# objtool-stock: f() falls through to next function g()
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	abort
	.size	f, .-f
	.globl	g
	.type	g, @function
g:
	ret
	.size	g, .-g
