# stack-undefined: a stack operation, a ret or a tail call after %rsp was
# loaded from something the analysis cannot follow, so the CFA is unknown.
# objtool: "undefined stack state" (objtool-peer.md case 19).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 19: mov %rdi,%rsp; push.
	.globl	switch_stack_push
	.type	switch_stack_push, @function
switch_stack_push:
	movq	%rdi, %rsp
	pushq	%rax				# want "undefined stack state at pushq \\[stack-undefined\\]"
	popq	%rax
	ret
	.size	switch_stack_push, .-switch_stack_push

# A variable %rsp adjustment without a frame pointer, then a pop.
	.globl	var_sub_pop
	.type	var_sub_pop, @function
var_sub_pop:
	pushq	%rbx
	subq	%rdi, %rsp
	movq	%rsp, %rax
	popq	%rbx				# want "undefined stack state at popq \\[stack-undefined\\]"
	ret
	.size	var_sub_pop, .-var_sub_pop

# A return with the CFA unknown.
	.globl	switch_stack_ret
	.type	switch_stack_ret, @function
switch_stack_ret:
	movq	(%rdi), %rsp
	ret					# want "return with undefined stack state \\[stack-undefined\\]"
	.size	switch_stack_ret, .-switch_stack_ret

# A tail call with the CFA unknown.
	.globl	switch_stack_tail
	.type	switch_stack_tail, @function
switch_stack_tail:
	leaq	(%rdi,%rsi), %rsp
	jmp	ext_func			# want "sibling call with undefined stack state \\[stack-undefined\\]"
	.size	switch_stack_tail, .-switch_stack_tail

# --- negative cases -------------------------------------------------------

# objtool case 34: a frame pointer, then a variable-size allocation (alloca,
# a VLA): the CFA is %rbp-based, so %rsp may go anywhere; leave restores it.
	.globl	fp_vla
	.type	fp_vla, @function
fp_vla:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	%rdi, %rsp
	andq	$-16, %rsp
	movq	%rsp, %rdi
	call	ext_func
	leave
	ret
	.size	fp_vla, .-fp_vla

# Reading %rsp, comparing and testing it, and using it as a base register
# do not change it.
	.globl	rsp_reads
	.type	rsp_reads, @function
rsp_reads:
	subq	$24, %rsp
	movq	%rsp, %rax
	cmpq	%rdi, %rsp
	testq	$15, %rsp
	leaq	8(%rsp), %rdx
	movq	%rdi, 16(%rsp)
	addq	$24, %rsp
	ret
	.size	rsp_reads, .-rsp_reads

# lea with a constant displacement on %rsp is tracked.
	.globl	lea_rsp
	.type	lea_rsp, @function
lea_rsp:
	leaq	-40(%rsp), %rsp
	movq	%rdi, (%rsp)
	call	ext_func
	leaq	40(%rsp), %rsp
	ret
	.size	lea_rsp, .-lea_rsp

# A copy of %rsp kept in a register and put back.
	.globl	rsp_copy
	.type	rsp_copy, @function
rsp_copy:
	pushq	%rbx
	movq	%rsp, %rbx
	subq	$64, %rsp
	movq	%rdi, (%rsp)
	call	ext_func
	movq	%rbx, %rsp
	popq	%rbx
	ret
	.size	rsp_copy, .-rsp_copy
