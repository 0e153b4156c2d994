# Peer case 11: an indirect call annotated ANNOTATE_RETPOLINE_SAFE.
# objtool-flags: --retpoline
	.text
	.globl	f
	.type	f, @function
f:
	sub	$8, %rsp
1:
	.pushsection .discard.retpoline_safe
	.quad	1b
	.popsection
	call	*%rdi
	add	$8, %rsp
	ret
	.size	f, .-f
