# Peer case 44: STACK_FRAME_NON_STANDARD f exempts f's bad frame.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbx
	mov	%rdi, %rax
	ret
	.size	f, .-f
	.pushsection .discard.func_stack_frame_non_standard, "aw"
	.quad	f
	.popsection
