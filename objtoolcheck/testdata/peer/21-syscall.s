# Peer case 21: syscall in a callable function.
# objtool-flags: --orc
# objtool-user: my_write+0x5: unsupported instruction in callable function
	.text
	.globl	my_write
	.type	my_write, @function
my_write:
	mov	$1, %eax
	syscall		# want "\\[unsupported\\]"
	ret
	.size	my_write, .-my_write
