# Peer case 24: ret without int3 in an SLS build.
# objtool-flags: --sls
# objtool-user: f+0x5: missing int3 after ret
	.text
	.globl	f
	.type	f, @function
f:
	mov	$1, %eax
	ret		# want "\\[sls\\]"
	.size	f, .-f
