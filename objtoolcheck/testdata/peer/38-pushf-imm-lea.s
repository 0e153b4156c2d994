# Peer case 38: pushf/popf, push of an immediate, lea on %rsp.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	pushf
	popf
	push	$1
	pop	%rax
	lea	-8(%rsp), %rsp
	lea	8(%rsp), %rsp
	ret
	.size	f, .-f
