package analysis

import (
	"sort"
	"strings"

	"github.com/optpoline/optpoline/parser"
)

// Func is one function: a symbol typed @function (".type f, @function" /
// ".type f,@function"), from its label to its end.
type Func struct {
	Name       string // as written (quoted names keep their quotes)
	Label      int    // statement index of the label
	Start, End int    // statements [Start, End); see Funcs
	Section    string // section name at the label (unquoted)
	Group      string // comdat group of that section ("" if none), from the .section flags G
	CFI        bool   // the function has .cfi_startproc

	// CFIStart and CFIEnd are the statement indexes of the function's
	// .cfi_startproc and of the .cfi_endproc that closes it; -1 if absent.
	// gcc writes a cold part's .cfi_startproc before its label, so
	// CFIStart can be < Start.
	CFIStart, CFIEnd int
}

// Funcs finds every function in f, in source order. A section error
// (.popsection with nothing pushed) is returned together with the
// functions, found as as would: it warns and ignores the directive.
//
// Start is the label. End is just past the later of the function's
// ".size Name, …" and the .cfi_endproc closing the .cfi_startproc that
// belongs to the label, but never past the next function's label: gcc
// writes "f.cold" (a function of its own, in .text.unlikely) between f's
// .cfi_endproc and f's .size, so f ends at its .cfi_endproc there. When
// neither exists (hand-written code, gcc thunk bodies without CFI), the
// function runs to its last statement in its own section before the next
// function label or EOF.
//
// Functions inside #APP regions or file-scope asm are found too; callers
// decide what to skip. Statements of a function that lie in another section
// (gcc's .section .rodata jump table right after a jmp, then .text again)
// stay inside [Start, End).
func Funcs(f *parser.File) ([]Func, error) {
	var ss parser.SectionState
	return FuncsFrom(f, &ss, map[string]string{})
}

// FuncsFrom is Funcs for one piece of a file read in consecutive pieces
// (parser.Chunker): ss is the section state at the piece's start and groups
// maps section names to the comdat groups seen so far; both are updated to
// the state at the piece's end.
func FuncsFrom(f *parser.File, ss *parser.SectionState, groups map[string]string) ([]Func, error) {
	typed := map[string]bool{}
	seenArgs := map[string]bool{}
	type labelAt struct {
		i        int
		sec, grp string
	}
	labels := map[string]labelAt{}
	var order []string // label names in source order, first definition only
	sizes := map[string][]int{}
	var startprocs, endprocs []int
	var buf [4]parser.Span
	// The symbols typed @function, wherever their .type stands.
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive && f.WordIs(i, ".type") {
			a := f.SplitArgs(i, buf[:0])
			if len(a) >= 2 && isFunctionType(f.Src[a[1].Pos:a[1].End]) {
				typed[string(f.Src[a[0].Pos:a[0].End])] = true
			}
		}
	}
	var firstErr error
	for i := range f.Stmts {
		st := &f.Stmts[i]
		switch st.Kind {
		case parser.Directive:
			if _, err := ss.Step(f, i); err != nil && firstErr == nil {
				firstErr = err // as warns and goes on; so do we, but say so
			}
			switch w := f.Word(i); w {
			case ".section", ".pushsection":
				// Only a section with flags can name a group; the same
				// directive text repeats, so parse each text once.
				args := f.Args(i)
				if !strings.Contains(args, ",") || seenArgs[args] {
					break
				}
				seenArgs[args] = true
				if sa, err := parser.ParseSectionArgs(args, w == ".pushsection"); err == nil {
					if sa.Flags != "" || sa.Type != "" {
						groups[sa.Name] = sa.Group
					}
				}
			case ".type":
				// Collected by the first loop.
			case ".size":
				a := f.SplitArgs(i, buf[:0])
				if len(a) >= 1 {
					n := string(f.Src[a[0].Pos:a[0].End])
					sizes[n] = append(sizes[n], i)
				}
			case ".cfi_startproc":
				startprocs = append(startprocs, i)
			case ".cfi_endproc":
				endprocs = append(endprocs, i)
			}
		case parser.Label:
			if st.Flags&parser.Numeric != 0 {
				continue
			}
			w := f.WordSpan(i)
			if !typed[string(f.Src[w.Pos:w.End])] {
				continue // only functions matter; most labels are .L ones
			}
			n := f.Word(i)
			if _, ok := labels[n]; !ok {
				labels[n] = labelAt{i, ss.Current(), groups[ss.Current()]}
				order = append(order, n)
			}
		}
	}
	var fns []Func
	for _, n := range order {
		if !typed[n] {
			continue
		}
		l := labels[n]
		fns = append(fns, Func{Name: n, Label: l.i, Start: l.i, Section: l.sec, Group: l.grp, CFIStart: -1, CFIEnd: -1})
	}
	sort.Slice(fns, func(a, b int) bool { return fns[a].Label < fns[b].Label })

	for k := range fns {
		fn := &fns[k]
		limit := len(f.Stmts)
		if k+1 < len(fns) {
			limit = fns[k+1].Label
		}
		prevEnd := 0
		if k > 0 {
			prevEnd = fns[k-1].Label + 1
		}
		// The .cfi_startproc that belongs to the label: the first one after
		// it, before the next function; else (gcc's cold parts) one just
		// before it, with no instruction or .cfi_endproc in between.
		if j := sort.SearchInts(startprocs, fn.Label); j < len(startprocs) && startprocs[j] < limit {
			fn.CFIStart = startprocs[j]
		} else if j > 0 && startprocs[j-1] >= prevEnd {
			p := startprocs[j-1]
			ok := true
			for q := p + 1; q < fn.Label; q++ {
				if f.Stmts[q].Kind == parser.Instr || f.Stmts[q].Kind == parser.Directive && f.WordIs(q, ".cfi_endproc") {
					ok = false
					break
				}
			}
			if ok {
				fn.CFIStart = p
			}
		}
		if fn.CFIStart >= 0 {
			fn.CFI = true
			if j := sort.SearchInts(endprocs, fn.CFIStart); j < len(endprocs) {
				fn.CFIEnd = endprocs[j]
			}
		}
		end := -1
		if fn.CFIEnd >= 0 && fn.CFIEnd < limit {
			end = fn.CFIEnd + 1
		}
		for _, s := range sizes[fn.Name] {
			if s > fn.Label {
				if s < limit && s+1 > end {
					end = s + 1
				}
				break
			}
		}
		if end < 0 {
			end = fallbackEnd(f, fn, limit)
		}
		fn.End = end
	}
	return fns, firstErr
}

// fallbackEnd is the end of a function with neither .size nor CFI: just past
// its last statement in its own section before limit.
func fallbackEnd(f *parser.File, fn *Func, limit int) int {
	t := newSecTracker(fn.Section)
	end := fn.Label + 1
	for j := fn.Label + 1; j < limit; j++ {
		if t.step(f, j) {
			continue
		}
		if t.cur() == fn.Section && f.Stmts[j].Kind != parser.Blank {
			end = j + 1
		}
	}
	return end
}

func isFunctionType(b []byte) bool {
	s := strings.TrimSpace(string(b))
	switch s {
	case "@function", "%function", "STT_FUNC", `"function"`, "function", "@gnu_indirect_function", "%gnu_indirect_function", "STT_GNU_IFUNC":
		return true
	}
	return false
}

// secTracker follows the section inside a function, starting from the
// function's own section.
type secTracker struct{ parser.SectionState }

func newSecTracker(cur string) *secTracker { return &secTracker{parser.SectionStateAt(cur)} }

// step applies statement j and reports whether it was a section directive.
// A malformed one (a .popsection without .pushsection) leaves an unknown
// section, "?".
func (t *secTracker) step(f *parser.File, j int) bool {
	if !f.IsSectionDirective(j) {
		return false
	}
	if _, err := t.Step(f, j); err != nil {
		t.SectionState = parser.SectionStateAt("?")
	}
	return true
}

func (t *secTracker) cur() string { return t.Current() }
