# Peer case 16: a PIE-relative jump table (.long L-Ltab) at .rodata+0.
# objtool 6.1 cannot follow it; the warning is fatal for the object.
# objtool-flags: --orc
# objtool-user: sw+0x15: can't find switch jump table
	.text
	.globl	sw
	.type	sw, @function
sw:
	cmp	$2, %edi
	ja	.Ldef
	mov	%edi, %edi
	lea	.Ltab(%rip), %rdx
	movslq	(%rdx,%rdi,4), %rax
	add	%rdx, %rax
	jmp	*%rax
.L0:
	mov	$10, %eax
	ret
.L1:
	mov	$11, %eax
	ret
.L2:
	mov	$12, %eax
	ret
.Ldef:
	xor	%eax, %eax
	ret
	.size	sw, .-sw
	.section .rodata
	.align	4
.Ltab:
	.long	.L0-.Ltab
	.long	.L1-.Ltab
	.long	.L2-.Ltab
