// Package parser reads the GNU as x86-64 AT&T assembly that GCC and Clang
// write and prints it back byte for byte.
//
// Parsing has two stages, as in Go's cmd/asm. Parse splits the source into
// statements (Stmt): labels, directives, instructions with their prefixes,
// assignments and blank or comment-only statements, each recorded as offsets
// into the retained source with its raw span, its word and the raw text of its
// arguments. Operands are interpreted only when asked for (Operands,
// ParseOperand), so a pass pays for the statements it looks at.
//
// A File holds no per-token strings or pointers: 24 bytes per statement plus
// the source. The statements tile the source, so a Rewriter copies every
// untouched statement verbatim and a file with no edits prints back exactly.
package parser
