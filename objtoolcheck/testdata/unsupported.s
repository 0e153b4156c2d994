# unsupported: syscall, sysenter, sysret, sysexit, lret or a far jmp inside
# a function typed @function. objtool: "unsupported instruction in callable
# function" (objtool-peer.md case 21).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 21: a user-space syscall wrapper typed @function.
	.globl	my_write
	.type	my_write, @function
my_write:
	movl	$1, %eax
	syscall					# want "^unsupported instruction in callable function \\(syscall\\) \\[unsupported\\]"
	ret
	.size	my_write, .-my_write

# Every one of them in a function is reported. sysexit/sysret never fall
# through (they go to user mode), so sys_ops does not run into far_ops.
	.globl	sys_ops
	.type	sys_ops, @function
sys_ops:
	testl	%edi, %edi
	je	.Lso_exit
	sysenter				# want "^unsupported instruction in callable function \\(sysenter\\) \\[unsupported\\]"
	sysretq					# want "^unsupported instruction in callable function \\(sysretq\\) \\[unsupported\\]"
.Lso_exit:
	sysexitq				# want "^unsupported instruction in callable function \\(sysexitq\\) \\[unsupported\\]"
	.size	sys_ops, .-sys_ops

# A far return and a far jmp.
	.globl	far_ops
	.type	far_ops, @function
far_ops:
	testl	%edi, %edi
	je	.Lfo_ret
	ljmp	*(%rsi)				# want "^unsupported instruction in callable function \\(ljmp\\) \\[unsupported\\]"
.Lfo_ret:
	lretq					# want "^unsupported instruction in callable function \\(lretq\\) \\[unsupported\\]"
	.size	far_ops, .-far_ops

# --- negative cases -------------------------------------------------------

# objtool case 37: int $0x80 and hlt are fine.
	.globl	int80
	.type	int80, @function
int80:
	movl	$4, %eax
	int	$0x80
	hlt
	ret
	.size	int80, .-int80

# A syscall stub outside any function (no .type) is not callable code.
raw_syscall:
	movq	%rdi, %rax	# want "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	syscall
	ret

# A syscall that no path reaches is left to the unreachable check; here it
# is padding-free dead code after a noreturn call, which is exempt.
	.globl	dead_syscall
	.type	dead_syscall, @function
dead_syscall:
	subq	$8, %rsp
	call	exit
	syscall
	.size	dead_syscall, .-dead_syscall
