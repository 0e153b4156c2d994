# Peer case 56: gcc keeps two copies of %rsp (zstd's
# ZSTD_DCtx_refDDict passing a struct by value): %r13 for later, %rdi for
# rep movs, which writes %rdi, %rsi and %rcx but not %r13. And a copy in a
# caller-saved register kept across a call to a function of the same file
# (-fipa-ra knows it does not touch %r9, as in memblock's
# __next_mem_pfn_range loop). objtool keeps a copy per register; so do we.
# objtool-flags: --orc
	.text
	.type	h, @function
h:
	xorl	%eax, %eax
	ret
	.size	h, .-h
	.globl	f
	.type	f, @function
f:
	pushq	%r13
	subq	$24, %rsp
	movq	%rsp, %r13
	subq	$24, %rsp
	movl	$6, %ecx
	movq	%r13, %rsi
	movq	%rsp, %rdi
	rep movsl
	call	ext
	movq	%r13, %rsp
	pushq	$0
	leaq	8(%rsp), %r9
	call	h
	movq	%r9, %rsp
	pushq	%rax
	popq	%rax
	addq	$24, %rsp
	popq	%r13
	ret
	.size	f, .-f
