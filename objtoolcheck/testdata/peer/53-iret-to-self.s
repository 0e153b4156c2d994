# Peer case 53: the kernel's sync_core() (asm/sync_core.h): an iret to the
# next instruction, popping the five words the code pushed. objtool takes
# an iret inside a function for "add $40, %rsp"; so do we.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
#APP
	mov %ss, %eax
	pushq %rax
	pushq %rsp
	addq $8, (%rsp)
	pushfq
	mov %cs, %eax
	pushq %rax
	pushq $1f
	iretq
	1:
#NO_APP
	ret
	.size	f, .-f
