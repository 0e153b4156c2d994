# Peer case 54: ANNOTATE_UNREACHABLE after a call nobody knows never
# returns (the kernel's unreachable() after asm that does not come back):
# .discard.unreachable names the label after it, so the call is a dead end
# and nothing falls through. The second function calls panic (noreturn)
# but its .discard.reachable says it comes back.
# objtool-flags: --orc
	.text
	.globl	f
	.type	f, @function
f:
	subq	$8, %rsp
	call	stop_machine_somehow
1:
	.pushsection .discard.unreachable
	.long 1b - .
	.popsection
	.size	f, .-f
	.globl	g
	.type	g, @function
g:
	subq	$8, %rsp
	call	panic
2:
	.pushsection .discard.reachable
	.long 2b - .
	.popsection
	addq	$8, %rsp
	ret
	.size	g, .-g
