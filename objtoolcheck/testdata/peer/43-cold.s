# Peer case 43: gcc's f.cold part in .text.unlikely.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	test	%edi, %edi
	jne	f.cold
	xor	%eax, %eax
	ret
	.size	f, .-f
	.section .text.unlikely
	.type	f.cold, @function
f.cold:
	mov	$1, %eax
	ret
	.size	f.cold, .-f.cold
