# Peer case 51b: case 51 with the code only the alternative reaches
# returning with %rbx still pushed: objtool finds it through
# .altinstructions, and so must we.
# objtool-flags: --orc
# objtool-user: f+0x6: return with modified stack frame
	.text
	.globl	f
	.type	f, @function
f:
#APP
661:
	jmp 6f
662:
663:
.pushsection .altinstructions,"a"
 .long 661b - .
 .long 6641f - .
 .word ( 3*32+21)
 .byte 663b-661b
 .byte 6651f-6641f
.popsection
.pushsection .altinstr_replacement, "ax"
6641:
	jmp .Lno
6651:
.popsection
.pushsection .altinstr_aux,"ax"
6:
 jmp .Lno
.popsection
#NO_APP
.Lno:
	pushq	%rbx
	ret		# want "return with modified stack frame .*\\[stack-ret\\]"
	.size	f, .-f
