package passes

import (
	"path"
	"strings"

	"github.com/optpoline/optpoline/parser"
)

// SkipSections are the sections no pass rewrites (sites.md §1): init and
// exit code, the kernel's non-instrumentable and head code, and the
// retpoline and return thunks themselves.
var SkipSections = []string{".init.text", ".init.text.*", ".exit.text", ".exit.text.*", ".noinstr.text", ".entry.text", ".head.text", ".text.__x86_indirect_thunk_*", ".text.__x86_return_thunk", ".text.__llvm_retpoline_*"}

// MatchAny reports whether name matches one of the path.Match patterns.
func MatchAny(name string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// Unquote returns a symbol or section name without its quotes ("a b" is
// a b); a name that is not a valid quoted one comes back as it is.
func Unquote(name string) string {
	if s, err := parser.Name(name); err == nil {
		return s
	}
	return name
}

// HasCSPrefix reports whether the branch at statement i has a cs prefix:
// inline ("cs jmp …") or on a line of its own before it, as gcc's
// -mindirect-branch-cs-prefix writes it.
func HasCSPrefix(f *parser.File, i int) bool {
	if strings.Contains(" "+f.Prefixes(i)+" ", " cs ") {
		return true
	}
	j := PrevPrefix(f, i)
	return j >= 0 && strings.TrimSpace(f.Prefixes(j)) == "cs"
}

// PrevPrefix returns the Prefix statement that applies to the instruction
// at i (the previous non-blank statement), or -1.
func PrevPrefix(f *parser.File, i int) int {
	for j := i - 1; j >= 0; j-- {
		switch f.Stmts[j].Kind {
		case parser.Blank:
			continue
		case parser.Prefix:
			return j
		}
		return -1
	}
	return -1
}
