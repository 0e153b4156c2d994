package objtoolcheck

import (
	"fmt"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// finding is a candidate the function walk collects before it reports.
type finding struct {
	at      int
	id, msg string
}

// checkFunc runs the checks that follow one function's control flow: the
// stack-* family (one finding per function, the first in source order, as
// objtool stops at the first), unreachable (the first), fall-through,
// frame-pointer, unsupported instructions and CFI.
func (c *checker) checkFunc(fl *analysis.Flow) {
	fn := fl.Fn
	f := c.f
	if isThunkBody(fn) || c.ann.nonStandard[fn.Name] {
		return // speculation traps; STACK_FRAME_NON_STANDARD (objtool skips it too)
	}
	seeded := false
	for _, s := range fl.In {
		if s.Reached {
			seeded = true
			break
		}
	}
	if !seeded {
		return // a cold part whose parent is not in this file
	}
	var stack []finding
	add := func(i int, id, format string, args ...any) {
		stack = append(stack, finding{i, id, fmt.Sprintf(format, args...)})
	}
	for _, cf := range fl.Conflicts {
		add(cf.At, StackMismatch, "stack state mismatch: %s", mismatch(cf.First, cf.Second))
	}
	unreachable, prev, exempt, bpScratch := -1, -1, false, -1
	var ops [4]parser.Operand
	for i := fn.Start; i < fn.End; i++ {
		r := i - fn.Start
		if !fl.Own[r] || f.Stmts[i].Kind != parser.Instr {
			continue
		}
		s := fl.In[r]
		w := f.Word(i)
		cls := x86.Classify(w)
		after := prev
		prev = i
		if !s.Reached {
			// A dead run right after a call is left alone: the compiler
			// put it there because it does not know that the callee never
			// returns (one this file shows never returns, say). Inline asm
			// is opaque to the compiler too.
			if after < 0 || fl.In[after-fn.Start].Reached {
				exempt = after >= 0 && x86.Classify(f.Word(after)) == x86.Call
			}
			if unreachable < 0 && !exempt && !padding(w, cls) && f.Stmts[i].Flags&parser.InlineAsm == 0 {
				unreachable = i
			}
			continue
		}
		if isUnsupported(w, cls) {
			c.report(i, fn.Name, Unsupported, "unsupported instruction in callable function (%s)", w)
		}
		os, _ := f.Operands(i, ops[:0])
		if cls == x86.Jmp {
			if tgt, ok := analysis.DirectTarget(f, i); ok && analysis.IsReturnThunk(tgt) {
				cls = x86.Ret
			}
		}
		switch {
		case cls == x86.Ret:
			if bpScratch >= 0 {
				// objtool reports it where the function returns.
				add(i, FramePointer, "BP used as a scratch register (line %d)", f.Stmts[bpScratch].Line)
				bpScratch = -2
			}
			switch {
			case !s.CFA.Known:
				add(i, StackUndef, "return with undefined stack state")
			case s.Modified():
				add(i, StackRet, "return with modified stack frame (%s)", frameDiff(s))
			}
		case cls == x86.Jmp && c.leavesFunc(fl, i, os):
			switch {
			case !s.CFA.Known:
				add(i, StackUndef, "sibling call with undefined stack state")
			case s.Modified():
				add(i, StackSibling, "sibling call from callable instruction with modified stack frame (%s)", frameDiff(s))
			}
		case cls == x86.Jcc && c.leavesFunc(fl, i, os):
			// A conditional tail call (clang's "jne f # TAILCALL").
			if s.CFA.Known && s.Modified() {
				add(i, StackSibling, "sibling call from callable instruction with modified stack frame (%s)", frameDiff(s))
			}
		case cls == x86.Call && c.intraCall(fn, i):
			if !c.ann.intraCall[i] {
				c.report(i, fn.Name, Unsupported, "unannotated intra-function call (annotate it in .discard.intra_function_calls)")
			}
		case cls == x86.Call:
			if c.cfg.on(FramePointer) && s.CFA.Known && !s.FrameSetUp {
				add(i, FramePointer, "call without frame pointer save/setup (cfa=%s)", s.CFA)
			}
		case c.cfg.on(FramePointer) && writesBP(w, cls, os):
			if bpScratch < 0 {
				bpScratch = i
			}
		case stackOp(w, cls, os):
			if !s.CFA.Known && !s.Swizzled {
				add(i, StackUndef, "undefined stack state at %s", w)
			} else if isAndRSP(w, os) && s.CFA.Reg == x86.RSP {
				add(i, StackRealign, "unsupported stack pointer realignment (cfa=%s: set up a frame or DRAP register first)", s.CFA)
			}
		}
	}
	if bpScratch >= 0 {
		add(bpScratch, FramePointer, "BP used as a scratch register")
	}
	if len(stack) > 0 {
		first := stack[0]
		for _, x := range stack[1:] {
			if x.at < first.at {
				first = x
			}
		}
		c.report(first.at, fn.Name, first.id, "%s", first.msg)
	}
	if unreachable >= 0 {
		c.report(unreachable, fn.Name, Unreachable, "unreachable instruction")
	}
	if last := c.lastInstr(fn); last >= 0 && fl.In[last-fn.Start].Reached && !c.deadEnd(last) {
		c.report(last, fn.Name, Fallthrough, "%s", c.fallMessage(fn))
	}
	c.checkCFI(fl)
}

// leavesFunc reports whether the jmp at i leaves the function: a direct
// jump to something that is not one of its labels, or an indirect jump
// (or thunk jump) in a function without jump tables or computed goto.
func (c *checker) leavesFunc(fl *analysis.Flow, i int, os []parser.Operand) bool {
	fn := fl.Fn
	if len(os) == 1 && os[0].Indirect {
		return !fl.Dispatch
	}
	tgt, ok := analysis.DirectTarget(c.f, i)
	if !ok {
		return false // jmp .L1+1 and the like: bad-jump's business
	}
	if analysis.IsThunk(tgt) || analysis.IsDispatchPlaceholder(tgt) {
		return !fl.Dispatch
	}
	if j, ok := c.labels[tgt]; ok {
		if j >= fn.Start && j < fn.End {
			return false
		}
		// A gcc cold part is the same function.
		if k, ok := c.byName[fn.Name+".cold"]; ok {
			if cf := c.funcs[k]; j >= cf.Start && j < cf.End {
				return false
			}
		}
		if p, ok := strings.CutSuffix(fn.Name, ".cold"); ok {
			if k, ok := c.byName[p]; ok {
				if pf := c.funcs[k]; j >= pf.Start && j < pf.End {
					return false
				}
			}
		}
		if _, isFn := c.byName[tgt]; !isFn && strings.HasPrefix(tgt, ".L") {
			return false // a local label elsewhere: bad-jump's business
		}
	}
	if _, ok := analysis.NumericLabel(c.f, i, tgt); ok {
		return false
	}
	return true
}

// intraCall reports whether the call at i targets a label of fn (the
// retpoline thunk idiom).
func (c *checker) intraCall(fn analysis.Func, i int) bool {
	tgt, ok := analysis.DirectTarget(c.f, i)
	if !ok {
		return false
	}
	if _, isFn := c.byName[tgt]; isFn {
		return false // recursion
	}
	if j, ok := c.labels[tgt]; ok && j >= fn.Start && j < fn.End {
		return true
	}
	_, ok = analysis.NumericLabel(c.f, i, tgt)
	return ok
}

func (c *checker) fallMessage(fn analysis.Func) string {
	for _, g := range c.funcs {
		if g.Start >= fn.End && g.Section == fn.Section {
			return fmt.Sprintf("%s() falls through to next function %s()", symName(fn.Name), symName(g.Name))
		}
	}
	return fmt.Sprintf("%s() falls through to the end of section %s", symName(fn.Name), fn.Section)
}

// padding is what compilers and assemblers put where nothing runs.
func padding(w string, cls x86.Class) bool {
	return strings.HasPrefix(w, "nop") || cls == x86.Trap
}

func isUnsupported(w string, cls x86.Class) bool {
	switch w {
	case "syscall", "sysenter", "sysexit", "sysret", "sysretq", "sysretl", "sysexitq", "sysexitl":
		return true
	}
	return cls == x86.FarRet || cls == x86.FarJmp
}

// stackOp reports whether the instruction moves %rsp.
func stackOp(w string, cls x86.Class, os []parser.Operand) bool {
	switch cls {
	case x86.Push, x86.Pop, x86.PushF, x86.PopF, x86.Leave:
		return true
	}
	if len(os) == 2 && os[1].Kind == parser.OpReg && os[1].Reg == x86.RSP {
		return !strings.HasPrefix(w, "cmp") && !strings.HasPrefix(w, "test")
	}
	return false
}

// writesBP reports an instruction that writes %rbp other than by setting
// up or tearing down the frame.
func writesBP(w string, cls x86.Class, os []parser.Operand) bool {
	if cls == x86.Pop || cls == x86.Leave || len(os) == 0 {
		return false
	}
	d := os[len(os)-1]
	if d.Kind != parser.OpReg || d.Reg.Full() != x86.RBP || len(os) == 1 && cls == x86.Push {
		return false
	}
	if strings.HasPrefix(w, "cmp") || strings.HasPrefix(w, "test") || strings.HasPrefix(w, "push") || strings.HasPrefix(w, "bt") {
		return false
	}
	if strings.HasPrefix(w, "mov") && len(os) == 2 && os[0].Kind == parser.OpReg && os[0].Reg == x86.RSP {
		return false // the frame setup
	}
	return true
}

func isAndRSP(w string, os []parser.Operand) bool {
	return strings.HasPrefix(w, "and") && len(os) == 2 && os[1].Kind == parser.OpReg && os[1].Reg == x86.RSP
}

// frameDiff says how s differs from the entry frame.
func frameDiff(s analysis.FrameState) string {
	var parts []string
	if s.CFA != analysis.Entry {
		parts = append(parts, fmt.Sprintf("cfa=%s, expected rsp+8", s.CFA))
	}
	for k, off := range s.Saved {
		if off != 0 {
			parts = append(parts, fmt.Sprintf("%%%s saved at cfa%d not restored", analysis.CalleeSaved[k], off))
		}
	}
	for k, off := range s.SavedBP {
		if off != 0 {
			parts = append(parts, fmt.Sprintf("%%%s saved at rbp%d not restored", analysis.CalleeSaved[k], off))
		}
	}
	if s.BPUnrestored {
		parts = append(parts, "%rbp saved at rbp+0 not restored")
	}
	if s.DRAPLost {
		parts = append(parts, "the DRAP register was popped from another register's slot")
	}
	return strings.Join(parts, "; ")
}

// mismatch describes two frames the way objtool does: cfa1 and cfa2, or
// the first saved register that differs.
func mismatch(a, b analysis.FrameState) string {
	if a.CFA != b.CFA {
		return fmt.Sprintf("cfa1=%s cfa2=%s", cfaString(a), cfaString(b))
	}
	for k := range a.Saved {
		if a.Saved[k] != b.Saved[k] {
			return fmt.Sprintf("%%%s: reg1=%s reg2=%s", analysis.CalleeSaved[k], savedString(a.Saved[k]), savedString(b.Saved[k]))
		}
	}
	return a.String() + " vs " + b.String()
}

func cfaString(s analysis.FrameState) string {
	if !s.CFA.Known {
		return "undefined"
	}
	return s.CFA.String()
}

func savedString(off int32) string {
	if off == 0 {
		return "unsaved"
	}
	return fmt.Sprintf("cfa%d", off)
}
