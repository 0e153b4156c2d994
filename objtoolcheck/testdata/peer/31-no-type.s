# Peer case 31: code outside any function.
# objtool-flags: --stackval
# objtool-user: .text+0x0: unreachable instruction
	.text
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
