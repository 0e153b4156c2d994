// Package objtoolcheck validates x86-64 assembly the way the Linux kernel's
// objtool validates objects, from the .s text: stack state along every
// path (CFA, saved registers), reachability, fall-through, ELF size
// annotations, retpoline/rethunk/SLS safety, and what only the text shows:
// the compiler's CFI directives against the computed stack, section
// push/pop balance, and optpoline's own site table.
//
// Each check has an ID (see Checks) and a doc string. File runs the
// enabled checks on one file and returns findings sorted by line. The CFG
// and stack dataflow come from package analysis, which the markup pass
// shares.
//
// The catalogue and objtool's wording for each check are in the design
// (checks.md); objtool-peer.md explains the differential test.
package objtoolcheck
