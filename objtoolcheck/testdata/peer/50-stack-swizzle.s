# Peer case 50: the kernel's call_on_stack (arch/x86/include/asm/irq_stack.h,
# as in sysvec_apic_timer_interrupt): "mov %rsp, (%r11); mov %r11, %rsp"
# switches to the IRQ stack, whose top keeps the old %rsp, and "pop %rsp"
# switches back. objtool models the swizzle (SP_INDIRECT); so do we. The
# .discard.reachable entry is the one ASM_REACHABLE writes after the call.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	irq_stack_ptr(%rip), %r11
#APP
	movq	%rsp, (%r11)
movq	%r11, %rsp
movq	%rbx, %rdi
call handler
998:
	.pushsection .discard.reachable
	.long 998b - .
	.popsection
popq	%rsp
#NO_APP
	popq	%rbx
	ret
	.size	f, .-f
