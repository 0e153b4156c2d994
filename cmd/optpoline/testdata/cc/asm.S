#define RET ret
	.text
	.globl g
g:	RET
	.section .note.GNU-stack,"",@progbits
