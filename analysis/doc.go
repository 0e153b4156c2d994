// Package analysis holds what the markup pass and the validator both need
// from a parsed assembly file (package parser): the functions (Funcs), the
// stack state before every statement, both as the compilers' CFI says
// (Stack) and as computed from the instructions by dataflow over the
// function's control flow (ComputeStack, objtool's model; see
// /work/shared/design/references.md §B2), the labels whose address is taken
// as data (AddressTaken), the noreturn list (IsNoreturn), and the
// tail-call-or-dispatch decision for indirect jmps (IsTailCall,
// asm-forms.md "Rules for the matcher" rule 3).
//
// The corpus tests cross-validate ComputeStack against the CFI of every
// gcc 12 and clang 14 function of internal/corpus.
package analysis
