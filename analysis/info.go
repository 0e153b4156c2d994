package analysis

import (
	"strings"
	"sync"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// fileInfo is what ComputeStack needs about the whole file. It is computed
// once per *parser.File and kept in a one-entry cache, so that calling
// ComputeStack for every function of a file costs one file scan.
type fileInfo struct {
	funcs   []Func
	byName  map[string]int
	addr    map[string]bool
	deadEnd map[string]bool // functions of the file that never return
	// pads maps an exception landing pad label to the start labels of the
	// call-site ranges that land there (from .gcc_except_table).
	pads map[string][]string
	// labels maps every non-numeric label to its first definition.
	labels map[string]int
	// sp is what the kernel's special sections say about the flow.
	sp special
}

var infoCache struct {
	sync.Mutex
	f    *parser.File
	n    int
	info *fileInfo
}

func infoOf(f *parser.File) *fileInfo {
	infoCache.Lock()
	defer infoCache.Unlock()
	if infoCache.f == f && infoCache.n == len(f.Stmts) {
		return infoCache.info
	}
	fi := &fileInfo{byName: map[string]int{}, deadEnd: map[string]bool{}}
	fi.funcs, _ = Funcs(f)
	for k, fn := range fi.funcs {
		fi.byName[fn.Name] = k
	}
	fi.addr = AddressTaken(f)
	for _, fn := range fi.funcs {
		if neverReturns(f, fn) {
			fi.deadEnd[fn.Name] = true
		}
	}
	fi.pads = landingPads(f)
	fi.labels = map[string]int{}
	for i := range f.Stmts {
		if st := &f.Stmts[i]; st.Kind == parser.Label && st.Flags&parser.Numeric == 0 {
			if _, dup := fi.labels[f.Word(i)]; !dup {
				fi.labels[f.Word(i)] = i
			}
		}
	}
	fi.sp = readSpecial(f, fi.labels)
	infoCache.f, infoCache.n, infoCache.info = f, len(f.Stmts), fi
	return fi
}

// neverReturns reports whether fn has instructions but no way out: no ret,
// no jmp leaving the function (tail call, thunk, indirect jmp). Like
// objtool's dead-end detection, one level deep.
func neverReturns(f *parser.File, fn Func) bool {
	labels := funcLabels(f, fn)
	var ops [4]parser.Operand
	n := 0
	for i := fn.Start; i < fn.End; i++ {
		if f.Stmts[i].Kind != parser.Instr {
			continue
		}
		n++
		switch x86.Classify(f.Word(i)) {
		case x86.Ret, x86.FarRet, x86.IRet, x86.FarJmp:
			return false
		case x86.Jmp:
			os, err := f.Operands(i, ops[:0])
			if err != nil || len(os) != 1 || os[0].Indirect || os[0].Kind != parser.OpExpr {
				return false
			}
			r, ok := f.SymRef(os[0].Expr)
			if !ok {
				return false
			}
			if _, in := labels[r.Sym]; !in {
				return false
			}
		}
	}
	return n > 0
}

// funcLabels maps the labels defined in fn (numeric ones excluded) to their
// statement index.
func funcLabels(f *parser.File, fn Func) map[string]int {
	m := map[string]int{}
	for i := fn.Start; i < fn.End; i++ {
		if st := &f.Stmts[i]; st.Kind == parser.Label && st.Flags&parser.Numeric == 0 {
			m[f.Word(i)] = i
		}
	}
	return m
}

// landingPads reads the call-site tables of .gcc_except_table: an entry is
// ".uleb128 A-B" (start), ".uleb128 C-A" (length), ".uleb128 L-B"
// (landing pad), as both gcc (.LEHB0/.LEHE0/.L7) and clang
// (.Ltmp0/.Ltmp1/.Ltmp2) write them.
func landingPads(f *parser.File) map[string][]string {
	type ent struct {
		uleb bool
		a, b string
	}
	var ents []ent
	var ss parser.SectionState
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive {
			continue
		}
		if ch, _ := ss.Step(f, i); ch || !strings.HasPrefix(ss.Current(), ".gcc_except_table") {
			continue
		}
		w := f.Word(i)
		if w != ".uleb128" && w != ".byte" && w != ".sleb128" && w != ".long" {
			continue
		}
		e := ent{uleb: w == ".uleb128"}
		if a, b, ok := strings.Cut(f.Args(i), "-"); ok && e.uleb {
			e.a, e.b = strings.TrimSpace(a), strings.TrimSpace(b)
		}
		ents = append(ents, e)
	}
	pads := map[string][]string{}
	for k := 0; k+2 < len(ents); k++ {
		e1, e2, e3 := ents[k], ents[k+1], ents[k+2]
		if e1.b == "" || e2.b == "" || e3.b == "" || e2.b != e1.a {
			continue
		}
		pads[e3.a] = append(pads[e3.a], e1.a)
	}
	return pads
}
