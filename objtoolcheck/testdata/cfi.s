# cfi: a .cfi_def_cfa*/.cfi_offset directive that disagrees with the stack
# state the instructions give (the CFA mismatch is reported at the first
# instruction after the wrong directive, once per function; a wrong
# .cfi_offset at the directive), or unbalanced .cfi_remember_state/
# .cfi_restore_state. objtool has no counterpart (it never reads CFI).

	.text

# --- positive cases -------------------------------------------------------

# A wrong .cfi_def_cfa_offset after a push.
	.globl	bad_offset
	.type	bad_offset, @function
bad_offset:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset 3, -16
	movq	%rdi, %rbx			# want "^CFI says cfa=rsp\\+24 here, the instructions give cfa=rsp\\+16 \\[cfi\\]"
	movq	%rbx, %rax
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	bad_offset, .-bad_offset

# A stack allocation the CFI does not describe.
	.globl	missing_sub
	.type	missing_sub, @function
missing_sub:
	.cfi_startproc
	subq	$24, %rsp
	movq	%rdi, (%rsp)			# want "^CFI says cfa=rsp\\+8 here, the instructions give cfa=rsp\\+32 \\[cfi\\]"
	addq	$24, %rsp
	ret
	.cfi_endproc
	.size	missing_sub, .-missing_sub

# The frame pointer is set up but the CFI stays %rsp-based.
	.globl	missing_def_cfa_register
	.type	missing_def_cfa_register, @function
missing_def_cfa_register:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	subq	$16, %rsp			# want "^CFI says cfa=rsp\\+16 here, the instructions give cfa=rbp\\+16 \\[cfi\\]"
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
	.size	missing_def_cfa_register, .-missing_def_cfa_register

# .cfi_offset puts %rbx where it is not.
	.globl	bad_cfi_offset
	.type	bad_cfi_offset, @function
bad_cfi_offset:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	pushq	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset 3, -16			# want "^\\.cfi_offset says %rbx is saved at cfa-16, the instructions saved it at cfa-24 \\[cfi\\]"
	popq	%rbx
	.cfi_def_cfa_offset 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	bad_cfi_offset, .-bad_cfi_offset

# .cfi_offset for a register that was not saved (%r12 named, %rbx pushed).
	.globl	wrong_reg_offset
	.type	wrong_reg_offset, @function
wrong_reg_offset:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %r12, -16			# want "^\\.cfi_offset says %r12 is saved at cfa-16, but it is not saved here \\[cfi\\]"
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	wrong_reg_offset, .-wrong_reg_offset

# .cfi_remember_state never restored.
	.globl	unbalanced_remember
	.type	unbalanced_remember, @function
unbalanced_remember:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -16
	testl	%edi, %edi
	je	.Lur_zero
	.cfi_remember_state
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
.Lur_zero:
	.cfi_def_cfa_offset 16
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc				# want "^\\.cfi_endproc with 1 \\.cfi_remember_state not restored \\[cfi\\]"
	.size	unbalanced_remember, .-unbalanced_remember

# (.cfi_restore_state without .cfi_remember_state, .cfi_startproc without
# .cfi_endproc and the reverse are rejected by as, so have no case here.)

# --- negative cases -------------------------------------------------------

# gcc -O2 style: pushes, a sub, a shrink-wrapped early return with
# remember/restore, pops, DWARF numbers and register names.
	.globl	good_cfi
	.type	good_cfi, @function
good_cfi:
	.cfi_startproc
	testq	%rdi, %rdi
	je	.Lgc_null
	pushq	%r12
	.cfi_def_cfa_offset 16
	.cfi_offset 12, -16
	pushq	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset %rbx, -24
	subq	$8, %rsp
	.cfi_def_cfa_offset 32
	movq	%rdi, %rbx
	call	ext_func
	testl	%eax, %eax
	jne	.Lgc_other
	addq	$8, %rsp
	.cfi_remember_state
	.cfi_def_cfa_offset 24
	popq	%rbx
	.cfi_def_cfa_offset 16
	popq	%r12
	.cfi_def_cfa_offset 8
	ret
.Lgc_other:
	.cfi_restore_state
	movq	%rbx, %rdi
	call	ext_func
	addq	$8, %rsp
	.cfi_def_cfa_offset 24
	popq	%rbx
	.cfi_def_cfa_offset 16
	popq	%r12
	.cfi_def_cfa_offset 8
	ret
.Lgc_null:
	xorl	%eax, %eax
	ret
	.cfi_endproc
	.size	good_cfi, .-good_cfi

# Frame pointer: def_cfa_register, leave, def_cfa back to rsp.
	.globl	good_fp
	.type	good_fp, @function
good_fp:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	pushq	%rbx
	subq	$24, %rsp
	.cfi_offset 3, -24
	movq	%rdi, %rbx
	call	ext_func
	movq	-8(%rbp), %rbx
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
	.size	good_fp, .-good_fp

# A push/pop pair with .cfi_adjust_cfa_offset, and a tail call.
	.globl	good_adjust
	.type	good_adjust, @function
good_adjust:
	.cfi_startproc
	pushq	%rax
	.cfi_adjust_cfa_offset 8
	call	ext_func
	popq	%rdx
	.cfi_adjust_cfa_offset -8
	jmp	ext_func
	.cfi_endproc
	.size	good_adjust, .-good_adjust
