# Peer case 46: a data byte inside a function: objtool decodes it as the
# start of a 2-byte mov $imm8,%al and loses the instruction boundary at .L2.
# objtool-flags: --orc
# objtool-user: f+0x0: can't find jump dest instruction at .text+0x3
	.text
	.globl	f
	.type	f, @function
f:
	jmp	.L2
	.byte	0xb0
.L2:
	mov	%rdi, %rax
	ret
	.size	f, .-f
