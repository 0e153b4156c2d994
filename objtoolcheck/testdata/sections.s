# sections: .pushsection/.popsection unbalanced (reported at the directive),
# instructions in a non-executable section (the first one per section), a
# function whose .size is in another section than its label (at the .size).
# objtool has no counterpart.

	.text

# --- negative cases first (the positives change the section state) ---------

	.globl	plain
	.type	plain, @function
plain:
	movl	$1, %eax
	ret
	.size	plain, .-plain

# Balanced push/pop around data, .previous, code in sections that are
# executable by flags or by name.
	.globl	balanced
	.type	balanced, @function
balanced:
	leaq	.Lbal_str(%rip), %rax
	.pushsection .rodata.str1.1,"aMS",@progbits,1
.Lbal_str:
	.string	"hello"
	.popsection
	.section	.rodata
	.align 4
.Lbal_num:
	.long	7
	.previous
	movl	.Lbal_num(%rip), %edx
	ret
	.size	balanced, .-balanced

	.section	.mycode,"ax",@progbits
	.globl	in_mycode
	.type	in_mycode, @function
in_mycode:
	ret
	.size	in_mycode, .-in_mycode

	.section	.text.hot.in_hot,"ax",@progbits
	.globl	in_hot
	.type	in_hot, @function
in_hot:
	ret
	.size	in_hot, .-in_hot

	.section	.init.text,"ax",@progbits
	.globl	in_init
	.type	in_init, @function
in_init:
	ret
	.size	in_init, .-in_init

	.section	.fixup,"ax"
	jmp	plain

	.text

# A macro invocation in a data section (the kernel's extable_type_reg in
# __ex_table, from inline asm): it expands to data, not to an instruction.
	.globl	with_extable
	.type	with_extable, @function
with_extable:
.Lwe_insn:
#APP
	movl	(%rdi), %eax
	.pushsection	__ex_table,"a"
	.macro	extable_type_reg type:req, reg:req
	.long	.Lwe_insn - ., \type
	.endm
	extable_type_reg reg=%eax, type=11
	.purgem	extable_type_reg
	.popsection
#NO_APP
	ret
	.size	with_extable, .-with_extable

# --- positive cases -------------------------------------------------------

# .size emitted after switching sections: the function's label is in
# .text, its .size in .text.other (a label keeps the expression constant).
	.globl	size_elsewhere
	.type	size_elsewhere, @function
size_elsewhere:
	ret
.Lse_end:
	.section	.text.other,"ax",@progbits
	.size	size_elsewhere, .Lse_end-size_elsewhere	# want "^\\.size size_elsewhere is in section \\.text\\.other, its label in \\.text \\[sections\\]"
	.text

# Instructions in .rodata (a missing .text after a table).
	.section	.rodata
.Lro_tab:
	.quad	0
	movl	$1, %eax			# want "^instruction in non-executable section \\.rodata \\[sections\\]" "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	ret

# Instructions in .data.
	.data
	nop					# want "^instruction in non-executable section \\.data \\[sections\\]"

# A .text-like name declared without "x".
	.section	.text.notexec,"a",@progbits
	ret					# want "^instruction in non-executable section \\.text\\.notexec \\[sections\\]"

	.text
# A .popsection with nothing pushed (as warns and ignores it).
	.popsection				# want "^\\.popsection without \\.pushsection \\[sections\\]"

# .pushsection never popped, at the end of the file.
	.pushsection .rodata.tail,"a",@progbits	# want "^\\.pushsection without \\.popsection \\[sections\\]"
	.long	1
