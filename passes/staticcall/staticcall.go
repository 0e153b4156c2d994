// Package staticcall is the static-call pass (inline mode of
// optpoline/static_call.h): every call, tail jump and conditional tail
// jump to a static call's trampoline (__SCT__name) gets its rel32 4-byte
// aligned and an entry in the static_call_sites table,
//
//	.long	REL32 - .                 # the site's rel32
//	.long	__SCK__name@GOTPCREL      # the GOT slot holding the key's address
//
// so that static_call_update (runtime/src/include/optpoline/static_call.c)
// retargets the site itself and the call goes straight to the target.
// The alignment costs one executed nop before the branch (".balign 4"
// fills with a nop of 0 to 3 bytes, then a 3-byte nop for call and jmp, a
// 2-byte one for jcc). Only with a runtime (the wrapper links it), in user
// mode; branches in inline asm, outside functions, outside code sections,
// after a prefix line, or in sections and functions the configuration
// skips are left to the trampoline.
package staticcall

import (
	"fmt"
	"maps"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes"
)

// Pass is the static-call pass. Its result is a *Result. It must run
// before callmarkup, which advances the piece's section state.
var Pass = &passes.Pass{
	Name: "staticcall",
	Doc: `record calls to static-call trampolines (__SCT__*) in static_call_sites

Each call, tail jmp or jcc to __SCT__name gets its rel32 4-aligned and a
PC-relative static_call_sites entry {rel32, key's GOT slot}; the runtime
retargets the site on static_call_update (inline static calls).`,
	Run: func(u *passes.Unit) (any, error) { return Run(u) },
}

// Prefix starts the name of every static call's trampoline.
const Prefix = "__SCT__"

// KeyPrefix starts the name of every static call's key.
const KeyPrefix = "__SCK__"

// Section is the table's section: a C identifier, so the linker defines
// __start_static_call_sites and __stop_static_call_sites.
const Section = "static_call_sites"

// Site is one recorded branch.
type Site struct {
	Stmt  int
	Line  int
	Name  string // the static call: __SCT__Name
	Kind  x86.Class
	Label string // the label just after the branch: the rel32 ends there
	Group string // comdat group of the function's section
}

// Skip is a branch to a trampoline left alone, with the reason.
type Skip struct {
	Stmt   int
	Line   int
	Reason string
}

// Result is what the pass did to a file.
type Result struct {
	Sites   []Site
	Skipped []Skip
}

// Run records and aligns every static-call site of u.File.
func Run(u *passes.Unit) (*Result, error) {
	res := &Result{}
	if u.Config.Mode != passes.User || !u.Config.Runtime {
		return res, nil
	}
	f := u.File
	var ss parser.SectionState
	groups := map[string]string{}
	if pc := u.Piece; pc != nil {
		if !pc.Code64 {
			return res, nil
		}
		ss, groups = pc.Sections, maps.Clone(pc.Groups)
	} else if !code64(f) {
		return res, nil
	}
	fs := ss
	fns, err := analysis.FuncsFrom(f, &fs, groups)
	if err != nil {
		return nil, err
	}
	var ops []parser.Operand
	fi := 0
	for i := range f.Stmts {
		st := &f.Stmts[i]
		if st.Kind == parser.Directive {
			ss.Step(f, i)
			continue
		}
		if st.Kind != parser.Instr {
			continue
		}
		c := x86.Classify(f.Word(i))
		if c != x86.Call && c != x86.Jmp && c != x86.Jcc {
			continue
		}
		ops, err = f.Operands(i, ops[:0])
		if err != nil || len(ops) != 1 || ops[0].Indirect || ops[0].Kind != parser.OpExpr {
			continue
		}
		ref, ok := f.SymRef(ops[0].Expr)
		if !ok || !strings.HasPrefix(ref.Sym, Prefix) || len(ref.Sym) == len(Prefix) ||
			ref.Reloc != "" && ref.Reloc != "PLT" || ref.Addend != "" {
			continue
		}
		for fi < len(fns) && fns[fi].End <= i {
			fi++
		}
		skip := func(why string) { res.Skipped = append(res.Skipped, Skip{i, int(st.Line), why}) }
		sec := ss.Current()
		switch {
		case st.Flags&parser.InlineAsm != 0:
			skip("inline asm")
		case fi == len(fns) || fns[fi].Start > i:
			skip("outside any function")
		case sec != "" && sec != ".text" && !strings.HasPrefix(sec, ".text."):
			skip("not in a code section")
		case passes.MatchAny(sec, u.Config.SkipSections):
			skip("section " + sec + " is skipped")
		case passes.MatchAny(passes.Unquote(fns[fi].Name), u.Config.SkipFunctions):
			skip("function is skipped")
		case f.Prefixes(i) != "" || prefixLine(f, i):
			skip("prefixed branch")
		default:
			res.Sites = append(res.Sites, Site{Stmt: i, Line: int(st.Line), Name: ref.Sym[len(Prefix):], Kind: c,
				Label: fmt.Sprintf(".Lopt_sc_%d_%d", st.Line, i), Group: fns[fi].Group})
		}
	}
	if len(res.Sites) > 0 {
		emit(f, u.Rewriter, res.Sites)
	}
	return res, nil
}

// emit aligns each site's rel32 and appends the table.
func emit(f *parser.File, rw *parser.Rewriter, sites []Site) {
	var tail strings.Builder
	tail.WriteString("\n# optpoline: static call sites\n")
	for _, s := range sites {
		// call/jmp rel32 is 5 bytes, jcc rel32 6: the nop puts the
		// opcode at 3 (2) mod 4, so the rel32 starts 4-aligned.
		nop := "nopl\t(%rax)"
		if s.Kind == x86.Jcc {
			nop = "xchg\t%ax, %ax"
		}
		rw.InsertBefore(s.Stmt, []byte(fmt.Sprintf("\t# optpoline static call %s\n\t.balign\t4\n\t%s\n", s.Name, nop)))
		rw.InsertAfter(s.Stmt, []byte(s.Label+":\n"))
		flags, group := "a", ""
		if s.Group != "" {
			flags, group = "aG", ","+s.Group+",comdat"
		}
		fmt.Fprintf(&tail, "\t.pushsection\t%s,%q,@progbits%s\n\t.balign\t4\n", Section, flags, group)
		fmt.Fprintf(&tail, "\t.long\t%s - 4 - .\n\t.long\t%s%s@GOTPCREL\n\t.popsection\n", s.Label, KeyPrefix, s.Name)
	}
	rw.Append([]byte(tail.String()))
}

// prefixLine reports a prefix alone on the line before the branch (gcc's
// "cs", "notrack", "bnd"): it would apply to the nop instead.
func prefixLine(f *parser.File, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch f.Stmts[j].Kind {
		case parser.Blank:
			continue
		case parser.Prefix:
			return true
		}
		return false
	}
	return false
}

// code64 reports whether f stays 64-bit code (no .code16/.code32).
func code64(f *parser.File) bool {
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive &&
			(f.WordIs(i, ".code16") || f.WordIs(i, ".code16gcc") || f.WordIs(i, ".code32")) {
			return false
		}
	}
	return true
}
