# staticcall: the static_call_sites table (inline static calls) against the
# branches it names. Written by "optpoline markup --runtime" for calls,
# a jcc and a tail jmp to __SCT__ trampolines, then broken by hand from
# the third site on: the first two sites, the jcc and the tail jmp are
# intact and must not be flagged.
	.text
	.globl	f
	.type	f, @function
f:
	.cfi_startproc
	# optpoline static call op
	.balign	4
	nopl	(%rax)
	call	__SCT__op@PLT
.Lopt_sc_8_7:
	# optpoline static call op
	.balign	4
	nopl	(%rax)
	call	__SCT__op
.Lopt_sc_9_8:
	# the entry names key hook
	.balign	4
	nopl	(%rax)
	call	__SCT__op	# want "static call site .Lopt_sc_10_9 branches to __SCT__op, its entry names key __SCK__hook"
.Lopt_sc_10_9:
	# no nop: the rel32 is not aligned
	.balign	4
	call	__SCT__op	# want "static call site .Lopt_sc_11_10: the rel32 is not 4-byte aligned"
.Lopt_sc_11_10:
	testl	%eax, %eax
	# optpoline static call hook
	.balign	4
	xchg	%ax, %ax
	jne	__SCT__hook
.Lopt_sc_12_11:
	# optpoline static call calc
	.balign	4
	nopl	(%rax)
	jmp	__SCT__calc@PLT
.Lopt_sc_16_15:
	.cfi_endproc
	.size	f, .-f

	.pushsection	static_call_sites,"a",@progbits
	.balign	4
	.long	.Lopt_sc_8_7 - 4 - .
	.long	__SCK__op@GOTPCREL
	.long	.Lopt_sc_9_8 - 4 - .
	.long	__SCK__op@GOTPCREL
	.long	.Lopt_sc_10_9 - 4 - .
	.long	__SCK__hook@GOTPCREL
	.long	.Lopt_sc_11_10 - 4 - .
	.long	__SCK__op@GOTPCREL
	.long	.Lopt_sc_12_11 - 4 - .
	.long	__SCK__hook@GOTPCREL
	.long	.Lopt_sc_16_15 - 4 - .
	.long	__SCK__calc@GOTPCREL
	.long	.Lopt_sc_8_7 - 4 - .	# want "static call site .Lopt_sc_8_7 is in static_call_sites twice"
	.long	__SCK__op@GOTPCREL
	.long	.Lopt_sc_99_1 - 4 - .	# want "static call site .Lopt_sc_99_1 is not defined"
	.long	__SCK__op@GOTPCREL
	.long	.Lopt_sc_8_7 - .	# want "static_call_sites entry is not"
	.long	__SCK__op
	.popsection
