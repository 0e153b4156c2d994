# Peer case 52: a user access with an exception table entry (gcc 12 asm
# goto with outputs, as in copy_from_kernel_nofault): the fixup label is
# reached only through __ex_table. objtool follows the entry from the
# faulting instruction; so do we.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	pushq	%rbx
	movq	%rsi, %rbx
#APP
1:	movq (%rdi),%rdi
 .pushsection "__ex_table","a"
 .balign 4
 .long (1b) - .
 .long (.Lfault) - .
 .long 3
 .popsection
#NO_APP
	movq	%rdi, (%rbx)
	xorl	%eax, %eax
	popq	%rbx
	ret
.Lfault:
	movq	$-14, %rax
	popq	%rbx
	ret
	.size	f, .-f
