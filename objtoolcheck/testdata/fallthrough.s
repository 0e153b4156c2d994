# check: --noreturn=die
# fallthrough: a path reaches the end of a function without a ret, a jmp
# or a call to a noreturn function. Reported on the function's last
# instruction. objtool: "a() falls through to next function b()" (case 07),
# "unexpected end of section" (case 29).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 07: a has no ret, b follows.
	.globl	a
	.type	a, @function
a:
	movl	$1, %eax			# want "^a\\(\\) falls through to next function b\\(\\) \\[fallthrough\\]"
	.size	a, .-a

	.globl	b
	.type	b, @function
b:
	ret
	.size	b, .-b

# The last instruction is a call to a function not known to be noreturn
# (here "fatal"; --noreturn=die names only "die").
	.globl	calls_fatal
	.type	calls_fatal, @function
calls_fatal:
	subq	$8, %rsp
	call	fatal				# want "^calls_fatal\\(\\) falls through to next function cond_last\\(\\) \\[fallthrough\\]"
	.size	calls_fatal, .-calls_fatal

# The last instruction is a conditional jump: its fall-through path runs off.
	.globl	cond_last
	.type	cond_last, @function
cond_last:
	xorl	%eax, %eax
.Lcl_loop:
	addl	%edi, %eax
	decl	%edi
	jne	.Lcl_loop			# want "^cond_last\\(\\) falls through to next function ok_ret\\(\\) \\[fallthrough\\]"
	.size	cond_last, .-cond_last

# --- negative cases -------------------------------------------------------

	.globl	ok_ret
	.type	ok_ret, @function
ok_ret:
	ret
	.size	ok_ret, .-ok_ret

# Ends in a call to a built-in noreturn function.
	.globl	ends_abort
	.type	ends_abort, @function
ends_abort:
	subq	$8, %rsp
	call	abort
	.size	ends_abort, .-ends_abort

# Ends in a call to a function named by --noreturn.
	.globl	ends_die
	.type	ends_die, @function
ends_die:
	subq	$8, %rsp
	call	die
	.size	ends_die, .-ends_die

# Ends in __stack_chk_fail (objtool case 14), after a PLT suffix.
	.globl	ends_chk
	.type	ends_chk, @function
ends_chk:
	subq	$8, %rsp
	call	__stack_chk_fail@PLT
	.size	ends_chk, .-ends_chk

# A function of this file that never returns (objtool case 41), and a
# function ending in a call to it.
	.type	spin_forever, @function
spin_forever:
	pause
	jmp	spin_forever
	.size	spin_forever, .-spin_forever

	.globl	ends_local_noreturn
	.type	ends_local_noreturn, @function
ends_local_noreturn:
	subq	$8, %rsp
	call	spin_forever
	.size	ends_local_noreturn, .-ends_local_noreturn

# Ends in ud2, in a tail call, in the return thunk, and in ret + padding.
	.globl	ends_ud2
	.type	ends_ud2, @function
ends_ud2:
	ud2
	.size	ends_ud2, .-ends_ud2

	.globl	ends_tail
	.type	ends_tail, @function
ends_tail:
	jmp	ext_func
	.size	ends_tail, .-ends_tail

	.globl	ends_thunk
	.type	ends_thunk, @function
ends_thunk:
	jmp	__x86_return_thunk
	.size	ends_thunk, .-ends_thunk

	.globl	ends_padded
	.type	ends_padded, @function
ends_padded:
	ret
	int3
	.p2align 4
	.size	ends_padded, .-ends_padded

# --- positive: the last function of a section runs off its end -----------
# (objtool case 29: "unexpected end of section").
	.section	.text.other,"ax",@progbits
	.globl	off_the_end
	.type	off_the_end, @function
off_the_end:
	addl	$1, %edi
	movl	%edi, %eax			# want "^off_the_end\\(\\) falls through to the end of section \\.text\\.other \\[fallthrough\\]"
	.size	off_the_end, .-off_the_end
