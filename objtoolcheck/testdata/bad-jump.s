# bad-jump: a jmp/jcc whose target is not an instruction of this code: an
# offset into the middle of an instruction, an undefined local label, a
# label on data, a label with nothing after it. objtool: "can't find jump
# dest instruction at .text+0x3" (objtool-peer.md cases 33, 46).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 33: jmp .L1+1.
	.globl	into_middle
	.type	into_middle, @function
into_middle:
	testl	%edi, %edi
	je	.Lim_1
	jmp	.Lim_1+1			# want "can't find jump dest instruction at \\.Lim_1\\+1.*\\[bad-jump\\]"
.Lim_1:
	movl	$1, %eax
	ret
	.size	into_middle, .-into_middle

# objtool case 46: a label on data inside the function.
	.globl	to_data
	.type	to_data, @function
to_data:
	testl	%edi, %edi
	je	.Ltd_data			# want "can't find jump dest instruction at \\.Ltd_data: it labels data.*\\[bad-jump\\]"
	ret
.Ltd_data:
	.long	0x12345678
	.size	to_data, .-to_data

# A label in .rodata is not code either.
	.globl	to_rodata
	.type	to_rodata, @function
to_rodata:
	testl	%edi, %edi
	jne	.Ltr_const			# want "can't find jump dest instruction at \\.Ltr_const.*\\[bad-jump\\]"
	ret
	.size	to_rodata, .-to_rodata
	.section	.rodata
.Ltr_const:
	.quad	42
	.text

# A label at the very end of a section labels no instruction: the jump leaves
# the section (objtool: can't find jump dest instruction at .text+0xN).
# This function is alone in .text.end on purpose.
	.section	.text.end,"ax",@progbits
	.globl	to_end
	.type	to_end, @function
to_end:
	testl	%edi, %edi
	je	.Lte_end			# want "^can't find jump dest instruction at \\.Lte_end: it is the end of section \\.text\\.end \\[bad-jump\\]"
	ret
.Lte_end:
	.size	to_end, .-to_end
	.text

# An undefined local label: as accepts it (it becomes an undefined symbol
# the linker cannot resolve). ("jmp 3f" with no "3:" is rejected by as
# itself, so it has no case here.)
	.globl	to_nowhere
	.type	to_nowhere, @function
to_nowhere:
	testl	%edi, %edi
	jne	.Ltn_nowhere			# want "can't find jump dest: \\.Ltn_nowhere is not defined \\[bad-jump\\]"
	ret
	.size	to_nowhere, .-to_nowhere

# --- negative cases -------------------------------------------------------

# The kernel's BUG(): ud2 written as data in inline asm (ASM_UD2, ".byte
# 0x0f, 0x0b") is the instruction, a dead end: no data label, no stack
# mismatch with the path that pushed %rbx and jumps past it.
	.globl	bug_on
	.type	bug_on, @function
bug_on:
	testq	%rdi, %rdi
	je	.Lbo_bug
	cmpq	$1, %rdi
	je	.Lbo_ud
	pushq	%rbx
	call	bug_on
	popq	%rbx
	jmp	.Lbo_ret
.Lbo_bug:
	pushq	%rbx
#APP
	.byte 0x0f, 0x0b
#NO_APP
.Lbo_ret:
	ret
.Lbo_ud:
#APP
	.byte 0x0f, 0x0b
#NO_APP
	.size	bug_on, .-bug_on

# A loop head behind .p2align, a label followed by other labels and CFI.
	.globl	aligned_head
	.type	aligned_head, @function
aligned_head:
	.cfi_startproc
	xorl	%eax, %eax
	jmp	.Lah_test
	.p2align 4,,10
	.p2align 3
.Lah_loop:
.Lah_loop2:
	addl	%edi, %eax
	decl	%edi
.Lah_test:
	.cfi_remember_state
	.cfi_restore_state
	testl	%edi, %edi
	jne	.Lah_loop
	je	.Lah_loop2
	ret
	.cfi_endproc
	.size	aligned_head, .-aligned_head

# Numeric labels, and tail calls to external and PLT symbols.
	.globl	numeric
	.type	numeric, @function
numeric:
	testl	%edi, %edi
	je	1f
	jmp	ext_func@PLT
1:	testl	%esi, %esi
	jne	ext_func
	jmp	1b
	.size	numeric, .-numeric

# A jump to code in another executable section (a gcc cold block).
	.globl	to_cold
	.type	to_cold, @function
to_cold:
	testl	%edi, %edi
	je	.Ltc_cold
	ret
	.section	.text.unlikely,"ax",@progbits
.Ltc_cold:
	call	abort	# want "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	.text
	.size	to_cold, .-to_cold
