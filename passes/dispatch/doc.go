// Package dispatch defines the dispatch pass: it rewrites intra-function
// indirect jumps whose targets are known (computed goto, jump tables) into
// dispatch sites made of direct branches (sites.md §7).
//
// # Pass dispatch
//
// Candidates are jmp through a register (*%rax) and jumps to retpoline
// thunks (__x86_indirect_thunk_REG, __llvm_retpoline_r11) that are not
// tail calls, in functions that take the address of their own labels: the
// labels referenced from .rodata*/.data* tables (.quad .Lx, .long
// .Lx-.Ltab) or by lea (gcc's computed goto, clang's "Block address
// taken"). Those labels, with the ones of the function's .cold parts, are
// the site's label set. A site is skipped when a label of its set may read
// the flags before writing them (analysis.FlagsReadAt), when the jump has
// a memory operand (no register is free at a jump to load it into), in
// inline asm, in skipped sections and functions, and in kernel mode
// (kernel code is built with -fno-jump-tables and keeps its jumps).
//
// Two strategies, chosen by passes.Config.Dispatch:
//
//   - funnel: a binary tree of compares against read-only slots holding
//     the labels' addresses (cmpq .Lslot(%rip), %REG; jb …; je .Lx), in
//     address order, ending in the original jump for values outside the
//     set. Nothing is patched at run time. With a profile that counts the
//     site's labels (Config.Profile, a dispatch record), the tree is the
//     one of least expected depth over those counts: hot labels first.
//     A record whose label count differs is stale: warned, not used.
//   - learned: inline entries (cmpq slot, %REG; nopl; je rel32) whose
//     slots start at the sentinel; the runtime patches each je to a hot
//     label and publishes its slot, as for call sites. Misses go, past the
//     red zone, through a call to __optpoline_learn_jump[_thunk]_REG,
//     whose return address names the site, and on to the original branch.
//
// Either way only direct branches run for the labels of the set, and no
// register or stack slot of the function changes. The pass appends the
// slots, label sets and one optpoline_sites fragment per comdat group
// (abi.FlagDispatch entries).
package dispatch
