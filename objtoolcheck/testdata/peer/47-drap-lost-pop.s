# Peer case 47: gcc's DRAP frame (calls.c's realigned at -O2) with one
# callee-saved pop lost: lea -8(%r10),%rsp restores the CFA, but %rbx is
# still saved at the ret.
# objtool-flags: --orc
# objtool-user: f+0x28: return with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
	leaq	8(%rsp), %r10
	andq	$-64, %rsp
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r10
	pushq	%rbx
	subq	$72, %rsp
	movq	%rdi, %rbx
	call	*%rbx
	leaq	-16(%rbp), %rsp
	popq	%r10
	popq	%rbp
	leaq	-8(%r10), %rsp
	ret		# want "\\[stack-ret\\]"
	.size	f, .-f
