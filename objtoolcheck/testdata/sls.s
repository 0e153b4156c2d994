# check: --enable=sls
# sls: (--sls) a ret or an indirect jmp not followed by int3 (straight-line
# speculation). objtool: "missing int3 after ret", "missing int3 after
# indirect jump" (objtool-peer.md case 24).

	.text

# --- positive cases -------------------------------------------------------

# objtool case 24: ret, then the next function.
	.globl	ret_no_int3
	.type	ret_no_int3, @function
ret_no_int3:
	movl	$1, %eax
	ret					# want "^missing int3 after ret \\[sls\\]"
	.size	ret_no_int3, .-ret_no_int3

# An indirect jmp followed by other code.
	.globl	ijmp_no_int3
	.type	ijmp_no_int3, @function
ijmp_no_int3:
	testq	%rdi, %rdi
	je	.Lij_null
	jmp	*%rdi				# want "^missing int3 after indirect jump \\[sls\\]"
.Lij_null:
	xorl	%eax, %eax
	ret
	int3
	.size	ijmp_no_int3, .-ijmp_no_int3

# An early ret followed by a label and code (gcc -mharden-sls=all puts an
# int3 there too).
	.globl	early_ret
	.type	early_ret, @function
early_ret:
	testl	%edi, %edi
	jne	.Ler_nz
	ret					# want "^missing int3 after ret \\[sls\\]"
.Ler_nz:
	movl	$1, %eax
	ret
	int3
	.size	early_ret, .-early_ret

# ret followed by a nop, not an int3.
	.globl	ret_nop
	.type	ret_nop, @function
ret_nop:
	ret					# want "^missing int3 after ret \\[sls\\]"
	nop
	.size	ret_nop, .-ret_nop

# --- negative cases -------------------------------------------------------

	.globl	ret_int3
	.type	ret_int3, @function
ret_int3:
	movl	$1, %eax
	ret
	int3
	.size	ret_int3, .-ret_int3

# int3 after the jmp, a label between ret and int3, direct jumps and
# indirect calls need none.
	.globl	all_padded
	.type	all_padded, @function
all_padded:
	subq	$8, %rsp
	call	*%rsi
	addq	$8, %rsp
	testl	%edi, %edi
	je	.Lap_b
	jmp	*%rdi
	int3
.Lap_b:
	testl	%eax, %eax
	jne	.Lap_c
	ret
.Lap_pad:
	int3
.Lap_c:
	jmp	ext_func
	.size	all_padded, .-all_padded

# The last function of the file, with its int3.
	.globl	last
	.type	last, @function
last:
	ret
	int3
	.size	last, .-last

# An annotation between ret and its int3 (the kernel's ANNOTATE_* macros put
# .pushsection blocks there): the int3 still follows the ret.
	.globl	annotated_ret
	.type	annotated_ret, @function
annotated_ret:
	movl	$2, %eax
	ret
	.pushsection .discard.annotate_insn,"M",@progbits,8
	.long	.
	.long	1
	.popsection
	int3
	.size	annotated_ret, .-annotated_ret
