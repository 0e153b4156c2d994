package analysis

import (
	"fmt"
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// Reasons IsTailCall gives.
const (
	ReasonJumpTable    = "jump table follows"
	ReasonAddrTaken    = "function has address-taken labels"
	ReasonTailComment  = "TAILCALL comment"
	ReasonStackUnknown = "stack unknown"
)

// IsTailCall decides, for an indirect jmp (or a jmp to a retpoline thunk)
// at statement i inside fn, whether it is a real tail call, following
// asm-forms.md "Rules for the matcher" rule 3:
//
//   - not a tail call if the next non-blank statement is a .section
//     switching to .rodata* (gcc's jump table right after the jmp);
//   - a tail call if clang's "# TAILCALL" comment is on the jmp line (it
//     overrides the data-reference test);
//   - not a tail call if fn defines a label (other than a function symbol)
//     in addr (AddressTaken): the function dispatches through a table or a
//     computed goto;
//   - else a tail call iff the stack state at i is {RSP, 8}; unknown is not.
//
// stack is Stack(f, fn) or ComputeStack's states; nil means Stack when
// fn.CFI, else ComputeStack. addr nil means AddressTaken(f). reason says
// which rule decided, for --stats: ReasonJumpTable, ReasonTailComment,
// ReasonAddrTaken, ReasonStackUnknown or "CFA=rsp+8", "CFA=rsp+24", ….
func IsTailCall(f *parser.File, fn Func, i int, stack []StackState, addr map[string]bool) (tail bool, reason string) {
	for j := i + 1; j < len(f.Stmts); j++ {
		st := &f.Stmts[j]
		if st.Kind == parser.Blank {
			continue
		}
		if st.Kind == parser.Directive && (f.WordIs(j, ".section") || f.WordIs(j, ".pushsection")) {
			if n, err := f.SectionName(j); err == nil && (n == ".rodata" || strings.HasPrefix(n, ".rodata.")) {
				return false, ReasonJumpTable
			}
		}
		break
	}
	if strings.Contains(f.Comment(i), "TAILCALL") {
		return true, ReasonTailComment
	}
	if addr == nil {
		addr = AddressTaken(f)
	}
	if hasAddrTakenLabel(f, fn, addr) {
		return false, ReasonAddrTaken
	}
	if stack == nil {
		if fn.CFI {
			stack = Stack(f, fn)
		} else {
			stack, _ = ComputeStack(f, fn)
		}
	}
	if i < fn.Start || i-fn.Start >= len(stack) || !stack[i-fn.Start].Known {
		return false, ReasonStackUnknown
	}
	s := stack[i-fn.Start]
	return s.Reg == x86.RSP && s.Offset == 8, fmt.Sprintf("CFA=%s%+d", s.Reg, s.Offset)
}

// hasAddrTakenLabel reports whether fn defines, in its own section, a label
// in addr that is not a function symbol.
func hasAddrTakenLabel(f *parser.File, fn Func, addr map[string]bool) bool {
	if len(addr) == 0 {
		return false
	}
	t := newSecTracker(fn.Section)
	for j := fn.Start; j < fn.End; j++ {
		if t.step(f, j) {
			continue
		}
		st := &f.Stmts[j]
		if st.Kind != parser.Label || st.Flags&parser.Numeric != 0 || j == fn.Label || t.cur() != fn.Section {
			continue
		}
		if addr[f.Word(j)] && !isFuncLabel(f, j) {
			return true
		}
	}
	return false
}

// isFuncLabel reports whether the label at j is typed @function (a .type
// for it before or after, looked up via the file info cache).
func isFuncLabel(f *parser.File, j int) bool {
	_, ok := infoOf(f).byName[f.Word(j)]
	return ok
}
