# no-size: a symbol typed @function without ".size sym, .-sym" (reported
# on its label line), or a .size for a global label that has no .type.
# objtool: "f() is missing an ELF size annotation" (objtool-peer.md case 08).

	.text

# --- positive cases -------------------------------------------------------

# A global label with .size but no .type: tools see a NOTYPE symbol with a
# size (checks.go: "or a .size names a global label that has no .type").
	.globl	untyped
untyped:
	ret	# want "^unreachable instruction \\(outside any function.*\\[unreachable\\]"
	.size	untyped, .-untyped		# want "^untyped has a \\.size but no .*\\.type untyped, @function.*\\[no-size\\]"

# objtool case 08: no .size (the function then runs to the next function's
# label, so nothing that is not a function may follow it).
	.globl	unsized
	.type	unsized, @function
unsized:					# want "^unsized\\(\\) is missing an ELF size annotation.*\\[no-size\\]"
	ret

# A .size for another name does not size this one.
	.globl	misspelt
	.type	misspelt, %function
misspelt:					# want "^misspelt\\(\\) is missing an ELF size annotation.*\\[no-size\\]"
	ret
.Lmisspelt_end:
	.size	misspel, .Lmisspelt_end-misspelt

# --- negative cases -------------------------------------------------------

	.globl	sized
	.type	sized, @function
sized:
	ret
	.size	sized, .-sized

# %function spelling, .size after other directives, a local function.
	.type	local_sized, %function
local_sized:
	.cfi_startproc
	ret
	.cfi_endproc
.Llocal_sized_end:
	.size	local_sized, .Llocal_sized_end-local_sized

# A data object needs no function size (and has one anyway).
	.data
	.globl	obj
	.type	obj, @object
obj:
	.quad	0
	.size	obj, 8
	.text

# gcc writes its retpoline thunks (comdat) without .size.
	.section	.text.__x86_indirect_thunk_rax,"axG",@progbits,__x86_indirect_thunk_rax,comdat
	.globl	__x86_indirect_thunk_rax
	.hidden	__x86_indirect_thunk_rax
	.type	__x86_indirect_thunk_rax, @function
__x86_indirect_thunk_rax:
	call	.LIND1
.LIND0:
	pause
	lfence
	jmp	.LIND0
.LIND1:
	movq	%rax, (%rsp)
	ret
