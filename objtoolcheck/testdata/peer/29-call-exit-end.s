# Peer case 29: call exit is the last instruction of the section. Stock
# objtool does not know exit is noreturn; objtool-user (and we) do.
# objtool-flags: --orc
# objtool-stock: .text: unexpected end of section
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	exit
	.size	f, .-f
