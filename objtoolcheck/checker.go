package objtoolcheck

import (
	"fmt"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// checker holds one file's state while its checks run.
type checker struct {
	f        *parser.File
	cfg      *Config
	funcs    []analysis.Func
	byName   map[string]int // function name → index in funcs
	labels   map[string]int // non-numeric label → statement
	noreturn map[string]bool
	deadCall map[int]bool // calls known not to return, by statement
	ann      annotations
	sec      []string        // section of each statement (before it runs)
	owner    []int32         // index in funcs of the function a statement belongs to (own section), -1 if none
	lastIn   map[string]int  // section → its last instruction (lastInSection)
	exec     map[string]bool // section → declared executable (execSec)
	findings []Finding
}

func newChecker(f *parser.File, cfg *Config) *checker {
	return &checker{f: f, cfg: cfg, byName: map[string]int{}, labels: map[string]int{}, noreturn: map[string]bool{}, deadCall: map[int]bool{}}
}

// report records a finding at statement i.
func (c *checker) report(i int, fn string, id, format string, args ...any) {
	if !c.cfg.on(id) {
		return
	}
	sev := Warning
	if c.cfg.Werror {
		sev = Error
	}
	st := &c.f.Stmts[i]
	off := st.Pos
	if st.WordLen > 0 {
		off += uint32(st.WordOff)
	}
	p := c.f.Position(off)
	c.findings = append(c.findings, Finding{
		File: p.Filename, Line: p.Line, Col: p.Col, ID: id, Severity: sev,
		Message: fmt.Sprintf(format, args...), Function: symName(fn),
	})
}

// symName is a symbol as the object file has it: clang's quoted names
// ("dash-y") unquoted.
func symName(s string) string {
	if n, err := parser.Name(s); err == nil {
		return n
	}
	return s
}

func (c *checker) run() {
	f := c.f
	c.funcs = analysis.FileFuncs(f)
	for k, fn := range c.funcs {
		c.byName[fn.Name] = k
	}
	c.sec = make([]string, len(f.Stmts))
	var ss parser.SectionState
	for i := range f.Stmts {
		c.sec[i] = ss.Current()
		ss.Step(f, i)
		if st := &f.Stmts[i]; st.Kind == parser.Label && st.Flags&parser.Numeric == 0 {
			if _, dup := c.labels[f.Word(i)]; !dup {
				c.labels[f.Word(i)] = i
			}
		}
	}
	for _, s := range c.cfg.Noreturn {
		c.noreturn[s] = true
	}
	c.ann = c.readAnnotations()
	c.inferNoreturn()

	c.owner = make([]int32, len(f.Stmts))
	for i := range c.owner {
		c.owner[i] = -1
	}
	for k, fn := range c.funcs {
		fl := analysis.ComputeFlow(f, fn, c.noreturn)
		for i := fn.Start; i < fn.End; i++ {
			if fl.Own[i-fn.Start] {
				c.owner[i] = int32(k)
			}
		}
		c.checkFunc(fl)
	}
	c.checkLoose()
	c.checkBranches()
	c.checkAnnotations()
	c.checkSections()
	c.checkCFIBalance()
	c.checkSizes()
	c.checkSites()
	c.checkStaticCallSites()
}

// compilerOutput reports whether f was written by a compiler (.ident).
func (c *checker) compilerOutput() bool {
	for i := range c.f.Stmts {
		if c.f.Stmts[i].Kind == parser.Directive && c.f.WordIs(i, ".ident") {
			return true
		}
	}
	return false
}

// inferNoreturn learns, from compiler output, the functions that never
// return: a compiler never lets a function run off its end, so a direct
// call that is a function's last instruction is a call to a noreturn
// function (a project's own "die", say). Hand-written assembly gets no
// such benefit of the doubt.
func (c *checker) inferNoreturn() {
	if !c.compilerOutput() {
		return
	}
	for _, fn := range c.funcs {
		last := c.lastInstr(fn)
		if last < 0 || x86.Classify(c.f.Word(last)) != x86.Call {
			continue
		}
		c.deadCall[last] = true
		// A named callee never returns anywhere; a thunk or optpoline's
		// stub only stands for this one call's target.
		if tgt, ok := analysis.DirectTarget(c.f, last); ok && !analysis.IsThunk(tgt) && !strings.HasPrefix(tgt, "optpoline.") {
			c.noreturn[tgt] = true
		}
	}
}

// lastInstr is the last instruction of fn in its own section, -1 if none.
func (c *checker) lastInstr(fn analysis.Func) int {
	for i := fn.End - 1; i >= fn.Start; i-- {
		if c.f.Stmts[i].Kind == parser.Instr && c.sec[i] == fn.Section {
			return i
		}
	}
	return -1
}

// deadEnd reports whether execution never continues past instruction i.
func (c *checker) deadEnd(i int) bool {
	w := c.f.Word(i)
	switch dead, live := analysis.Annotated(c.f, i); {
	case dead:
		return true
	case live && x86.Classify(w) == x86.Call:
		return false
	}
	switch x86.Classify(w) {
	case x86.Jmp:
		return true
	case x86.Call:
		if c.deadCall[i] {
			return true
		}
		tgt, ok := analysis.DirectTarget(c.f, i)
		return ok && (analysis.NeverReturns(c.f, tgt) || c.noreturn[tgt])
	}
	return analysis.Stops(w)
}

// nextInstr is the first instruction after statement i in its section,
// skipping labels, directives that emit nothing and whole .pushsection …
// .popsection blocks (annotations such as the kernel's); -1 if data, a
// section change or the end of the section comes first.
func (c *checker) nextInstr(i int) int {
	depth := 0
	for k := i + 1; k < len(c.f.Stmts); k++ {
		if c.f.Stmts[k].Kind == parser.Directive {
			switch c.f.Word(k) {
			case ".pushsection":
				depth++
				continue
			case ".popsection":
				if depth > 0 {
					depth--
					continue
				}
			}
		}
		if depth > 0 {
			continue
		}
		if c.sec[k] != c.sec[i] {
			return -1
		}
		switch c.f.Stmts[k].Kind {
		case parser.Instr, parser.Prefix:
			return k
		case parser.Directive:
			if w := c.f.Word(k); !silent(w) || c.f.IsSectionDirective(k) {
				return -1
			}
		}
	}
	return -1
}

// labelTarget is the instruction the label at statement j names.
func (c *checker) labelTarget(j int) int { return c.nextInstr(j) }

// silent reports whether a directive emits no bytes in the current section.
func silent(w string) bool {
	if strings.HasPrefix(w, ".cfi_") || strings.HasPrefix(w, ".loc") {
		return true
	}
	switch w {
	case ".type", ".size", ".globl", ".global", ".local", ".weak", ".hidden", ".protected",
		".internal", ".file", ".ident", ".set", ".equ", ".p2align", ".balign", ".align",
		".pushsection", ".popsection", ".section", ".previous", ".text", ".data", ".bss",
		".uleb128", ".sleb128", ".symver", ".reloc":
		// Alignment emits nops in code, which are harmless here; the
		// section directives are caught by the section test in nextInstr.
		return true
	}
	return false
}

// funcName is the function statement i belongs to, "" if none.
func (c *checker) funcName(i int) string {
	if c.owner == nil || c.owner[i] < 0 {
		return ""
	}
	return c.funcs[c.owner[i]].Name
}

// isThunkBody reports whether fn is a retpoline or return thunk's body
// (speculation traps, written to be exempt from these rules).
func isThunkBody(fn analysis.Func) bool { return analysis.IsThunk(fn.Name) }
