# check: --enable=rethunk
# rethunk: (--rethunk) a bare ret where every return should go through the
# return thunk. objtool (--retpoline --rethunk): "'naked' return found in
# RETHUNK build" (objtool-peer.md case 25).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 25: a plain ret.
	.globl	plain_ret
	.type	plain_ret, @function
plain_ret:
	movl	$1, %eax
	ret					# want "^'naked' return found in RETHUNK build \\[rethunk\\]"
	.size	plain_ret, .-plain_ret

# Every ret of a function is reported, and the retq spelling is a ret.
	.globl	two_rets
	.type	two_rets, @function
two_rets:
	testl	%edi, %edi
	je	.Ltr_zero
	movl	$1, %eax
	retq					# want "^'naked' return found in RETHUNK build \\[rethunk\\]"
.Ltr_zero:
	xorl	%eax, %eax
	ret					# want "^'naked' return found in RETHUNK build \\[rethunk\\]"
	.size	two_rets, .-two_rets

# ret $imm is a return too.
	.globl	ret_imm
	.type	ret_imm, @function
ret_imm:
	ret	$8				# want "^'naked' return found in RETHUNK build \\[rethunk\\]"
	.size	ret_imm, .-ret_imm

# --- negative cases -------------------------------------------------------

# The return thunk.
	.globl	thunk_ret
	.type	thunk_ret, @function
thunk_ret:
	movl	$1, %eax
	jmp	__x86_return_thunk
	.size	thunk_ret, .-thunk_ret

# ANNOTATE_UNRET_SAFE (the kernel's ANNOTATE_RETPOLINE_SAFE on a ret),
# with the label on the ret itself.
	.globl	unret_safe
	.type	unret_safe, @function
unret_safe:
.Lus_ret:
	ret
	.pushsection .discard.retpoline_safe
	.quad	.Lus_ret
	.popsection
	.size	unret_safe, .-unret_safe

# The kernel's spelling: label, entry, then the ret.
	.globl	unret_safe_kernel
	.type	unret_safe_kernel, @function
unret_safe_kernel:
1:
	.pushsection .discard.retpoline_safe
	.quad	1b
	.popsection
	ret
	int3
	.size	unret_safe_kernel, .-unret_safe_kernel

# The return thunk's own body.
	.section	.text.__x86_return_thunk,"axG",@progbits,__x86_return_thunk,comdat
	.globl	__x86_return_thunk
	.type	__x86_return_thunk, @function
__x86_return_thunk:
	ret
	int3
	.size	__x86_return_thunk, .-__x86_return_thunk
