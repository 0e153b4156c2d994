# site: statically promoted sites (flag STATIC 0x10, from "optpoline markup
# --profile"): their slots hold targets instead of the sentinel, their
# outline blocks only the profiled entries. Generated from a gcc -O2 file
# with --outline=2 and a profile; the last slot (site 3, not static) was
# changed by hand from the sentinel to a target.
	.file	"t.c"
	.text
	.p2align 4
	.type	a, @function
a:
	leaq	1(%rdi), %rax
	ret
	.size	a, .-a
	.p2align 4
	.type	b, @function
b:
	leaq	(%rdi,%rdi), %rax
	ret
	.size	b, .-b
	.p2align 4
	.globl	run
	.type	run, @function
run:
	movslq	%edi, %rax
	leaq	tab(%rip), %rdx
	subq	$8, %rsp
	movq	%rsi, %rdi
	# optpoline site 0: call	*(%rdx,%rax,8)
	movq	(%rdx,%rax,8), %r11
.Lopt_site_0:
	cmpq	.Lopt_slot_0(%rip), %r11
	je	.Lopt_hit_0
	call	optpoline.out.0
	jmp	.Lopt_done_0
.Lopt_pad_0:
	.balign	4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_0:
	call	b
.Lopt_done_0:
	addq	$8, %rsp
	addq	$1, %rax
	ret
	.size	run, .-run
	.p2align 4
	.globl	one
	.type	one, @function
one:
	subq	$8, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	# optpoline site 1: call	*%rax
.Lopt_site_1:
	cmpq	.Lopt_slot_1(%rip), %rax
	je	.Lopt_hit_1
	call	*%rax
	jmp	.Lopt_done_1
.Lopt_pad_1:
	.balign	4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_1:
	call	a
.Lopt_done_1:
	addq	$8, %rsp
	leaq	(%rax,%rax,2), %rax
	ret
	.size	one, .-one
	.p2align 4
	.globl	changed
	.type	changed, @function
changed:
	pushq	%r12
	movq	%rdi, %rax
	movq	%rsi, %r12
	movq	%rdx, %rdi
	pushq	%rbp
	movq	%rdx, %rbp
	pushq	%rbx
	# optpoline site 2: call	*%rax
.Lopt_site_2:
	cmpq	.Lopt_slot_2(%rip), %rax
	je	.Lopt_hit_2
	call	optpoline.out.2
	jmp	.Lopt_done_2
.Lopt_pad_2:
	.balign	4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_2:
	call	optpoline.jmp.rax
.Lopt_done_2:
	movq	%rbp, %rdi
	movq	%rax, %rbx
	# optpoline site 3: call	*%r12
.Lopt_site_3:
	cmpq	.Lopt_slot_3(%rip), %r12
	je	.Lopt_hit_3
	call	optpoline.out.3
	jmp	.Lopt_done_3
.Lopt_pad_3:
	.balign	4, 0xcc
	.byte	0xcc, 0xcc, 0xcc
.Lopt_hit_3:
	call	optpoline.jmp.r12
.Lopt_done_3:
	addq	%rbx, %rax
	popq	%rbx
	popq	%rbp
	popq	%r12
	ret
	.size	changed, .-changed
	.globl	tab
	.section	.data.rel,"aw"
	.align 16
	.type	tab, @object
	.size	tab, 24
tab:
	.quad	a
	.quad	b
	.quad	c
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits

# optpoline: promoted-site data (ABI v1)
	.pushsection	.data.optpoline,"aw",@progbits
	.section	.text.optpoline,"ax",@progbits
	.p2align	4
	.type	optpoline.out.0, @function
optpoline.out.0:
	cmpq	.Lopt_oslot_0_0(%rip), %r11
	nopl	(%rax)
	je	a
	cmpq	.Lopt_oslot_0_1(%rip), %r11
	nopl	(%rax)
	je	c
	nopl	(%rax)
	jmp	optpoline.jmp.r11
	.size	optpoline.out.0, .-optpoline.out.0
	.section	.text.optpoline,"ax",@progbits
	.p2align	4
	.type	optpoline.out.2, @function
optpoline.out.2:
	cmpq	.Lopt_oslot_2_0(%rip), %rax
	nopl	(%rax)
	je	optpoline.jmp.rax
	cmpq	.Lopt_oslot_2_1(%rip), %rax
	nopl	(%rax)
	je	optpoline.jmp.rax
	nopl	(%rax)
	jmp	optpoline.jmp.rax
	.size	optpoline.out.2, .-optpoline.out.2
	.section	.text.optpoline,"ax",@progbits
	.p2align	4
	.type	optpoline.out.3, @function
optpoline.out.3:
	cmpq	.Lopt_oslot_3_0(%rip), %r12
	nopl	(%rax)
	je	optpoline.jmp.r12
	cmpq	.Lopt_oslot_3_1(%rip), %r12
	nopl	(%rax)
	je	optpoline.jmp.r12
	nopl	(%rax)
	jmp	optpoline.jmp.r12
	.size	optpoline.out.3, .-optpoline.out.3
	.section	.text.optpoline.stubs,"ax",@progbits
	.p2align	4
	.type	optpoline.jmp.r11, @function
optpoline.jmp.r11:
	jmp	*%r11
	.size	optpoline.jmp.r11, .-optpoline.jmp.r11
	.section	.text.optpoline.stubs,"ax",@progbits
	.p2align	4
	.type	optpoline.jmp.r12, @function
optpoline.jmp.r12:
	jmp	*%r12
	.size	optpoline.jmp.r12, .-optpoline.jmp.r12
	.section	.text.optpoline.stubs,"ax",@progbits
	.p2align	4
	.type	optpoline.jmp.rax, @function
optpoline.jmp.rax:
	jmp	*%rax
	.size	optpoline.jmp.rax, .-optpoline.jmp.rax
	.section	.data.optpoline,"aw",@progbits
	.balign	8
.Lopt_slot_0:
	.quad	b
.Lopt_oslot_0_0:
	.quad	a
.Lopt_oslot_0_1:
	.quad	c
	.section	.data.optpoline,"aw",@progbits
	.balign	8
.Lopt_slot_1:
	.quad	a
	.section	.data.optpoline,"aw",@progbits
	.balign	8
.Lopt_slot_2:
	.quad	0x8000000000000000
.Lopt_oslot_2_0:
	.quad	0x8000000000000000
.Lopt_oslot_2_1:
	.quad	0x8000000000000000
	.section	.data.optpoline,"aw",@progbits
	.balign	8
.Lopt_slot_3:
	.quad	a # want "site .Lopt_site_3: slot .Lopt_slot_3 starts as a, not the sentinel"
.Lopt_oslot_3_0:
	.quad	0x8000000000000000
.Lopt_oslot_3_1:
	.quad	0x8000000000000000
	.section	.rodata.optpoline,"a",@progbits
.Lopt_name:
	.string	"t.c"
	.section	optpoline_sites,"a",@progbits
	.balign	8
	.long	0x5054504f
	.value	1, 24
	.long	4
	.long	.Lopt_name - .
	.long	.Lopt_site_0 - .
	.long	.Lopt_hit_0 - .
	.long	.Lopt_slot_0 - .
	.long	optpoline.out.0 - .
	.byte	11, 18, 2, 0
	.long	0
	.long	.Lopt_site_1 - .
	.long	.Lopt_hit_1 - .
	.long	.Lopt_slot_1 - .
	.long	0
	.byte	0, 16, 0, 0
	.long	0
	.long	.Lopt_site_2 - .
	.long	.Lopt_hit_2 - .
	.long	.Lopt_slot_2 - .
	.long	optpoline.out.2 - .
	.byte	0, 0, 2, 0
	.long	0
	.long	.Lopt_site_3 - .
	.long	.Lopt_hit_3 - .
	.long	.Lopt_slot_3 - .
	.long	optpoline.out.3 - .
	.byte	12, 0, 2, 0
	.long	1
	.section	.discard.optpoline_ignore,"",@progbits
	.long	.Lopt_pad_0 - .
	.long	.Lopt_pad_1 - .
	.long	.Lopt_pad_2 - .
	.long	.Lopt_pad_3 - .
	.popsection
