# Peer case 16b: the PIE-relative table of case 16 at .rodata+4, plus dead
# code. objtool follows only the first target and, because of the PC32
# relocation, ignores unreachable instructions in the whole object: clean.
# We follow the table and report the dead code.
# objtool-flags: --orc
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
	mov	$1, %eax	# want "\\[unreachable\\]"
	ret
	.size	sw, .-sw
	.section .rodata
	.align	4
	.long	0
.Ltab:
	.long	.L0-.Ltab
	.long	.L1-.Ltab
	.long	.L2-.Ltab
