// Package callmarkup defines the call-markup pass: it rewrites every
// indirect call and indirect tail call into a promoted site.
//
// # Pass callmarkup
//
// Candidates are call/jmp through a register or memory (*%rax, *8(%rdi),
// *fn(%rip), *%fs:…) and calls and jumps to retpoline thunks
// (__x86_indirect_thunk_REG, __llvm_retpoline_r11) in functions' code
// sections, outside inline asm. A jmp is a candidate only when it is a real
// tail call (analysis.IsTailCall). Never touched: @GOTPCREL and @TLSCALL
// operands, movabsq-loaded fixed targets, thunk bodies, init/exit and other
// skipped sections, .code16/.code32 files.
//
// Each site compares the target register with a slot holding a sentinel,
// branches to a hit call whose rel32 is 4-byte aligned (initially the
// fallback), and otherwise takes the fallback: an outline block of K
// compare-and-jump entries ending in the original branch, or with
// --outline=0 the original branch itself. Memory operands are loaded into
// %r11 first. The pass appends the slots, outline blocks, stubs, one
// optpoline_sites table fragment per comdat group (ABI v1, package abi) and
// the ignore metadata.
package callmarkup
