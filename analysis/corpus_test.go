package analysis

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

type unitFile struct {
	u corpus.Unit
	f *parser.File
}

var (
	corpusOnce  sync.Once
	corpusFiles []unitFile
	corpusErr   error
)

// loadCorpus parses every corpus file once per test binary.
func loadCorpus(t *testing.T) []unitFile {
	t.Helper()
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	units := corpus.BuildT(t)
	corpusOnce.Do(func() {
		for _, u := range units {
			src, err := os.ReadFile(u.Path)
			if err != nil {
				corpusErr = err
				return
			}
			f, err := parser.Parse(u.Name, src)
			if err != nil {
				corpusErr = fmt.Errorf("%s: %v", u.Name, err)
				return
			}
			corpusFiles = append(corpusFiles, unitFile{u, f})
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusFiles
}

var (
	typeRE  = regexp.MustCompile(`(?m)^[ \t]*\.type[ \t]+("(?:[^"\\]|\\.)*"|[^\s,]+)[ \t]*,[ \t]*@function`)
	labelRE = regexp.MustCompile(`(?m)^[ \t]*("(?:[^"\\]|\\.)*"|[A-Za-z_.$][A-Za-z0-9_.$]*)[ \t]*:`)
)

// TestCorpusFuncs checks Funcs against an independent count of the
// @function symbols that are defined as labels, and that every instruction
// in a text section outside #APP lies in exactly one function.
func TestCorpusFuncs(t *testing.T) {
	files := loadCorpus(t)
	total := 0
	for _, uf := range files {
		f := uf.f
		fns, err := Funcs(f)
		if err != nil {
			t.Errorf("%s: %v", uf.u.Name, err)
			continue
		}
		want := map[string]bool{}
		defined := map[string]bool{}
		for _, m := range labelRE.FindAllSubmatch(f.Src, -1) {
			defined[string(m[1])] = true
		}
		// toplevel_fn's label shares its line with code ("toplevel_fn: pushq …").
		for _, m := range typeRE.FindAllSubmatch(f.Src, -1) {
			if defined[string(m[1])] {
				want[string(m[1])] = true
			}
		}
		got := map[string]bool{}
		for _, fn := range fns {
			if got[fn.Name] {
				t.Errorf("%s: %s found twice", uf.u.Name, fn.Name)
			}
			got[fn.Name] = true
			if fn.Start != fn.Label || fn.End <= fn.Start || fn.End > len(f.Stmts) {
				t.Errorf("%s: %s: bad range [%d,%d) label %d", uf.u.Name, fn.Name, fn.Start, fn.End, fn.Label)
			}
		}
		for n := range want {
			if !got[n] {
				t.Errorf("%s: function %s not found", uf.u.Name, n)
			}
		}
		for n := range got {
			if !want[n] {
				t.Errorf("%s: %s found but not a defined @function", uf.u.Name, n)
			}
		}
		total += len(fns)

		owner := make([]int, len(f.Stmts))
		for _, fn := range fns {
			for i := fn.Start; i < fn.End; i++ {
				owner[i]++
			}
		}
		var ss parser.SectionState
		bad := 0
		for i := range f.Stmts {
			ss.Step(f, i)
			st := &f.Stmts[i]
			sec := ss.Current()
			if st.Kind != parser.Instr || st.Flags&parser.InlineAsm != 0 || !(sec == ".text" || strings.HasPrefix(sec, ".text.") || sec == ".init.text") {
				continue
			}
			if owner[i] == 0 && patchPad(f, i, got) {
				continue // -fpatchable-function-entry=N,M: M nops before the label
			}
			if owner[i] != 1 && bad < 3 {
				bad++
				t.Errorf("%s:%d: instruction %q in %d functions", uf.u.Name, st.Line, f.Word(i), owner[i])
			}
		}
	}
	t.Logf("%d files, %d functions", len(files), total)
}

// patchPad reports whether instruction i is a nop of the padding that
// -fpatchable-function-entry puts before a function's label.
func patchPad(f *parser.File, i int, fns map[string]bool) bool {
	for j := i; j < len(f.Stmts); j++ {
		switch f.Stmts[j].Kind {
		case parser.Instr:
			if !f.WordIs(j, "nop") {
				return false
			}
		case parser.Label:
			if fns[f.Word(j)] {
				return true
			}
		}
	}
	return false
}

// mcountR10 reports whether instruction i is the "popq %r10" of gcc's
// "pushq %r10 / 1: (fentry nop) / .section __mcount_loc … / popq %r10" in a
// nested function built with -pg -mfentry -mrecord-mcount -mnop-mcount:
// gcc 12 writes no CFI for that push, so its CFI is wrong (CFA=rsp+8 at
// the pop where the stack holds r10); ComputeStack says rsp+16.
func mcountR10(f *parser.File, i int) bool {
	if !f.WordIs(i, "popq") || f.Args(i) != "%r10" {
		return false
	}
	mcount := false
	for j := i - 1; j >= 0; j-- {
		switch f.Stmts[j].Kind {
		case parser.Instr:
			return mcount && f.WordIs(j, "pushq") && f.Args(j) == "%r10"
		case parser.Directive:
			if f.WordIs(j, ".section") && strings.HasPrefix(f.Args(j), "__mcount_loc") {
				mcount = true
			}
		}
	}
	return false
}

// firstLIND returns the first .LIND label of fn (fn.End if none): gcc
// -mindirect-branch=thunk-inline inlines the thunk body there. gcc 12 copies the out-of-line thunk's ".cfi_def_cfa_offset 16"
// into the inlined body and never undoes it, so the CFI is wrong from there
// on (the bug matrix.go notes; C++ unwinding through such sites crashes).
// ComputeStack is right and the CFI is not; the test stops comparing a
// function at its first .LIND sequence.
func firstLIND(f *parser.File, fn Func) int {
	for i := fn.Start; i < fn.End; i++ {
		if f.Stmts[i].Kind == parser.Label && strings.HasPrefix(f.Word(i), ".LIND") {
			return i
		}
	}
	return fn.End
}

// TestCorpusStack cross-validates ComputeStack with the compilers' CFI.
func TestCorpusStack(t *testing.T) {
	files := loadCorpus(t)
	type fam struct{ agree, both, instrs, known, cfiKnown int }
	stats := map[string]*fam{}
	var disagreements []string
	conflicts := 0
	for _, uf := range files {
		f := uf.f
		fns, _ := Funcs(f)
		st := stats[uf.u.Family()]
		if st == nil {
			st = &fam{}
			stats[uf.u.Family()] = st
		}
		for _, fn := range fns {
			if !fn.CFI {
				continue
			}
			cfi := Stack(f, fn)
			comp, cf := ComputeStack(f, fn)
			conflicts += len(cf)
			stop := firstLIND(f, fn)
			for i := fn.Start; i < fn.End; i++ {
				if f.Stmts[i].Kind != parser.Instr || f.Stmts[i].Flags&parser.InlineAsm != 0 {
					continue
				}
				a, b := cfi[i-fn.Start], comp[i-fn.Start]
				st.instrs++
				if b.Known {
					st.known++
				}
				if a.Known {
					st.cfiKnown++
				}
				if i >= stop || !a.Known || !b.Known || mcountR10(f, i) {
					continue
				}
				st.both++
				if a == b {
					st.agree++
				} else {
					disagreements = append(disagreements, fmt.Sprintf("%s:%d: %s: %s: CFI %v, computed %v", uf.u.Path, f.Stmts[i].Line, fn.Name, strings.TrimSpace(string(f.Raw(i))), a, b))
				}
			}
		}
	}
	for name, s := range stats {
		t.Logf("%s: %d instructions in CFI functions; CFI known %.2f%%, computed known %.2f%%; both known %d, agree %d (%.4f%%)",
			name, s.instrs, pct(s.cfiKnown, s.instrs), pct(s.known, s.instrs), s.both, s.agree, pct(s.agree, s.both))
		if pct(s.known, s.instrs) < 95 {
			t.Errorf("%s: ComputeStack knows the state at only %.2f%% of instructions", name, pct(s.known, s.instrs))
		}
	}
	t.Logf("%d merge conflicts", conflicts)
	if len(disagreements) > 0 {
		t.Errorf("%d disagreements between CFI and ComputeStack", len(disagreements))
		if len(disagreements) > 20 {
			disagreements = disagreements[:20]
		}
		for _, d := range disagreements {
			t.Log(d)
		}
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// TestCorpusTailCalls classifies every indirect jmp and thunk jmp.
func TestCorpusTailCalls(t *testing.T) {
	files := loadCorpus(t)
	reasons := map[string]int{}
	interpGoto := map[string]int{} // unit -> computed-goto thunk jmps found
	thunkInterp := 0
	var ops [4]parser.Operand
	for _, uf := range files {
		f := uf.f
		fns, _ := Funcs(f)
		addr := AddressTaken(f)
		thunkBuild := uf.u.Family() == "gcc" && strings.Contains(strings.Join(uf.u.Flags, " "), "-mindirect-branch=thunk")
		if thunkBuild && strings.HasSuffix(uf.u.Name, "/interp.c") && !strings.Contains(uf.u.Name, "thunk-inline") {
			thunkInterp++
		}
		for _, fn := range fns {
			var stack []StackState
			if fn.CFI {
				stack = Stack(f, fn)
			} else {
				stack, _ = ComputeStack(f, fn)
			}
			for i := fn.Start; i < fn.End; i++ {
				s := &f.Stmts[i]
				if s.Kind != parser.Instr || s.Flags&parser.InlineAsm != 0 || x86.Classify(f.Word(i)) != x86.Jmp {
					continue
				}
				os, err := f.Operands(i, ops[:0])
				if err != nil || len(os) != 1 {
					continue
				}
				thunk := false
				if !os[0].Indirect {
					r, ok := f.SymRef(os[0].Expr)
					if !ok {
						continue
					}
					k, _ := x86.Thunk(r.Sym)
					if k != x86.IndirectThunk && k != x86.IndirectThunkNT && k != x86.LLVMRetpoline {
						continue
					}
					thunk = true
				}
				tail, reason := IsTailCall(f, fn, i, stack, addr)
				reasons[reason]++
				where := fmt.Sprintf("%s:%d (%s)", uf.u.Name, s.Line, fn.Name)
				if strings.Contains(f.Comment(i), "TAILCALL") && !tail {
					t.Errorf("%s: TAILCALL jmp classified intra-function (%s)", where, reason)
				}
				if os[0].Indirect && reason != ReasonJumpTable {
					for j := i + 1; j < len(f.Stmts); j++ {
						if f.Stmts[j].Kind == parser.Blank {
							continue
						}
						if f.WordIs(j, ".section") && strings.HasPrefix(f.Args(j), ".rodata") {
							t.Errorf("%s: jmp followed by .section .rodata classified %v (%s)", where, tail, reason)
						}
						break
					}
				}
				if thunk && thunkBuild && strings.HasSuffix(uf.u.Name, "/interp.c") {
					// The computed-goto interpreter dispatches with
					// "jmp __x86_indirect_thunk_rax" at CFA=rsp+8 in some
					// builds; only its labels.0 table tells it apart from
					// dispatch()'s real "return handlers[op](x)" tail call.
					switch {
					case reason == ReasonAddrTaken:
						interpGoto[uf.u.Name]++
					case fn.Name == "dispatch" && !tail:
						t.Errorf("%s: dispatch's tail call classified intra-function (%s)", where, reason)
					}
					if tail && fn.Name != "dispatch" {
						t.Errorf("%s: thunk jmp in interp.c classified as a tail call (%s)", where, reason)
					}
				}
			}
		}
	}
	if len(interpGoto) != thunkInterp || thunkInterp == 0 {
		t.Errorf("computed-goto thunk dispatch found in %d of %d gcc thunk builds of interp.c: %v", len(interpGoto), thunkInterp, interpGoto)
	}
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-36s %d", k, reasons[k])
	}
}
