# stack-sibling: a tail call (jmp to another function, or an indirect jmp
# that does not dispatch inside the function) with a modified frame.
# objtool: "sibling call from callable instruction with modified stack
# frame" (objtool-peer.md case 18).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 18: push, then jmp to an external function.
	.globl	push_tail
	.type	push_tail, @function
push_tail:
	pushq	%rbx
	jmp	ext_func			# want "sibling call from callable instruction with modified stack frame \\(cfa=rsp\\+16, expected rsp\\+8; %rbx saved at cfa-16 not restored\\) \\[stack-sibling\\]"
	.size	push_tail, .-push_tail

# An indirect tail call with locals still allocated.
	.globl	sub_tail_indirect
	.type	sub_tail_indirect, @function
sub_tail_indirect:
	subq	$8, %rsp
	movq	%rdi, %rax
	jmp	*%rax				# want "sibling call from callable instruction with modified stack frame \\(cfa=rsp\\+16, expected rsp\\+8\\) \\[stack-sibling\\]"
	.size	sub_tail_indirect, .-sub_tail_indirect

# A tail call to a function of this file, with the frame pointer still set.
	.globl	fp_tail_local
	.type	fp_tail_local, @function
fp_tail_local:
	pushq	%rbp
	movq	%rsp, %rbp
	jmp	push_tail			# want "sibling call from callable instruction with modified stack frame.*\\[stack-sibling\\]"
	.size	fp_tail_local, .-fp_tail_local

# A tail call through the retpoline thunk.
	.globl	push_tail_thunk
	.type	push_tail_thunk, @function
push_tail_thunk:
	pushq	%r12
	movq	%rdi, %rax
	jmp	__x86_indirect_thunk_rax	# want "sibling call from callable instruction with modified stack frame.*%r12.*\\[stack-sibling\\]"
	.size	push_tail_thunk, .-push_tail_thunk

# A conditional tail call (clang emits "jne foo # TAILCALL") with a
# modified frame: objtool's validate_branch treats a jcc out of the
# function as a sibling call too.
	.globl	push_cond_tail
	.type	push_cond_tail, @function
push_cond_tail:
	pushq	%rbx
	testl	%edi, %edi
	jne	ext_func			# want "sibling call from callable instruction with modified stack frame.*\\[stack-sibling\\]"
	popq	%rbx
	ret
	.size	push_cond_tail, .-push_cond_tail

# --- negative cases -------------------------------------------------------

# Frame restored before the tail call.
	.globl	pop_tail
	.type	pop_tail, @function
pop_tail:
	pushq	%rbx
	movq	%rdi, %rbx
	call	ext_func
	movq	%rbx, %rdi
	popq	%rbx
	jmp	ext_func
	.size	pop_tail, .-pop_tail

# leave, then an indirect tail call and a PLT tail call on another path.
	.globl	leave_tail
	.type	leave_tail, @function
leave_tail:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movq	%rdi, -8(%rbp)
	call	ext_func
	testq	%rax, %rax
	je	.Llt_plt
	movq	-8(%rbp), %rax
	leave
	jmp	*%rax
.Llt_plt:
	leave
	jmp	ext_func@PLT
	.size	leave_tail, .-leave_tail

# A jmp to a label of the function with a modified frame is not a tail
# call.
	.globl	jmp_inside
	.type	jmp_inside, @function
jmp_inside:
	pushq	%rbx
	testl	%edi, %edi
	jne	.Lji_b
	movl	$1, %ebx
	jmp	.Lji_out
.Lji_b:
	movl	$2, %ebx
.Lji_out:
	movl	%ebx, %eax
	popq	%rbx
	ret
	.size	jmp_inside, .-jmp_inside

# A jump-table dispatch with %rbx pushed is not a tail call.
	.globl	switch_pushed
	.type	switch_pushed, @function
switch_pushed:
	pushq	%rbx
	movl	%edi, %ebx
	cmpl	$1, %edi
	ja	.Lsp_default
	movl	%edi, %eax
	jmp	*.Lsp_table(,%rax,8)
	.section	.rodata
	.align 8
.Lsp_table:
	.quad	.Lsp_0
	.quad	.Lsp_default
	.text
.Lsp_0:
	movl	$7, %ebx
.Lsp_default:
	movl	%ebx, %eax
	popq	%rbx
	ret
	.size	switch_pushed, .-switch_pushed

# gcc's cold part: jumping into f.cold with the frame pushed is the same
# function, not a tail call.
	.globl	with_cold
	.type	with_cold, @function
with_cold:
	pushq	%rbx
	movl	%edi, %ebx
	testl	%edi, %edi
	je	.Lwc_bad
	movl	%ebx, %eax
	popq	%rbx
	ret
.Lwc_bad:
	jmp	with_cold.cold
	.section	.text.unlikely,"ax",@progbits
	.type	with_cold.cold, @function
with_cold.cold:
	movl	%ebx, %edi
	call	abort
	.text
	.size	with_cold, .-with_cold
	.section	.text.unlikely
	.size	with_cold.cold, .-with_cold.cold
	.text
