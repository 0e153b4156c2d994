package objtoolcheck

import (
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
)

// checkCFI compares the function's CFI with the computed frame: the CFA at
// every reached instruction (the first disagreement only: one mistake
// shifts everything after it) and every .cfi_offset of a callee-saved
// register.
func (c *checker) checkCFI(fl *analysis.Flow) {
	fn := fl.Fn
	if !fn.CFI || fn.CFIStart < 0 {
		return
	}
	f := c.f
	cfi := analysis.Stack(f, fn)
	var buf [2]parser.Span
	cfaDone := false
	for i := fn.Start; i < fn.End; i++ {
		r := i - fn.Start
		s := fl.In[r]
		if !fl.Own[r] || !s.Reached || !s.CFA.Known {
			continue
		}
		st := &f.Stmts[i]
		switch {
		case st.Kind == parser.Instr && !cfaDone:
			if d := cfi[r]; d.Known && d != s.CFA {
				c.report(i, fn.Name, CFI, "CFI says cfa=%s here, the instructions give cfa=%s", d, s.CFA)
				cfaDone = true
			}
		case st.Kind == parser.Directive && f.WordIs(i, ".cfi_offset"):
			args := f.SplitArgs(i, buf[:0])
			if len(args) != 2 {
				continue
			}
			reg, ok1 := cfiRegister(strings.TrimSpace(string(f.Src[args[0].Pos:args[0].End])))
			off, err := strconv.ParseInt(strings.TrimSpace(string(f.Src[args[1].Pos:args[1].End])), 0, 32)
			if !ok1 || err != nil {
				continue
			}
			for k, cs := range analysis.CalleeSaved {
				if cs.String() != reg {
					continue
				}
				switch got := s.Saved[k]; {
				case got == 0:
					c.report(i, fn.Name, CFI, ".cfi_offset says %%%s is saved at cfa%+d, but it is not saved here", reg, off)
				case int64(got) != off:
					c.report(i, fn.Name, CFI, ".cfi_offset says %%%s is saved at cfa%+d, the instructions saved it at cfa%+d", reg, off, got)
				}
			}
		}
	}
}

// dwarfNames are the DWARF numbers of the x86-64 general registers.
var dwarfNames = [...]string{"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// cfiRegister reads a CFI register operand: "%rbx" or its DWARF number "3".
func cfiRegister(s string) (string, bool) {
	if name, ok := strings.CutPrefix(s, "%"); ok {
		return name, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= len(dwarfNames) {
		return "", false
	}
	return dwarfNames[n], true
}

// checkCFIBalance checks the CFI nesting over the whole file:
// .cfi_startproc/.cfi_endproc pairs and, inside each,
// .cfi_remember_state/.cfi_restore_state.
func (c *checker) checkCFIBalance() {
	f := c.f
	open, remembered := -1, 0
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive {
			continue
		}
		switch f.Word(i) {
		case ".cfi_startproc":
			if open >= 0 {
				c.report(i, c.funcName(i), CFI, ".cfi_startproc inside the open .cfi_startproc of line %d", f.Stmts[open].Line)
			}
			open, remembered = i, 0
		case ".cfi_endproc":
			if open < 0 {
				c.report(i, c.funcName(i), CFI, ".cfi_endproc without .cfi_startproc")
			} else if remembered > 0 {
				c.report(i, c.funcName(i), CFI, ".cfi_endproc with %d .cfi_remember_state not restored", remembered)
			}
			open = -1
		case ".cfi_remember_state":
			remembered++
		case ".cfi_restore_state":
			if remembered == 0 {
				c.report(i, c.funcName(i), CFI, ".cfi_restore_state without .cfi_remember_state")
			} else {
				remembered--
			}
		}
	}
	if open >= 0 {
		c.report(open, c.funcName(open), CFI, ".cfi_startproc without .cfi_endproc")
	}
}
