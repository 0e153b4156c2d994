# annotation: an annotation entry that names the wrong kind of instruction
# (retpoline_safe on something that is not an indirect call/jmp, ret or
# nop), no instruction, or an unknown .discard.annotate_insn type.
# Reported at the entry (.quad / .long). objtool: "retpoline_safe hint not
# an indirect jump/call/ret/nop".

	.text

# --- positive cases -------------------------------------------------------

# retpoline_safe on a mov (the kernel's spelling: label, entry, insn).
	.globl	safe_on_mov
	.type	safe_on_mov, @function
safe_on_mov:
1:
	.pushsection .discard.retpoline_safe
	.quad	1b				# want "^retpoline_safe hint not an indirect jump/call/ret/nop \\(1b names movq\\) \\[annotation\\]"
	.popsection
	movq	%rdi, %rax
	ret
	.size	safe_on_mov, .-safe_on_mov

# retpoline_safe on a direct call (label on the instruction).
	.globl	safe_on_direct
	.type	safe_on_direct, @function
safe_on_direct:
	subq	$8, %rsp
.Lsd_call:
	call	ext_func
	.pushsection .discard.retpoline_safe
	.quad	.Lsd_call			# want "^retpoline_safe hint not an indirect jump/call/ret/nop \\(\\.Lsd_call names call\\) \\[annotation\\]"
	.popsection
	addq	$8, %rsp
	ret
	.size	safe_on_direct, .-safe_on_direct

# .discard.annotate_insn with an unknown type (99).
	.globl	unknown_type
	.type	unknown_type, @function
unknown_type:
.Lut_insn:
	movl	$1, %eax
	.pushsection .discard.annotate_insn, "M", @progbits, 8
	.long	.Lut_insn - .			# want "^unknown annotate type 99 for \\.Lut_insn \\[annotation\\]"
	.long	99
	.popsection
	ret
	.size	unknown_type, .-unknown_type

# ANNOTYPE_RETPOLINE_SAFE (2) on an add.
	.globl	insn_safe_on_add
	.type	insn_safe_on_add, @function
insn_safe_on_add:
.Lisa_insn:
	addl	$1, %edi
	.pushsection .discard.annotate_insn, "M", @progbits, 8
	.long	.Lisa_insn - .			# want "^retpoline_safe hint not an indirect jump/call/ret/nop \\(\\.Lisa_insn names addl\\) \\[annotation\\]"
	.long	2
	.popsection
	movl	%edi, %eax
	ret
	.size	insn_safe_on_add, .-insn_safe_on_add

# retpoline_safe naming a data label.
	.data
.Ldata_word:
	.quad	0
	.text
	.pushsection .discard.retpoline_safe
	.quad	.Ldata_word			# want "^retpoline_safe hint \\.Ldata_word does not name an instruction \\[annotation\\]"
	.popsection

# --- negative cases -------------------------------------------------------

# retpoline_safe on an indirect call, an indirect jmp, a ret and a nop.
	.globl	safe_ok
	.type	safe_ok, @function
safe_ok:
	subq	$8, %rsp
.Lso_call:
	call	*%rdi
	addq	$8, %rsp
	testl	%esi, %esi
	je	.Lso_ret
.Lso_nop:
	nop
.Lso_jmp:
	jmp	*%rdx
.Lso_ret:
	ret
	.pushsection .discard.retpoline_safe
	.quad	.Lso_call
	.quad	.Lso_jmp
	.quad	.Lso_ret
	.quad	.Lso_nop
	.popsection
	.size	safe_ok, .-safe_ok

# The kernel's spelling on an indirect call.
	.globl	safe_ok_kernel
	.type	safe_ok_kernel, @function
safe_ok_kernel:
	subq	$8, %rsp
1:
	.pushsection .discard.retpoline_safe
	.quad	1b
	.popsection
	call	*(%rdi)
	addq	$8, %rsp
	ret
	.size	safe_ok_kernel, .-safe_ok_kernel

# Known annotate_insn types: NOENDBR (1) on anything, RETPOLINE_SAFE (2) on
# an indirect jmp, REACHABLE (8), the last one known.
	.globl	known_types
	.type	known_types, @function
known_types:
.Lkt_entry:
	endbr64
	testl	%edi, %edi
	je	.Lkt_jmp
	subq	$8, %rsp
	call	abort
.Lkt_after:
	nop
.Lkt_jmp:
	jmp	*%rsi
	.pushsection .discard.annotate_insn, "M", @progbits, 8
	.long	.Lkt_entry - .
	.long	1
	.long	.Lkt_jmp - .
	.long	2
	.long	.Lkt_after - .
	.long	8
	.popsection
	.size	known_types, .-known_types

# Annotations of other kinds are not checked here: STACK_FRAME_NON_STANDARD
# (which also exempts the unbalanced push from the stack checks) and
# .discard.unreachable (its entry names the insn after a dead-end call).
	.globl	non_standard
	.type	non_standard, @function
non_standard:
	pushq	%rbx
	call	ext_func
.Lns_after:
	ud2
	.pushsection .discard.func_stack_frame_non_standard,"aw"
	.quad	non_standard
	.popsection
	.pushsection .discard.unreachable
	.long	.Lns_after - .
	.popsection
	.size	non_standard, .-non_standard
