# unreachable: an instruction no path from the function's entry reaches
# (the first one per function). Padding (nop, int3, ud2) is exempt, as are
# inline asm and a dead run right after a call. objtool: "unreachable
# instruction" (objtool-peer.md cases 05, 06, 31).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 05: code after ret.
	.globl	after_ret
	.type	after_ret, @function
after_ret:
	xorl	%eax, %eax
	ret
	movl	$1, %eax			# want "^unreachable instruction \\[unreachable\\]"
	ret
	.size	after_ret, .-after_ret

# objtool case 06: code after jmp, before the label the jmp goes to.
	.globl	after_jmp
	.type	after_jmp, @function
after_jmp:
	jmp	.Laj_out
	addl	$1, %eax			# want "^unreachable instruction \\[unreachable\\]"
.Laj_out:
	ret
	.size	after_jmp, .-after_jmp

# A label nothing jumps to does not make code reachable.
	.globl	dead_label
	.type	dead_label, @function
dead_label:
	movl	%edi, %eax
	ret
.Ldl_orphan:
	negl	%eax				# want "^unreachable instruction \\[unreachable\\]"
	ret
	.size	dead_label, .-dead_label

# Code after ud2 (a dead end that is not a call).
	.globl	after_ud2
	.type	after_ud2, @function
after_ud2:
	testl	%edi, %edi
	jne	.Lau_ok
	ud2
	movl	$-1, %eax			# want "^unreachable instruction \\[unreachable\\]"
.Lau_ok:
	ret
	.size	after_ud2, .-after_ud2

# Only the first unreachable instruction of a function is reported.
	.globl	two_dead
	.type	two_dead, @function
two_dead:
	ret
	incl	%eax				# want "^unreachable instruction \\[unreachable\\]"
	incl	%eax
	ret
	.size	two_dead, .-two_dead

# objtool case 31: code outside any function, after a dead end, that no
# label introduces.
loose_code:
	movl	$60, %eax			# want "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	ret
	movl	$1, %eax
	ret

# --- negative cases -------------------------------------------------------

# Padding after a tail jmp and after ret.
	.globl	padded
	.type	padded, @function
padded:
	testl	%edi, %edi
	je	.Lpd_b
	jmp	ext_func
	nop
	int3
	ud2
	.p2align 4
.Lpd_b:
	ret
	int3
	nopl	0(%rax)
	.size	padded, .-padded

# Code after a call to a function nobody knows to be noreturn is reachable.
	.globl	after_unknown_call
	.type	after_unknown_call, @function
after_unknown_call:
	subq	$8, %rsp
	call	ext_func
	movl	$1, %eax
	addq	$8, %rsp
	ret
	.size	after_unknown_call, .-after_unknown_call

# A dead run right after a call to a noreturn function is left alone
# (the compiler did not know the callee never returns).
	.globl	after_noreturn_call
	.type	after_noreturn_call, @function
after_noreturn_call:
	subq	$8, %rsp
	call	exit
	xorl	%eax, %eax
	addq	$8, %rsp
	ret
	.size	after_noreturn_call, .-after_noreturn_call

# Inline asm after a ret is opaque to the compiler.
	.globl	inline_asm
	.type	inline_asm, @function
inline_asm:
	ret
#APP
# 12 "x.c" 1
	movl	$1, %eax
	ret
# 0 "" 2
#NO_APP
	.size	inline_asm, .-inline_asm

# Cases reached only through a jump table, and a computed goto.
	.globl	via_table
	.type	via_table, @function
via_table:
	cmpl	$1, %edi
	ja	.Lvt_goto
	movl	%edi, %eax
	jmp	*.Lvt_table(,%rax,8)
	.section	.rodata
	.align 8
.Lvt_table:
	.quad	.Lvt_0
	.quad	.Lvt_1
	.text
.Lvt_0:
	movl	$5, %eax
	ret
.Lvt_1:
	movl	$6, %eax
	ret
.Lvt_goto:
	leaq	.Lvt_label(%rip), %rax
	jmp	*%rax
.Lvt_label:
	movl	$7, %eax
	ret
	.size	via_table, .-via_table

# Reached by a backward jump and by numeric labels.
	.globl	back_and_numeric
	.type	back_and_numeric, @function
back_and_numeric:
	xorl	%eax, %eax
	jmp	2f
1:
	addl	%edi, %eax
	decl	%edi
2:
	testl	%edi, %edi
	jne	1b
	ret
	.size	back_and_numeric, .-back_and_numeric
