# Peer case 14: call __stack_chk_fail is the last instruction (both peers
# know it is noreturn).
# objtool-flags: --orc
# objtool-stock: clean
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	__stack_chk_fail
	.size	f, .-f
