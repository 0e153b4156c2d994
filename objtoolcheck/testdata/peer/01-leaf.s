# Peer case 01 (objtool-peer.md §3): a leaf function.
# objtool-flags: --stackval
	.text
	.globl	f
	.type	f, @function
f:
	lea	1(%rdi), %rax
	ret
	.size	f, .-f
