# Peer case 52b: case 52 with a fixup that forgets to pop %rbx: found
# through __ex_table, by objtool and by us.
# objtool-flags: --orc
# objtool-user: f+0x12: return with modified stack frame
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
	xorl	%eax, %eax
	popq	%rbx
	ret
.Lfault:
	movq	$-14, %rax
	ret		# want "return with modified stack frame .*\\[stack-ret\\]"
	.size	f, .-f
