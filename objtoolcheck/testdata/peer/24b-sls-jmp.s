# Peer case 24b: an indirect jmp without int3 in an SLS build; the ret with
# its int3 is clean.
# objtool-flags: --sls
# objtool-user: f+0x5: missing int3 after indirect jump
	.text
	.globl	f
	.type	f, @function
f:
	test	%rdi, %rdi
	je	.L1
	jmp	*%rdi	# want "\\[sls\\]"
.L1:
	ret
	int3
	.size	f, .-f
