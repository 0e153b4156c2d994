# walk(ops, n): a computed-goto loop written by hand for the dispatch
# tests. Its label set is .La, .Lb, .Lc (the table "tab"); op 3 jumps,
# through the same kind of thunk jump, to .Lout, whose address is computed
# at run time from an offset kept outside any table section, so no label
# set can know it: the site must take it through its fallback. walk_out
# names .Lout for the runtime's statistics (a plain label, no function).
	.text
	.p2align 4
	.globl	walk
	.type	walk, @function
walk:
	.cfi_startproc
	xorl	%eax, %eax
	leaq	tab(%rip), %rcx
	movslq	off_out(%rip), %r8
	addq	(%rcx), %r8
.Lnext:
	testq	%rsi, %rsi
	je	.Ldone
	decq	%rsi
	movzbl	(%rdi), %edx
	incq	%rdi
	cmpl	$3, %edx
	je	.Lviaout
	movq	(%rcx,%rdx,8), %rdx
	jmp	__x86_indirect_thunk_rdx
.Lviaout:
	movq	%r8, %rdx
	jmp	__x86_indirect_thunk_rdx
.La:
	addq	$1, %rax
	jmp	.Lnext
.Lb:
	addq	$10, %rax
	jmp	.Lnext
.Lc:
	addq	$100, %rax
	jmp	.Lnext
	.globl	walk_out
walk_out:
.Lout:
	addq	$1000, %rax
	jmp	.Lnext
.Ldone:
	ret
	.cfi_endproc
	.size	walk, .-walk
	.section	.data.rel.ro.local,"aw"
	.align 8
tab:
	.quad	.La
	.quad	.Lb
	.quad	.Lc
	.section	.optpoline_test_offsets,"a",@progbits
	.align 4
off_out:
	.long	.Lout - .La
	.section	.note.GNU-stack,"",@progbits
