# Peer case 57: gcc's DRAP frame whose DRAP register, once saved, carries
# a stack argument and is pushed again (lib/scatterlist.c's
# sg_alloc_table_from_pages_segment): the epilogue pops it from its first
# slot, so the frame is restored. objtool agrees.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	leaq	8(%rsp), %r10
	andq	$-16, %rsp
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r12
	pushq	%r10
	subq	$48, %rsp
	movl	(%r10), %r10d
	pushq	%r10
	pushq	$0
	call	ext
	popq	%rdx
	popq	%rcx
	leaq	-16(%rbp), %rsp
	popq	%r10
	popq	%r12
	popq	%rbp
	leaq	-8(%r10), %rsp
	ret
	.size	f, .-f
