# A hand-written marked-up program in the layout of sites.md §2–4, for
# the verifier's own tests. main calls through three promoted sites: a
# register call with an outline block (site 0), a memory-operand call
# without one (--outline=0 shape, site 1) and, in tail_it, a tail call
# through a register with an outline block (site 2). The "# MUT:" comments
# mark lines that verify_test.go mutates; each copy must be rejected.
# {disp32} keeps gas from relaxing the outline block's je/jmp to rel8.
	.file	"hand.c"
	.text
	.p2align 4
	.globl	add1
	.type	add1, @function
add1:
	.cfi_startproc
	leaq	1(%rdi), %rax
	ret
	.cfi_endproc
	.size	add1, .-add1

	.p2align 4
	.globl	twice
	.type	twice, @function
twice:
	.cfi_startproc
	leaq	(%rdi,%rdi), %rax
	ret
	.cfi_endproc
	.size	twice, .-twice

# tail_it(fn, x): return fn(x), a tail site through %rax
	.p2align 4
	.globl	tail_it
	.type	tail_it, @function
tail_it:
	.cfi_startproc
	movq	%rdi, %rax
	movq	%rsi, %rdi
.Lopt_site_2:
	cmpq	.Lopt_slot_2(%rip), %rax
	je	.Lopt_hit_2
	jmp	optpoline.out.2
	.balign 4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_2:
	jmp	optpoline.jmp.rax		# MUT:tailhit
	.cfi_endproc
	.size	tail_it, .-tail_it

	.section	.rodata.str1.1,"aMS",@progbits,1
.LC0:
	.string	"%ld %ld %ld\n"
	.text
	.p2align 4
	.globl	main
	.type	main, @function
main:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -16
	subq	$16, %rsp
	.cfi_def_cfa_offset 32
	leaq	add1(%rip), %rax
	movl	$41, %edi
.Lopt_site_0:
	cmpq	.Lopt_slot_0(%rip), %rax	# MUT:cmpreg
	je	.Lopt_hit_0
	call	optpoline.out.0
	jmp	.Lopt_done_0
	.balign 4, 0xcc
	.byte	0xcc, 0xcc, 0xcc		# MUT:pad0
.Lopt_hit_0:
	call	optpoline.jmp.rax		# MUT:hit0
.Lopt_done_0:
	movq	%rax, %rbx
	movq	%rax, 8(%rsp)
	movl	$5, %edi
	movq	fptr(%rip), %r11		# MUT:mov1
.Lopt_site_1:
	cmpq	.Lopt_slot_1(%rip), %r11
	je	.Lopt_hit_1
	call	*%r11
	jmp	.Lopt_done_1
	.balign 4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_1:
	call	optpoline.jmp.r11
.Lopt_done_1:
	movq	%rax, %rdx
	movq	%rbx, %rsi
	movq	%rdx, (%rsp)
	leaq	twice(%rip), %rdi
	movl	$100, %esi
	call	tail_it
	movq	%rax, %rcx
	movq	8(%rsp), %rsi
	movq	(%rsp), %rdx
	leaq	.LC0(%rip), %rdi
	xorl	%eax, %eax
	call	printf@PLT
	addq	$16, %rsp
	.cfi_def_cfa_offset 16
	xorl	%eax, %eax
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	main, .-main

	.globl	fptr
	.data
	.align 8
	.type	fptr, @object
	.size	fptr, 8
fptr:
	.quad	twice

# Outline blocks and register stubs.
	.section	.text.optpoline,"ax",@progbits
	.p2align 4
	.type	optpoline.out.0, @function
optpoline.out.0:
	.cfi_startproc
	cmpq	.Lopt_oslot_0_0(%rip), %rax
	nopl	(%rax)				# MUT:onop
	{disp32} je	optpoline.jmp.rax
	cmpq	.Lopt_oslot_0_1(%rip), %rax
	nopl	(%rax)
	{disp32} je	optpoline.jmp.rax	# MUT:oje
	nopl	(%rax)
	{disp32} jmp	optpoline.jmp.rax
	.cfi_endproc
	.size	optpoline.out.0, .-optpoline.out.0

	.p2align 4
	.type	optpoline.out.2, @function
optpoline.out.2:
	.cfi_startproc
	cmpq	.Lopt_oslot_2_0(%rip), %rax
	nopl	(%rax)
	{disp32} je	optpoline.jmp.rax
	nopl	(%rax)
	{disp32} jmp	optpoline.jmp.rax
	.cfi_endproc
	.size	optpoline.out.2, .-optpoline.out.2

	.p2align 4
	.type	optpoline.jmp.rax, @function
optpoline.jmp.rax:
	.cfi_startproc
	jmp	*%rax
	.cfi_endproc
	.size	optpoline.jmp.rax, .-optpoline.jmp.rax

	.p2align 4
	.type	optpoline.jmp.r11, @function
optpoline.jmp.r11:
	.cfi_startproc
	jmp	*%r11
	.cfi_endproc
	.size	optpoline.jmp.r11, .-optpoline.jmp.r11

# Slots.
	.section	.data.optpoline,"aw",@progbits	# MUT:slotsec
	.balign 8
.Lopt_slot_0:
	.quad	0x8000000000000000		# MUT:slot0
	.section	.data.optpoline,"aw",@progbits
	.balign 8
.Lopt_slot_1:
	.quad	0x8000000000000000
.Lopt_slot_2:
	.quad	0x8000000000000000
.Lopt_oslot_0_0:
	.quad	0x8000000000000000
.Lopt_oslot_0_1:
	.quad	0x8000000000000000
.Lopt_oslot_2_0:
	.quad	0x8000000000000000

# The table: one fragment, three entries.
	.section	optpoline_sites,"a",@progbits
	.balign 8
	.long	0x5054504f
	.value	1, 24
	.long	3
	.long	.Lopt_name - .
	.long	.Lopt_site_0 - .
	.long	.Lopt_hit_0 - .			# MUT:call0
	.long	.Lopt_slot_0 - .
	.long	optpoline.out.0 - .
	.byte	0, 0, 2, 0			# MUT:ent0
	.long	0
	.long	.Lopt_site_1 - .
	.long	.Lopt_hit_1 - .
	.long	.Lopt_slot_1 - .
	.long	0
	.byte	11, 2, 0, 0			# MUT:ent1
	.long	1
	.long	.Lopt_site_2 - .
	.long	.Lopt_hit_2 - .
	.long	.Lopt_slot_2 - .
	.long	optpoline.out.2 - .
	.byte	0, 1, 1, 0			# MUT:ent2
	.long	0
	.section	.rodata.str1.1,"aMS",@progbits,1
.Lopt_name:
	.string	"hand.c"
	.ident	"hand-written"
	.section	.note.GNU-stack,"",@progbits
