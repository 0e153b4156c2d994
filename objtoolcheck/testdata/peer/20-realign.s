# Peer case 20: and $-16,%rsp with an %rsp-based CFA.
# objtool-flags: --orc
# objtool-user: f+0x0: unsupported stack pointer realignment
	.text
	.globl	f
	.type	f, @function
f:
	and	$-16, %rsp	# want "\\[stack-realign\\]"
	ret
	.size	f, .-f
