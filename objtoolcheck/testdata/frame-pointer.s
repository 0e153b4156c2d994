# check: --enable=frame-pointer
# frame-pointer: (objtool --stackval) a call made before
# "push %rbp; mov %rsp,%rbp", and %rbp used as a scratch register in a
# function that saved it. objtool: "call without frame pointer save/setup"
# (objtool-peer.md case 12), "BP used as a scratch register" (case 28).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 12: a call with no frame at all.
	.globl	no_frame
	.type	no_frame, @function
no_frame:
	subq	$8, %rsp
	call	ext_func			# want "call without frame pointer save/setup \\(cfa=rsp\\+16\\) \\[frame-pointer\\]"
	addq	$8, %rsp
	ret
	.size	no_frame, .-no_frame

# %rbp saved but not made the frame pointer.
	.globl	push_only
	.type	push_only, @function
push_only:
	pushq	%rbp
	call	ext_func			# want "call without frame pointer save/setup \\(cfa=rsp\\+16\\) \\[frame-pointer\\]"
	popq	%rbp
	ret
	.size	push_only, .-push_only

# A call before the prologue (only the first one is reported).
	.globl	call_first
	.type	call_first, @function
call_first:
	pushq	%rbx
	call	ext_func			# want "call without frame pointer save/setup.*\\[frame-pointer\\]"
	pushq	%rbp
	movq	%rsp, %rbp
	call	ext_func
	popq	%rbp
	popq	%rbx
	ret
	.size	call_first, .-call_first

# objtool case 28: %rbp saved, then used as data. objtool's validate_return
# reports it at the ret ("BP used as a scratch register").
	.globl	bp_scratch
	.type	bp_scratch, @function
bp_scratch:
	pushq	%rbp
	movq	%rdi, %rbp
	addq	$1, %rbp
	movq	%rbp, %rax
	popq	%rbp
	ret					# want "^BP used as a scratch register \\(line 51\\) \\[frame-pointer\\]"
	.size	bp_scratch, .-bp_scratch

# --- negative cases -------------------------------------------------------

# The standard prologue.
	.globl	with_frame
	.type	with_frame, @function
with_frame:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	call	ext_func
	movq	-8(%rbp), %rbx
	leave
	ret
	.size	with_frame, .-with_frame

# A leaf needs no frame; nor does a tail call.
	.globl	leaf_tail
	.type	leaf_tail, @function
leaf_tail:
	testl	%edi, %edi
	je	.Llt_tail
	leal	1(%rdi), %eax
	ret
.Llt_tail:
	jmp	ext_func
	.size	leaf_tail, .-leaf_tail

# Shrink-wrapped: the frame is set up only on the path that calls.
	.globl	fp_shrink
	.type	fp_shrink, @function
fp_shrink:
	testl	%edi, %edi
	je	.Lfs_out
	pushq	%rbp
	movq	%rsp, %rbp
	call	ext_func
	popq	%rbp
.Lfs_out:
	ret
	.size	fp_shrink, .-fp_shrink

# gcc's DRAP frame (aligned local + alloca + variadic): %rbp is the frame
# pointer once "push %rbp; mov %rsp,%rbp" runs, though the CFA lives in
# %r10. objtool's has_valid_stack_frame accepts drap && %rbp saved.
	.globl	drap_frame
	.type	drap_frame, @function
drap_frame:
	leaq	8(%rsp), %r10
	andq	$-64, %rsp
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r10
	subq	$104, %rsp
	leaq	-112(%rbp), %rdi
	call	ext_func
	movq	-8(%rbp), %r10
	leave
	leaq	-8(%r10), %rsp
	ret
	.size	drap_frame, .-drap_frame
