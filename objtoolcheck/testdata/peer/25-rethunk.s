# Peer case 25: a plain ret in a return-thunk build (--rethunk alone prints
# nothing).
# objtool-flags: --retpoline --rethunk
# objtool-user: f+0x5: 'naked' return found in RETHUNK build
	.text
	.globl	f
	.type	f, @function
f:
	mov	$1, %eax
	ret		# want "\\[rethunk\\]"
	.size	f, .-f
