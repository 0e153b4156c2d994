package analysis

import (
	"strings"

	"github.com/optpoline/optpoline/parser"
)

// special is what the kernel's special sections and annotations say about
// control flow, as objtool reads them from the object (special.c, check.c):
//
//   - .altinstructions: each entry {orig - ., repl - ., feature, orig_len,
//     repl_len} (struct alt_instr) says that at boot the instructions at orig
//     may be replaced by those at repl. The replacement runs with the state
//     of orig and goes on after orig's end, so the flow has an edge from
//     orig to repl and from repl's end to orig's end. (ALTERNATIVE's labels:
//     661 orig, 663 orig end, 6641 repl, 6651 repl end.)
//   - __ex_table: each entry {insn - ., fixup - ., data} says that a fault
//     in insn continues at fixup, with insn's state.
//   - .discard.unreachable (ANNOTATE_UNREACHABLE after asm that does not
//     return): the instruction before the named label is a dead end.
//   - .discard.reachable (ANNOTATE_REACHABLE after a call to a noreturn
//     function that does return, as the kernel's stack-switching calls
//     are written): the instruction before the label is not a dead end.
//
// Labels are statement indexes; an entry whose labels do not resolve, or a
// block whose values do not make whole entries, is left out.
type special struct {
	edges     map[int][]int // label statement → statements it also flows to
	altEnd    map[int]int   // replacement end label → orig end label
	deadAfter map[int]bool  // instruction statements that never continue
	liveAfter map[int]bool  // instruction statements that continue (a noreturn call)
	// popEnd maps a .pushsection directive to the statement after its
	// .popsection: falling onto a pushed block skips it, as the assembler
	// puts its bytes elsewhere.
	popEnd map[int]int
}

func readSpecial(f *parser.File, labels map[string]int) special {
	sp := special{edges: map[int][]int{}, altEnd: map[int]int{}, deadAfter: map[int]bool{}, liveAfter: map[int]bool{}, popEnd: map[int]int{}}
	var (
		ss     parser.SectionState
		pushes []int
		block  []string // values of the current block of a special section
		blockI []int    // the statement of each value
		cur    string   // that section
		buf    [8]parser.Span
	)
	flush := func() {
		switch cur {
		case ".altinstructions":
			sp.readAlts(f, labels, block, blockI)
		case "__ex_table":
			sp.readExtable(f, labels, block, blockI)
		case ".discard.unreachable", ".discard.reachable":
			for k, v := range block {
				if j, ok := refLabel(f, labels, blockI[k], pcrelSym(v)); ok {
					if p := prevInstr(f, j); p >= 0 {
						if cur == ".discard.unreachable" {
							sp.deadAfter[p] = true
						} else {
							sp.liveAfter[p] = true
						}
					}
				}
			}
		}
		block, blockI, cur = block[:0], blockI[:0], ""
	}
	for i := range f.Stmts {
		st := &f.Stmts[i]
		if st.Kind == parser.Directive {
			switch f.Word(i) {
			case ".pushsection":
				pushes = append(pushes, i)
			case ".popsection":
				if n := len(pushes); n > 0 {
					sp.popEnd[pushes[n-1]] = i + 1
					pushes = pushes[:n-1]
				}
			}
			if f.IsSectionDirective(i) {
				flush()
				ss.Step(f, i)
				continue
			}
		}
		sec := ss.Current()
		switch sec {
		case ".altinstructions", "__ex_table", ".discard.unreachable", ".discard.reachable":
		default:
			continue
		}
		if st.Kind != parser.Directive {
			if st.Kind == parser.Instr {
				// A macro that writes entries (the kernel's
				// extable_type_reg): the values around it do not line up.
				block, blockI = append(block, "?"), append(blockI, i)
			}
			continue
		}
		switch f.Word(i) {
		case ".long", ".int", ".4byte", ".word", ".short", ".2byte", ".value", ".hword", ".byte", ".quad", ".8byte":
			cur = sec
			for _, a := range f.SplitArgs(i, buf[:0]) {
				block = append(block, strings.TrimSpace(string(f.Src[a.Pos:a.End])))
				blockI = append(blockI, i)
			}
		}
	}
	flush()
	return sp
}

// readAlts reads one block of struct alt_instr entries (5 values each).
func (sp *special) readAlts(f *parser.File, labels map[string]int, vals []string, at []int) {
	if len(vals)%5 != 0 {
		return
	}
	for k := 0; k < len(vals); k += 5 {
		orig, ok1 := refLabel(f, labels, at[k], pcrelSym(vals[k]))
		repl, ok2 := refLabel(f, labels, at[k+1], pcrelSym(vals[k+1]))
		origEnd, ok3 := refLabel(f, labels, at[k+3], lenEnd(vals[k+3]))
		replEnd, ok4 := refLabel(f, labels, at[k+4], lenEnd(vals[k+4]))
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		sp.edges[orig] = append(sp.edges[orig], repl)
		sp.altEnd[replEnd] = origEnd
	}
}

// readExtable reads one block of exception table entries (3 values each).
func (sp *special) readExtable(f *parser.File, labels map[string]int, vals []string, at []int) {
	if len(vals)%3 != 0 {
		return
	}
	for k := 0; k < len(vals); k += 3 {
		insn, ok1 := refLabel(f, labels, at[k], pcrelSym(vals[k]))
		fixup, ok2 := refLabel(f, labels, at[k+1], pcrelSym(vals[k+1]))
		if ok1 && ok2 {
			sp.edges[insn] = append(sp.edges[insn], fixup)
		}
	}
}

// pcrelSym is the symbol of a table value "SYM - ." or "(SYM) - .".
func pcrelSym(v string) string {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutSuffix(v, "."); ok {
		if r, ok := strings.CutSuffix(strings.TrimSpace(rest), "-"); ok {
			v = strings.TrimSpace(r)
		}
	}
	for strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	return v
}

// lenEnd is the end label of a length written "END-START" ("663b-661b").
func lenEnd(v string) string {
	end, _, ok := strings.Cut(v, "-")
	if !ok {
		return ""
	}
	return strings.Trim(strings.TrimSpace(end), "()")
}

// refLabel resolves a label named at statement i: numeric ("661b",
// "6641f") or by name.
func refLabel(f *parser.File, labels map[string]int, i int, name string) (int, bool) {
	if name == "" {
		return 0, false
	}
	if IsNumericRef(name) {
		return NumericLabel(f, i, name)
	}
	j, ok := labels[name]
	return j, ok
}

// prevInstr is the instruction before label j in its section (skipping
// pushed blocks), -1 if none.
func prevInstr(f *parser.File, j int) int {
	depth := 0
	for k := j - 1; k >= 0; k-- {
		st := &f.Stmts[k]
		if st.Kind == parser.Directive {
			switch f.Word(k) {
			case ".popsection":
				depth++
				continue
			case ".pushsection":
				if depth > 0 {
					depth--
					continue
				}
				return -1
			}
			if depth == 0 && f.IsSectionDirective(k) {
				return -1
			}
		}
		if depth == 0 && (st.Kind == parser.Instr || IsUD2Bytes(f, k)) {
			return k
		}
	}
	return -1
}

// Annotated reports what the kernel's annotations say about instruction
// i: dead, a dead end (.discard.unreachable names the label after it);
// live, it continues even if it calls a function that never returns
// (.discard.reachable).
func Annotated(f *parser.File, i int) (dead, live bool) {
	sp := &infoOf(f).sp
	return sp.deadAfter[i], sp.liveAfter[i]
}
