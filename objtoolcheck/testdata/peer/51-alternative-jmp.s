# Peer case 51: the kernel's static_cpu_has() (cpufeature.h, gcc 12 asm
# goto): the original instruction jumps to a test in .altinstr_aux, the
# first replacement jumps to the "no" label, the second is empty (falls
# through to the "yes" code after the asm). The labels are reached only
# through .altinstructions: objtool walks the replacements with the
# original's state; so do we.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	movq	%rdi, %rdx
#APP
661:
	jmp 6f
662:
.skip -(((6651f-6641f)-(662b-661b)) > 0) * ((6651f-6641f)-(662b-661b)),0x90
663:
.pushsection .altinstructions,"a"
 .long 661b - .
 .long 6641f - .
 .word ( 3*32+21)
 .byte 663b-661b
 .byte 6651f-6641f
 .long 661b - .
 .long 6642f - .
 .word 591
 .byte 663b-661b
 .byte 6652f-6642f
.popsection
.pushsection .altinstr_replacement, "ax"
6641:
	jmp .Lno
6651:
6642:
6652:
.popsection
.pushsection .altinstr_aux,"ax"
6:
 testb $128,boot_cpu_data+113(%rip)
 jnz .Lyes
 jmp .Lno
.popsection
#NO_APP
	jmp	.Lyes
.Lno:
	xorl	%eax, %eax
	ret
.Lyes:
	movl	$1, %eax
	ret
	.size	f, .-f
