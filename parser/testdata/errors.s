# Parser and operand errors. Each "# ERROR" comment holds a regexp that an
# error reported on its line must match; any other error fails the test.
	.text
	.globl	f
	.type	f, @function
f:
	call	*%rax
	call	*%foo			# ERROR "bad register name \"%foo\""
	movq	8(%rax,%rbx,3), %rcx	# ERROR "scale factor of \"3\""
	movq	8(%ax), %rcx		# ERROR "%ax is not a valid base register"
	movq	(%rax, %rcx		# ERROR "unbalanced parentheses"
	movl	%eax:4, %ecx		# ERROR "%eax is not a segment register"
	jmp	*			# ERROR "missing operand after '[*]'"
	addq	$, %rax			# ERROR "missing immediate"
	movq	%rax %rbx		# ERROR "junk \"%rbx\" after register"
	"quoted" ret			# ERROR "quoted name must be followed by ':' or '='"
	) nop				# ERROR "unexpected character '[)]'"
	ud2
	unknownmnemonic %rax, 1(%rbx)
	.unknown_directive anything, "goes" here
	ret
	.size	f, .-f
	.string	"never closed		# ERROR "missing end quote"
