package analysis

import (
	"fmt"
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// FrameState is the computed frame before one statement: the CFA and where
// the callee-saved registers are saved.
type FrameState struct {
	Reached bool // some path from the entry gets here
	CFA     StackState
	// Saved[k] is the CFA-relative offset where CalleeSaved[k] was saved,
	// 0 while it holds the caller's value.
	Saved [len(CalleeSaved)]int32
	// SavedBP[k] is where CalleeSaved[k] was saved relative to %rbp, in
	// a realigned (DRAP) frame whose rsp is known only relative to rbp.
	SavedBP [len(CalleeSaved)]int32
	// DRAPLost says the DRAP register was popped from another register's
	// slot, so the CFA it gives back is wrong.
	DRAPLost bool
	// BPUnrestored says a realigned frame saved the caller's %rbp at
	// [rbp+0] and has not popped it back.
	BPUnrestored bool
	// FrameSetUp says "push %rbp; mov %rsp, %rbp" ran (and no pop %rbp
	// or leave since): frame-pointer unwinding works here.
	FrameSetUp bool
	// Swizzled says the code switched stacks as the kernel's
	// call_on_stack does ("mov %rsp, (%reg); mov %reg, %rsp", undone by
	// "pop %rsp"): the CFA is unknown here but comes back.
	Swizzled bool
}

// Modified reports whether the frame differs from the one at entry:
// CFA not rsp+8, or a callee-saved register not given back.
func (s FrameState) Modified() bool {
	return s.CFA != Entry || s.Saved != [len(CalleeSaved)]int32{} || s.SavedBP != [len(CalleeSaved)]int32{} || s.DRAPLost || s.BPUnrestored
}

// String formats s as objtool does for a mismatch: "cfa=rsp+16" plus each
// saved register.
func (s FrameState) String() string {
	var b strings.Builder
	if s.CFA.Known {
		fmt.Fprintf(&b, "cfa=%s", s.CFA)
	} else {
		b.WriteString("cfa=undefined")
	}
	for k, off := range s.Saved {
		if off != 0 {
			fmt.Fprintf(&b, " %s@cfa%d", CalleeSaved[k], off)
		}
	}
	for k, off := range s.SavedBP {
		if off != 0 {
			fmt.Fprintf(&b, " %s@rbp%d", CalleeSaved[k], off)
		}
	}
	return b.String()
}

// A Conflict is an instruction that two paths reach with different frames.
// First is the state that was kept (the path walked first), Second the
// other.
type Conflict struct {
	At            int // statement index
	First, Second FrameState
}

// Flow is the validator's view of one function's stack: the frame before
// every statement, computed the way ComputeStack does, but strict at joins:
// saved registers must agree too, and a conflicting join keeps the first
// state (objtool's rule) so that one mistake is reported once.
type Flow struct {
	Fn        Func
	In        []FrameState // index i-Fn.Start
	Conflicts []Conflict
	// Own[i-Fn.Start] says statement i is in the function's section (a
	// jump table between its instructions is not).
	Own []bool
	// Dispatch says the function has address-taken labels, so its indirect
	// jumps dispatch inside it (jump tables, computed goto) rather than
	// tail-call.
	Dispatch bool
}

// ComputeFlow computes fn's Flow. Calls to the functions in noreturn end a
// path, as do those IsNoreturn knows and the file's own dead ends.
func ComputeFlow(f *parser.File, fn Func, noreturn map[string]bool) *Flow {
	info := infoOf(f)
	cs, cfs, dispatch := computeStack(f, fn, info, true, noreturn)
	fl := &Flow{Fn: fn, In: make([]FrameState, len(cs)), Own: make([]bool, len(cs)), Dispatch: dispatch}
	t := newSecTracker(fn.Section)
	for i, c := range cs {
		fl.In[i] = c.frame()
		fl.Own[i] = t.cur() == fn.Section
		t.step(f, fn.Start+i)
	}
	for _, c := range cfs {
		fl.Conflicts = append(fl.Conflicts, Conflict{c.At, c.first.frame(), c.second.frame()})
	}
	return fl
}

func (s cstate) frame() FrameState {
	return FrameState{Reached: s.set, CFA: s.public(), Saved: s.saved, SavedBP: s.savedB, DRAPLost: s.drapLost, BPUnrestored: s.bpSavedAnc, FrameSetUp: s.fpSet, Swizzled: s.swz}
}

// FileFuncs is Funcs(f), computed once per file and shared with
// ComputeFlow and ComputeStack.
func FileFuncs(f *parser.File) []Func { return infoOf(f).funcs }

// NeverReturns reports whether a call to sym never returns: the built-in
// list (IsNoreturn) or a function of f with no way out.
func NeverReturns(f *parser.File, sym string) bool {
	return IsNoreturn(sym) || infoOf(f).deadEnd[sym]
}

// DirectTarget returns the symbol a direct call or jump at statement i
// names ("foo" for "call foo@PLT"); false for indirect branches and
// targets with an addend.
func DirectTarget(f *parser.File, i int) (string, bool) {
	var ops [2]parser.Operand
	return directTarget(f, i, ops[:0])
}

// IsThunk reports whether sym is a retpoline or return thunk.
func IsThunk(sym string) bool {
	k, _ := x86.Thunk(sym)
	return k != x86.NotThunk
}

// IsReturnThunk reports whether sym is the return thunk (a jmp to it is a
// return).
func IsReturnThunk(sym string) bool {
	k, _ := x86.Thunk(sym)
	return k == x86.ReturnThunk
}
