# stack-ret: a ret (or a jmp to the return thunk, which is a return) reached
# with the CFA not at rsp+8 or with a callee-saved register not given back.
# objtool: "return with modified stack frame" (objtool-peer.md case 03).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 03: push, no pop, ret.
	.globl	push_no_pop
	.type	push_no_pop, @function
push_no_pop:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rbx, %rax
	ret					# want "return with modified stack frame \\(cfa=rsp\\+16, expected rsp\\+8; %rbx saved at cfa-16 not restored\\) \\[stack-ret\\]"
	.size	push_no_pop, .-push_no_pop

# A stack adjustment that is not undone.
	.globl	sub_no_add
	.type	sub_no_add, @function
sub_no_add:
	subq	$24, %rsp
	movq	%rdi, (%rsp)
	movq	(%rsp), %rax
	ret					# want "return with modified stack frame \\(cfa=rsp\\+32, expected rsp\\+8\\) \\[stack-ret\\]"
	.size	sub_no_add, .-sub_no_add

# The CFA is right, but %rbx is popped into the wrong register: the caller
# gets its %rbx clobbered.
	.globl	pop_wrong_reg
	.type	pop_wrong_reg, @function
pop_wrong_reg:
	pushq	%rbx
	movl	$1, %ebx
	popq	%rax
	ret					# want "return with modified stack frame \\(%rbx saved at cfa-16 not restored\\) \\[stack-ret\\]"
	.size	pop_wrong_reg, .-pop_wrong_reg

# Pops in the wrong order: %rbx and %rbp are swapped.
	.globl	pop_swapped
	.type	pop_swapped, @function
pop_swapped:
	pushq	%rbx
	pushq	%rbp
	movq	%rdi, %rbx
	popq	%rbx
	popq	%rbp
	ret					# want "return with modified stack frame.*%rbx saved at cfa-16 not restored.*\\[stack-ret\\]"
	.size	pop_swapped, .-pop_swapped

# Shrink-wrapping gone wrong: the early return on one path forgets the pop.
	.globl	early_ret_no_pop
	.type	early_ret_no_pop, @function
early_ret_no_pop:
	pushq	%rbx
	movq	%rdi, %rbx
	testq	%rdi, %rdi
	je	.Lern_out
	movq	%rbx, %rax
	popq	%rbx
	ret
.Lern_out:
	xorl	%eax, %eax
	ret					# want "return with modified stack frame.*\\[stack-ret\\]"
	.size	early_ret_no_pop, .-early_ret_no_pop

# A jmp to the return thunk is a return: the same rule applies.
	.globl	thunk_ret_modified
	.type	thunk_ret_modified, @function
thunk_ret_modified:
	pushq	%r12
	movq	%rdi, %r12
	movq	%r12, %rax
	jmp	__x86_return_thunk		# want "return with modified stack frame.*%r12.*\\[stack-ret\\]"
	.size	thunk_ret_modified, .-thunk_ret_modified

# Frame pointer set up, then the epilogue pops %rbp without first restoring
# %rsp: the locals are still on the stack.
	.globl	fp_no_restore
	.type	fp_no_restore, @function
fp_no_restore:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movq	%rdi, -8(%rbp)
	movq	-8(%rbp), %rax
	popq	%rbp
	ret					# want "return with modified stack frame.*\\[stack-ret\\]"
	.size	fp_no_restore, .-fp_no_restore

# --- negative cases: none of these may be flagged --------------------------

# A leaf.
	.globl	leaf
	.type	leaf, @function
leaf:
	leal	1(%rdi), %eax
	ret
	.size	leaf, .-leaf

# Balanced push/pop around a call.
	.globl	push_pop
	.type	push_pop, @function
push_pop:
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx
	call	ext_func
	addq	%rbx, %rax
	popq	%r12
	popq	%rbx
	ret
	.size	push_pop, .-push_pop

# Frame-pointer prologue, locals, leave.
	.globl	fp_leave
	.type	fp_leave, @function
fp_leave:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$32, %rsp
	movq	%rdi, -8(%rbp)
	leaq	-32(%rbp), %rdi
	call	ext_func
	leave
	ret
	.size	fp_leave, .-fp_leave

# Frame-pointer epilogue spelled out: mov %rbp,%rsp; pop %rbp.
	.globl	fp_mov_pop
	.type	fp_mov_pop, @function
fp_mov_pop:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$24, %rsp
	movq	%rdi, %rbx
	call	ext_func
	movq	-8(%rbp), %rbx
	movq	%rbp, %rsp
	popq	%rbp
	ret
	.size	fp_mov_pop, .-fp_mov_pop

# Shrink-wrapped: the early return happens before anything is saved.
	.globl	shrink_wrapped
	.type	shrink_wrapped, @function
shrink_wrapped:
	testq	%rdi, %rdi
	je	.Lsw_out
	pushq	%rbx
	movq	%rdi, %rbx
	call	ext_func
	addq	%rbx, %rax
	popq	%rbx
	ret
.Lsw_out:
	xorl	%eax, %eax
	ret
	.size	shrink_wrapped, .-shrink_wrapped

# Both paths restore before joining at a shared ret.
	.globl	shared_ret
	.type	shared_ret, @function
shared_ret:
	pushq	%rbx
	testq	%rdi, %rdi
	jne	.Lsr_else
	movl	$1, %ebx
	popq	%rbx
	jmp	.Lsr_out
.Lsr_else:
	movl	$2, %ebx
	popq	%rbx
.Lsr_out:
	ret
	.size	shared_ret, .-shared_ret

# sub/add, lea on %rsp, pushf/popf, push imm (objtool case 38).
	.globl	adjust_back
	.type	adjust_back, @function
adjust_back:
	subq	$40, %rsp
	movq	%rdi, 8(%rsp)
	call	ext_func
	addq	$40, %rsp
	pushfq
	popfq
	pushq	$0
	leaq	8(%rsp), %rsp
	ret
	.size	adjust_back, .-adjust_back

# The return thunk as return, with the frame restored.
	.globl	thunk_ret
	.type	thunk_ret, @function
thunk_ret:
	pushq	%rbx
	movq	%rdi, %rbx
	call	ext_func
	addq	%rbx, %rax
	popq	%rbx
	jmp	__x86_return_thunk
	.size	thunk_ret, .-thunk_ret

# A callee-saved register is spilled to a slot and reloaded from it.
	.globl	spill_reload
	.type	spill_reload, @function
spill_reload:
	subq	$24, %rsp
	movq	%rbx, 8(%rsp)
	movq	%rdi, %rbx
	call	ext_func
	addq	%rbx, %rax
	movq	8(%rsp), %rbx
	addq	$24, %rsp
	ret
	.size	spill_reload, .-spill_reload
