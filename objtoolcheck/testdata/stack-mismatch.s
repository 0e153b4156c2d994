# stack-mismatch: two paths reach one instruction with different stack
# states. Reported at the join: the label (or instruction) where the second
# path arrives. cfa1 is the state recorded first, cfa2 the incoming one.
# objtool: "stack state mismatch: cfa1=4+8 cfa2=4+16" (objtool-peer.md case 04).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 04: a push on one path only, then a join.
	.globl	push_one_path
	.type	push_one_path, @function
push_one_path:
	testl	%edi, %edi
	je	.Lpop_join
	pushq	%rbx
.Lpop_join:					# want "stack state mismatch: cfa1=rsp\\+8 cfa2=rsp\\+16 \\[stack-mismatch\\]"
	movl	%edi, %eax
	ret
	.size	push_one_path, .-push_one_path

# objtool case 42: a BP-based CFA on one path only.
	.globl	bp_one_path
	.type	bp_one_path, @function
bp_one_path:
	pushq	%rbp
	testl	%edi, %edi
	je	.Lbp_join
	movq	%rsp, %rbp
.Lbp_join:					# want "stack state mismatch: cfa1=rsp\\+16 cfa2=rbp\\+16 \\[stack-mismatch\\]"
	popq	%rbp
	ret
	.size	bp_one_path, .-bp_one_path

# objtool case 30: same CFA, but one path saved %rbx and the other %rax.
# objtool walks the branch target first: reg1 (recorded first) is the
# jumped-to path's (%rbx unsaved), reg2 the fall-through path's.
	.globl	saved_differs
	.type	saved_differs, @function
saved_differs:
	testl	%edi, %edi
	je	.Lsd_else
	pushq	%rbx
	jmp	.Lsd_join
.Lsd_else:
	pushq	%rax
.Lsd_join:					# want "stack state mismatch: %rbx: reg1=unsaved reg2=cfa-16 \\[stack-mismatch\\]"
	addq	$8, %rsp
	ret
	.size	saved_differs, .-saved_differs

# A loop whose body pushes without popping: the back edge brings rsp+16
# to a head the entry reached with rsp+8.
	.globl	loop_push
	.type	loop_push, @function
loop_push:
	movl	%edi, %ecx
.Llp_head:					# want "stack state mismatch: cfa1=rsp\\+8 cfa2=rsp\\+16 \\[stack-mismatch\\]"
	pushq	%rcx
	decl	%ecx
	jne	.Llp_head
	addq	$8, %rsp
	ret
	.size	loop_push, .-loop_push

# Different sub amounts on the two arms of an if. As above, the jumped-to
# arm (.Lsub_b, rsp+40) is walked first.
	.globl	sub_differs
	.type	sub_differs, @function
sub_differs:
	testl	%edi, %edi
	jne	.Lsub_b
	subq	$16, %rsp
	jmp	.Lsub_join
.Lsub_b:
	subq	$32, %rsp
.Lsub_join:					# want "stack state mismatch: cfa1=rsp\\+40 cfa2=rsp\\+24 \\[stack-mismatch\\]"
	movq	%rdi, (%rsp)
	addq	$16, %rsp
	ret
	.size	sub_differs, .-sub_differs

# --- negative cases -------------------------------------------------------

# if/else, each arm balanced.
	.globl	arms_balanced
	.type	arms_balanced, @function
arms_balanced:
	testl	%edi, %edi
	je	.Lab_else
	pushq	%rbx
	movl	%edi, %ebx
	call	ext_func
	popq	%rbx
	jmp	.Lab_join
.Lab_else:
	subq	$8, %rsp
	call	ext_func
	addq	$8, %rsp
.Lab_join:
	ret
	.size	arms_balanced, .-arms_balanced

# Both arms save the same register at the same place.
	.globl	arms_same_save
	.type	arms_same_save, @function
arms_same_save:
	testl	%edi, %edi
	je	.Lass_else
	pushq	%rbx
	movl	$1, %ebx
	jmp	.Lass_join
.Lass_else:
	pushq	%rbx
	movl	$2, %ebx
.Lass_join:
	movl	%ebx, %eax
	popq	%rbx
	ret
	.size	arms_same_save, .-arms_same_save

# gcc -Os: push %rax to align the stack before a noreturn call; that path
# never reaches the join (objtool-peer.md §4: stock objtool gets this wrong
# without the user-space noreturn list).
	.globl	assert_path
	.type	assert_path, @function
assert_path:
	testl	%edi, %edi
	jne	.Lap_ok
	pushq	%rax
	movl	$0, %edi
	call	__assert_fail
.Lap_ok:
	movl	%edi, %eax
	ret
	.size	assert_path, .-assert_path

# A loop with a balanced body.
	.globl	loop_balanced
	.type	loop_balanced, @function
loop_balanced:
	pushq	%rbx
	movl	%edi, %ebx
	.p2align 4
.Llb_head:
	pushq	%rbx
	call	ext_func
	popq	%rbx
	decl	%ebx
	jne	.Llb_head
	popq	%rbx
	ret
	.size	loop_balanced, .-loop_balanced

# A jump table: every case starts with the dispatcher's state.
	.globl	switch_same
	.type	switch_same, @function
switch_same:
	pushq	%rbx
	movl	%edi, %ebx
	cmpl	$2, %edi
	ja	.Lss_default
	movl	%edi, %eax
	jmp	*.Lss_table(,%rax,8)
	.section	.rodata
	.align 8
.Lss_table:
	.quad	.Lss_0
	.quad	.Lss_1
	.quad	.Lss_default
	.text
.Lss_0:
	movl	$10, %eax
	jmp	.Lss_out
.Lss_1:
	movl	$11, %eax
	jmp	.Lss_out
.Lss_default:
	xorl	%eax, %eax
.Lss_out:
	popq	%rbx
	ret
	.size	switch_same, .-switch_same
