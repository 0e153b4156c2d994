# stack-realign: "and $-N,%rsp" while the CFA is %rsp-based: the amount
# removed is unknown. objtool: "unsupported stack pointer realignment"
# (objtool-peer.md cases 20 and 39).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 20: realign at entry.
	.globl	realign_entry
	.type	realign_entry, @function
realign_entry:
	andq	$-16, %rsp			# want "unsupported stack pointer realignment \\(cfa=rsp\\+8.*\\[stack-realign\\]"
	movq	%rdi, (%rsp)
	ret
	.size	realign_entry, .-realign_entry

# objtool case 39: a copy of %rsp in %rbx does not make it a frame.
	.globl	realign_copy
	.type	realign_copy, @function
realign_copy:
	pushq	%rbx
	movq	%rsp, %rbx
	andq	$-32, %rsp			# want "unsupported stack pointer realignment \\(cfa=rsp\\+16.*\\[stack-realign\\]"
	movq	%rdi, (%rsp)
	movq	%rbx, %rsp
	popq	%rbx
	ret
	.size	realign_copy, .-realign_copy

# %rbp pushed but never made the frame pointer.
	.globl	realign_no_mov
	.type	realign_no_mov, @function
realign_no_mov:
	pushq	%rbp
	andq	$-64, %rsp			# want "unsupported stack pointer realignment.*\\[stack-realign\\]"
	movq	%rdi, (%rsp)
	popq	%rbp
	ret
	.size	realign_no_mov, .-realign_no_mov

# --- negative cases -------------------------------------------------------

# gcc -O2 (aligned local): frame pointer first, then realign, then leave.
	.globl	realign_fp
	.type	realign_fp, @function
realign_fp:
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-64, %rsp
	subq	$64, %rsp
	movq	%rsp, %rdi
	call	ext_func
	leave
	ret
	.size	realign_fp, .-realign_fp

# gcc -O2 DRAP (aligned local + alloca + variadic): lea 8(%rsp),%r10 first.
	.globl	realign_drap
	.type	realign_drap, @function
realign_drap:
	leaq	8(%rsp), %r10
	andq	$-64, %rsp
	movslq	%edi, %rax
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r12
	movq	%rax, %r12
	addq	$23, %rax
	pushq	%r10
	andq	$-16, %rax
	leaq	-112(%rbp), %rdi
	pushq	%rbx
	subq	$88, %rsp
	subq	%rax, %rsp
	leaq	15(%rsp), %rbx
	andq	$-16, %rbx
	movsbl	(%rbx), %esi
	call	ext_func
	movl	%r12d, %esi
	movq	%rbx, %rdi
	call	ext_func
	leaq	-24(%rbp), %rsp
	popq	%rbx
	popq	%r10
	popq	%r12
	popq	%rbp
	leaq	-8(%r10), %rsp
	ret
	.size	realign_drap, .-realign_drap

# and on another register, and a 32-bit and that is not on %rsp.
	.globl	and_other
	.type	and_other, @function
and_other:
	movq	%rdi, %rax
	andq	$-16, %rax
	andl	$-16, %esi
	ret
	.size	and_other, .-and_other
