# Peer case 06: code after an unconditional jmp.
# objtool-flags: --stackval
# objtool-user: f+0x2: unreachable instruction
	.text
	.globl	f
	.type	f, @function
f:
	jmp	.L1
	mov	$1, %eax	# want "\\[unreachable\\]"
.L1:
	ret
	.size	f, .-f
