# Peer case 09: an indirect call in a retpoline build.
# objtool-flags: --retpoline
# objtool-user: f+0x4: indirect call found in RETPOLINE build
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
	call	*%rdi	# want "\\[retpoline\\]"
	add	$8, %rsp
	ret
	.size	f, .-f
