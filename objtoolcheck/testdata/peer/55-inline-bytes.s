# Peer case 55: instructions written as bytes in inline asm, as the kernel
# writes those older assemblers lack: a jump to a label that names
# "serialize" (.byte 0xf, 0x1, 0xe8), one to the nop padding of an
# alternative (.skip N, 0x90), and a tail call to a static call trampoline
# written ".byte 0xe9; .long f - (. + 4)". objtool decodes the bytes; so
# do we.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	testl	%edi, %edi
	jne	.Lser
	testl	%esi, %esi
	jne	.Lpad
	jmp	__SCT__hook
.Lser:
#APP
	.byte 0xf, 0x1, 0xe8
#NO_APP
	ret
.Lpad:
#APP
661:
.skip 3, 0x90
663:
#NO_APP
	ret
	.size	f, .-f
#APP
	.pushsection .static_call.text, "ax"
	.align 4
	.globl __SCT__hook
__SCT__hook:
	.byte 0xe9; .long g - (. + 4)
	.byte 0x0f, 0xb9, 0xcc
	.type __SCT__hook, @function
	.size __SCT__hook, . - __SCT__hook
	.popsection
#NO_APP
	.globl	g
	.type	g, @function
g:
	ret
	.size	g, .-g
