package callmarkup

import (
	"fmt"
	"maps"
	"slices"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
)

// Warning is a note about the input that does not stop the pass: a stale
// profile entry.
type Warning struct {
	Line int
	Msg  string
}

// minShare is the share of its site's calls (percent) a profiled target
// needs to be promoted statically.
const minShare = 1

// applyProfile gives each profiled site its static targets (sites.md §6):
// the targets the assembler can name, hottest first, one for the inline
// call and up to cfg.Outline for the outline entries. A function whose
// number of sites changed since it was profiled, or a target of this file
// that is gone, is stale: each such site is reported and not promoted
// statically (its targets may have moved between ordinals).
func applyProfile(f *parser.File, cfg passes.Config, pc *passes.Piece, res *Result) {
	syms := pc.Symbols
	if syms == nil {
		syms = map[string]uint8{}
		pc.AddrSig = scanSymbols(f, syms) || pc.AddrSig
		pc.Symbols = syms
	}
	byFunc := map[string][]int{} // function → indices in res.Sites, in order
	var order []string
	for i, s := range res.Sites {
		if _, ok := byFunc[s.Func]; !ok {
			order = append(order, s.Func)
		}
		byFunc[s.Func] = append(byFunc[s.Func], i)
	}
	warn := func(line int, format string, args ...any) {
		res.Warnings = append(res.Warnings, Warning{line, fmt.Sprintf(format, args...)})
	}
	for _, fn := range order {
		idx := byFunc[fn]
		name := passes.Unquote(fn)
		pf := cfg.Profile.Func(pc.Source, name)
		if pf == nil {
			continue
		}
		line := func(id int) int {
			if id < len(idx) {
				return int(f.Stmts[res.Sites[idx[id]].Stmt].Line)
			}
			return int(f.Stmts[res.Sites[idx[0]].Stmt].Line)
		}
		if pf.Sites != len(idx) {
			for _, id := range sortedIDs(pf.Targets) {
				warn(line(id), "stale profile: %s had %d sites when profiled and has %d now: site #%d is not promoted statically", name, pf.Sites, len(idx), id)
			}
			continue
		}
		for _, id := range sortedIDs(pf.Targets) {
			if id < 0 || id >= len(idx) {
				continue // not a profile that Parse accepts
			}
			s := &res.Sites[idx[id]]
			var calls uint64
			for _, t := range pf.Targets[id] {
				calls += t.Calls
			}
			var picked []string
			for _, t := range pf.Targets[id] {
				if len(picked) > cfg.Outline || t.Calls*100 < calls*minShare {
					break
				}
				bits := syms[t.Sym]
				switch {
				case t.Local && t.File != pc.Source:
					continue // another file's local symbol: not nameable here
				case t.Local && bits&passes.SymDefined == 0:
					warn(line(id), "stale profile: target %s of %s's site #%d is not defined in this file any more", t.Sym, name, id)
					continue
				case !t.Local && bits == 0:
					// A global neither defined nor used here: it may
					// not exist any more, and naming it could break
					// the link.
					continue
				}
				picked = append(picked, t.Sym)
			}
			s.Static = picked
		}
	}
}

func sortedIDs(m map[int][]passes.StaticTarget) []int {
	return slices.Sorted(maps.Keys(m))
}

// scanSymbols records the labels f defines and the names its instructions
// and directives use; it reports whether f has .addrsig.
func scanSymbols(f *parser.File, syms map[string]uint8) (addrsig bool) {
	for i := range f.Stmts {
		switch f.Stmts[i].Kind {
		case parser.Label:
			syms[passes.Unquote(f.Word(i))] |= passes.SymDefined
		case parser.Directive:
			if f.WordIs(i, ".addrsig") {
				addrsig = true
			}
			idents(f.Src[f.Stmts[i].Args:f.Stmts[i].ArgsEnd], syms)
		case parser.Instr:
			idents(f.Src[f.Stmts[i].Args:f.Stmts[i].ArgsEnd], syms)
		}
	}
	return addrsig
}

// idents marks every identifier of an argument list as referenced.
func idents(b []byte, syms map[string]uint8) {
	for i := 0; i < len(b); {
		c := b[i]
		if c == '"' { // a string or a quoted name: skip it
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			i++
			continue
		}
		if c >= '0' && c <= '9' { // a number, 1b/2f labels, 0x…
			for i++; i < len(b) && (identStart(b[i]) || b[i] >= '0' && b[i] <= '9'); i++ {
			}
			continue
		}
		if !identStart(c) {
			i++
			continue
		}
		j := i + 1
		for j < len(b) && (identStart(b[j]) || b[j] >= '0' && b[j] <= '9') {
			j++
		}
		if i == 0 || b[i-1] != '%' { // not a register
			syms[string(b[i:j])] |= passes.SymReferenced
		}
		i = j
	}
}

func identStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.'
}
