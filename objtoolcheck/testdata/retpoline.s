# check: --enable=retpoline
# retpoline: (--retpoline) an indirect call or jmp that is not annotated
# retpoline-safe; .init.text is exempt (objtool exempts it in every object
# but a module's). objtool: "indirect call found in RETPOLINE build",
# "indirect jump found in RETPOLINE build" (objtool-peer.md cases 09, 10, 15).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 09: call *%rdi.
	.globl	icall
	.type	icall, @function
icall:
	subq	$8, %rsp
	call	*%rdi				# want "^indirect call found in RETPOLINE build \\[retpoline\\]"
	addq	$8, %rsp
	ret
	.size	icall, .-icall

# objtool case 10: jmp *%rax (a tail call).
	.globl	ijmp
	.type	ijmp, @function
ijmp:
	movq	%rdi, %rax
	jmp	*%rax				# want "^indirect jump found in RETPOLINE build \\[retpoline\\]"
	.size	ijmp, .-ijmp

# A memory-indirect call.
	.globl	icall_mem
	.type	icall_mem, @function
icall_mem:
	subq	$8, %rsp
	call	*16(%rdi)			# want "^indirect call found in RETPOLINE build \\[retpoline\\]"
	addq	$8, %rsp
	ret
	.size	icall_mem, .-icall_mem

# objtool case 15: a jump-table dispatch is an indirect jump too.
	.globl	table
	.type	table, @function
table:
	cmpl	$1, %edi
	ja	.Ltb_def
	movl	%edi, %eax
	jmp	*.Ltb_tab(,%rax,8)		# want "^indirect jump found in RETPOLINE build \\[retpoline\\]"
	.section	.rodata
	.align 8
.Ltb_tab:
	.quad	.Ltb_0
	.quad	.Ltb_def
	.text
.Ltb_0:
	movl	$1, %eax
	ret
.Ltb_def:
	xorl	%eax, %eax
	ret
	.size	table, .-table

# The annotation names the instruction before the call, not the call.
	.globl	annotated_wrong
	.type	annotated_wrong, @function
annotated_wrong:
	subq	$8, %rsp
1:
	.pushsection .discard.retpoline_safe
	.quad	1b				# want "retpoline_safe hint not an indirect jump/call/ret/nop.*\\[annotation\\]"
	.popsection
	movq	%rdi, %rax
	call	*%rax				# want "^indirect call found in RETPOLINE build \\[retpoline\\]"
	addq	$8, %rsp
	ret
	.size	annotated_wrong, .-annotated_wrong

# Only .init.text is exempt, not other init-ish sections.
	.section	.text.startup,"ax",@progbits
	.globl	startup_icall
	.type	startup_icall, @function
startup_icall:
	jmp	*%rdi				# want "^indirect jump found in RETPOLINE build \\[retpoline\\]"
	.size	startup_icall, .-startup_icall
	.text

# --- negative cases -------------------------------------------------------

# objtool case 11: ANNOTATE_RETPOLINE_SAFE (asm/nospec-branch.h), as the
# kernel spells it: label, .discard.retpoline_safe entry, then the insn.
	.globl	annotated_call
	.type	annotated_call, @function
annotated_call:
	subq	$8, %rsp
1:
	.pushsection .discard.retpoline_safe
	.quad	1b
	.popsection
	call	*%rdi
	addq	$8, %rsp
	ret
	.size	annotated_call, .-annotated_call

	.globl	annotated_jmp
	.type	annotated_jmp, @function
annotated_jmp:
999:
	.pushsection .discard.retpoline_safe
	.quad	999b
	.popsection
	jmp	*%rdi
	.size	annotated_jmp, .-annotated_jmp

# The 6.x spelling: .discard.annotate_insn, ANNOTYPE_RETPOLINE_SAFE (2).
	.globl	annotated_insn
	.type	annotated_insn, @function
annotated_insn:
	subq	$8, %rsp
.Lai_call:
	.pushsection .discard.annotate_insn, "M", @progbits, 8
	.long	.Lai_call - .
	.long	2
	.popsection
	call	*(%rdi)
	addq	$8, %rsp
	ret
	.size	annotated_insn, .-annotated_insn

# The label right on the instruction, entry emitted after it.
	.globl	annotated_after
	.type	annotated_after, @function
annotated_after:
.Laa_jmp:
	jmp	*%rsi
	.pushsection .discard.retpoline_safe
	.quad	.Laa_jmp
	.popsection
	.size	annotated_after, .-annotated_after

# Calls and jumps through the thunks, direct calls and jumps.
	.globl	via_thunk
	.type	via_thunk, @function
via_thunk:
	subq	$8, %rsp
	movq	%rdi, %rax
	call	__x86_indirect_thunk_rax
	call	ext_func
	addq	$8, %rsp
	jmp	__x86_indirect_thunk_r11
	.size	via_thunk, .-via_thunk

# The thunk body itself is exempt.
	.section	.text.__x86_indirect_thunk_rcx,"axG",@progbits,__x86_indirect_thunk_rcx,comdat
	.globl	__x86_indirect_thunk_rcx
	.type	__x86_indirect_thunk_rcx, @function
__x86_indirect_thunk_rcx:
	jmp	*%rcx
	int3
	.size	__x86_indirect_thunk_rcx, .-__x86_indirect_thunk_rcx

# .init.text is exempt.
	.section	.init.text,"ax",@progbits
	.globl	init_icall
	.type	init_icall, @function
init_icall:
	subq	$8, %rsp
	call	*%rdi
	addq	$8, %rsp
	jmp	*%rsi
	.size	init_icall, .-init_icall
