package analysis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// StackState is the stack before an instruction: where the canonical frame
// address (CFA) is.
type StackState struct {
	Known  bool    // false when it could not be determined
	Reg    x86.Reg // x86.RSP or x86.RBP (or another register after .cfi_def_cfa_register)
	Offset int32   // CFA = Reg + Offset; at function entry {RSP, 8}
}

func (s StackState) String() string {
	if !s.Known {
		return "unknown"
	}
	return fmt.Sprintf("%s%+d", s.Reg, s.Offset)
}

// Entry is the state at a function's first instruction: CFA = rsp+8.
var Entry = StackState{Known: true, Reg: x86.RSP, Offset: 8}

// dwarfRegs maps DWARF register numbers (x86-64 psABI) to registers.
var dwarfRegs = [...]x86.Reg{
	x86.RAX, x86.RDX, x86.RCX, x86.RBX, x86.RSI, x86.RDI, x86.RBP, x86.RSP,
	x86.R8, x86.R9, x86.R10, x86.R11, x86.R12, x86.R13, x86.R14, x86.R15,
}

// cfiReg parses a .cfi register operand: a DWARF number or %name.
func cfiReg(s string) (x86.Reg, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "%") {
		r := x86.LookupReg(s[1:])
		return r, r != x86.NoReg
	}
	n, err := strconv.ParseUint(s, 0, 8)
	if err != nil || n >= uint64(len(dwarfRegs)) {
		return x86.NoReg, false
	}
	return dwarfRegs[n], true
}

func parseInt32(s string) (int32, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 32)
	return int32(n), err == nil
}

// Stack returns the state before each statement of fn (index i-fn.Start),
// as the function's CFI directives say. .cfi_startproc gives {rsp, 8};
// .cfi_def_cfa_offset, .cfi_def_cfa_register, .cfi_def_cfa,
// .cfi_adjust_cfa_offset and .cfi_remember_state/.cfi_restore_state follow;
// a directive takes effect for the statements after it. A .cfi_escape that
// defines the CFA by an expression (DW_CFA_def_cfa_expression, gcc's stack
// realignment) makes the state unknown until the next .cfi_def_cfa.
// Statements in another section inside fn (jump tables) get Known=false, as
// does everything when fn has no CFI.
func Stack(f *parser.File, fn Func) []StackState {
	out := make([]StackState, fn.End-fn.Start)
	if !fn.CFI || fn.CFIStart < 0 {
		return out
	}
	from := fn.CFIStart
	if from > fn.Start {
		from = fn.Start
	}
	var (
		cur      StackState // before the current statement
		remember []StackState
		buf      [4]parser.Span
	)
	t := newSecTracker(fn.Section)
	active := false
	for i := from; i < fn.End; i++ {
		// cur is the state before statement i.
		if i >= fn.Start {
			if active && t.cur() == fn.Section {
				out[i-fn.Start] = cur
			}
		}
		st := &f.Stmts[i]
		if st.Kind != parser.Directive {
			continue
		}
		if t.step(f, i) {
			continue
		}
		w := f.Word(i)
		if !strings.HasPrefix(w, ".cfi_") {
			continue
		}
		args := f.SplitArgs(i, buf[:0])
		arg := func(k int) string {
			if k < len(args) {
				return string(f.Src[args[k].Pos:args[k].End])
			}
			return ""
		}
		switch w {
		case ".cfi_startproc":
			if i == fn.CFIStart {
				active, cur = true, Entry
			}
		case ".cfi_endproc":
			if i == fn.CFIEnd {
				active, cur = false, StackState{}
			}
		case ".cfi_def_cfa_offset":
			off, ok := parseInt32(arg(0))
			if cur.Known && ok {
				cur.Offset = off
			} else {
				cur = StackState{}
			}
		case ".cfi_adjust_cfa_offset":
			off, ok := parseInt32(arg(0))
			if cur.Known && ok {
				cur.Offset += off
			} else {
				cur = StackState{}
			}
		case ".cfi_def_cfa_register":
			r, ok := cfiReg(arg(0))
			if cur.Known && ok {
				cur.Reg = r
			} else {
				cur = StackState{}
			}
		case ".cfi_def_cfa":
			r, ok1 := cfiReg(arg(0))
			off, ok2 := parseInt32(arg(1))
			if ok1 && ok2 {
				cur = StackState{Known: true, Reg: r, Offset: off}
			} else {
				cur = StackState{}
			}
		case ".cfi_remember_state":
			remember = append(remember, cur)
		case ".cfi_restore_state":
			if n := len(remember); n > 0 {
				cur, remember = remember[n-1], remember[:n-1]
			} else {
				cur = StackState{}
			}
		case ".cfi_escape":
			// The first byte is the DWARF CFA opcode. DW_CFA_expression (0x10),
			// DW_CFA_val_expression (0x16) and DW_CFA_GNU_args_size (0x2e)
			// describe other registers; anything else may move the CFA.
			switch op, _ := strconv.ParseUint(strings.TrimSpace(arg(0)), 0, 8); op {
			case 0x10, 0x16, 0x2e:
			default:
				cur = StackState{}
			}
		}
	}
	return out
}
