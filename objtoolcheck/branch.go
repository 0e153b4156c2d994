package objtoolcheck

import (
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// checkBranches runs the per-instruction branch checks on all code:
// bad-jump, retpoline, rethunk and sls.
func (c *checker) checkBranches() {
	f := c.f
	var ops [2]parser.Operand
	for i := range f.Stmts {
		st := &f.Stmts[i]
		if st.Kind != parser.Instr {
			continue
		}
		w := f.Word(i)
		cls := x86.Classify(w)
		switch cls {
		case x86.Jmp, x86.Jcc, x86.Loop, x86.Call, x86.Ret:
		default:
			continue
		}
		if c.inThunk(i) {
			continue
		}
		os, err := f.Operands(i, ops[:0])
		if err != nil {
			continue
		}
		indirect := len(os) == 1 && os[0].Indirect
		switch {
		case cls == x86.Ret:
			if c.cfg.on(Rethunk) && !c.ann.retpolineSafe[i] {
				c.report(i, c.funcName(i), Rethunk, "'naked' return found in RETHUNK build")
			}
			c.checkSLS(i, "ret")
		case indirect:
			if c.cfg.on(Retpoline) && !c.ann.retpolineSafe[i] && c.sec[i] != ".init.text" {
				kind := "call"
				if cls != x86.Call {
					kind = "jump"
				}
				c.report(i, c.funcName(i), Retpoline, "indirect %s found in RETPOLINE build", kind)
			}
			if cls == x86.Jmp {
				c.checkSLS(i, "indirect jump")
			}
		case cls != x86.Call:
			c.checkJumpTarget(i, os)
		}
	}
}

// checkSLS wants an int3 right after a ret or indirect jmp.
func (c *checker) checkSLS(i int, what string) {
	if !c.cfg.on(SLS) {
		return
	}
	if j := c.nextInstr(i); j >= 0 && c.f.Stmts[j].Kind == parser.Instr && c.f.WordIs(j, "int3") {
		return
	}
	c.report(i, c.funcName(i), SLS, "missing int3 after %s", what)
}

// checkJumpTarget checks a direct jmp/jcc: a local label must exist, must
// be followed by an instruction, and must be named without an offset.
func (c *checker) checkJumpTarget(i int, os []parser.Operand) {
	f := c.f
	if len(os) != 1 || os[0].Kind != parser.OpExpr {
		return
	}
	r, ok := f.SymRef(os[0].Expr)
	if !ok {
		return
	}
	j, local := c.labels[r.Sym]
	if !local {
		if k, ok := analysis.NumericLabel(f, i, r.Sym); ok {
			j, local = k, true
		}
	}
	switch {
	case !local && (strings.HasPrefix(r.Sym, ".L") || analysis.IsNumericRef(r.Sym)):
		c.report(i, c.funcName(i), BadJump, "can't find jump dest: %s is not defined", r.Sym)
	case !local:
		// An external symbol: a tail call.
	case r.Addend != "":
		c.report(i, c.funcName(i), BadJump, "can't find jump dest instruction at %s%s: a jump into the middle of an instruction", r.Sym, r.Addend)
	default:
		switch {
		case c.labelsData(j):
			c.report(i, c.funcName(i), BadJump, "can't find jump dest instruction at %s: it labels data, not code", r.Sym)
		case j > c.lastInSection(c.sec[j]):
			c.report(i, c.funcName(i), BadJump, "can't find jump dest instruction at %s: it is the end of section %s", r.Sym, c.sec[j])
		}
	}
}

// lastInSection is the last instruction statement in section sec, -1 if
// none.
func (c *checker) lastInSection(sec string) int {
	if c.lastIn == nil {
		c.lastIn = map[string]int{}
		for i := range c.f.Stmts {
			if k := c.f.Stmts[i].Kind; k == parser.Instr || k == parser.Prefix || c.codeBytes(i) {
				c.lastIn[c.sec[i]] = i
			}
		}
	}
	if i, ok := c.lastIn[sec]; ok {
		return i
	}
	return -1
}

// labelsData reports whether label j is followed, in its section, by data
// rather than an instruction.
func (c *checker) labelsData(j int) bool {
	for k := j + 1; k < len(c.f.Stmts) && c.sec[k] == c.sec[j]; k++ {
		switch c.f.Stmts[k].Kind {
		case parser.Instr, parser.Prefix:
			return false
		case parser.Directive:
			if dataDirective(c.f.Word(k)) {
				return !analysis.IsUD2Bytes(c.f, k) && !c.codeBytes(k)
			}
		}
	}
	return false
}

// codeBytes reports whether statement k is instructions written as data:
// a data directive of inline asm in an executable section, as the kernel
// writes the instructions older assemblers lack (".byte 0x0f,0x01,0xcb"
// for stac), its static call trampolines (".byte 0xe9; .long f - (. + 4)")
// and the nop padding of its alternatives (".skip N, 0x90"). objtool
// decodes those bytes as the instructions they are.
func (c *checker) codeBytes(k int) bool {
	st := &c.f.Stmts[k]
	return st.Kind == parser.Directive && st.Flags&parser.InlineAsm != 0 && dataDirective(c.f.Word(k)) && c.execSec(c.sec[k])
}

// execSec reports whether section sec holds code: its flags say "x", or it
// has no flags and a code section's name.
func (c *checker) execSec(sec string) bool {
	if c.exec == nil {
		c.exec = map[string]bool{}
		var buf [3]parser.Span
		for i := range c.f.Stmts {
			if c.f.Stmts[i].Kind != parser.Directive || !(c.f.WordIs(i, ".section") || c.f.WordIs(i, ".pushsection")) {
				continue
			}
			if args := c.f.SplitArgs(i, buf[:0]); len(args) >= 2 {
				flags := strings.TrimSpace(string(c.f.Src[args[1].Pos:args[1].End]))
				if strings.HasPrefix(flags, `"`) {
					if name, err := c.f.SectionName(i); err == nil {
						c.exec[name] = strings.Contains(flags, "x")
					}
				}
			}
		}
	}
	if x, ok := c.exec[sec]; ok {
		return x
	}
	return textName(sec)
}

func dataDirective(w string) bool {
	switch w {
	case ".byte", ".short", ".value", ".word", ".hword", ".2byte", ".long", ".int", ".4byte",
		".quad", ".8byte", ".octa", ".zero", ".skip", ".space", ".string", ".asciz", ".ascii",
		".float", ".single", ".double", ".fill", ".incbin", ".uleb128", ".sleb128":
		return true
	}
	return false
}

// inThunk reports whether statement i is inside a retpoline thunk body.
func (c *checker) inThunk(i int) bool {
	return c.owner[i] >= 0 && isThunkBody(c.funcs[c.owner[i]])
}

// reachedElsewhere: sections whose code is reached through tables, not
// symbols (the kernel's alternatives and fixups, optpoline's own blocks).
func reachedElsewhere(sec string) bool {
	return strings.HasPrefix(sec, ".text.optpoline") || sec == ".fixup" || strings.HasPrefix(sec, ".altinstr")
}

// checkLoose reports code outside every function once per stretch, as
// objtool does (it sees no function symbol covering it, so nothing
// reaches it). Inline asm and optpoline's own sections are left alone.
func (c *checker) checkLoose() {
	f := c.f
	inRun := false
	for i := range f.Stmts {
		st := &f.Stmts[i]
		if st.Kind != parser.Instr {
			continue
		}
		loose := c.owner[i] < 0 && st.Flags&parser.InlineAsm == 0 && !reachedElsewhere(c.sec[i])
		if loose && !inRun && !padding(f.Word(i), x86.Classify(f.Word(i))) {
			c.report(i, "", Unreachable, "unreachable instruction (outside any function: give its label a \".type NAME, @function\" and a .size)")
		}
		inRun = loose
	}
}
