# Peer case 33: a jump into the middle of an instruction. The mov is
# unreachable too; objtool does not say so when something else warned.
# objtool-flags: --orc
# objtool-user: f+0x0: can't find jump dest instruction at .text+0x3
	.text
	.globl	f
	.type	f, @function
f:
	jmp	.L1+1	# want "\\[bad-jump\\]"
.L1:
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
	.size	f, .-f
