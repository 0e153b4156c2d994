# Peer case 15: an absolute .quad jump table in .rodata.
# objtool-flags: --stackval
	.text
	.globl	f
	.type	f, @function
f:
	cmp	$2, %edi
	ja	.Ldef
	mov	%edi, %edi
	jmp	*.Ltab(,%rdi,8)
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
	.size	f, .-f
	.section .rodata
	.align	8
.Ltab:
	.quad	.L0
	.quad	.L1
	.quad	.L2
