package analysis

import (
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// cstate is ComputeStack's state before a statement. The CFA is cfa+off;
// cfa == NoReg means unknown. The other fields say where rsp, rbp and one
// copy of rsp are relative to the CFA, as objtool's cfi_state does.
type cstate struct {
	set    bool // reached by some path
	cfa    x86.Reg
	off    int32
	spOK   bool
	sp     int32 // rsp = CFA - sp (the stack size, return address included)
	fpOK   bool
	fp     int32 // rbp = CFA - fp
	bpSlot int32 // sp right after "push %rbp" (rbp saved at the top), 0 if none
	// cps are the registers holding a copy of rsp (or another address
	// in the frame): cps[k].r = CFA - cps[k].off. objtool keeps one per
	// register; four are enough for compiler output (gcc keeps two when
	// it passes a struct on the stack around a call).
	cps [4]rspCopy
	// saved[k] is where callee-saved register CalleeSaved[k] was saved,
	// as an offset from the CFA (negative), or 0 while it holds the
	// caller's value.
	saved [len(CalleeSaved)]int32
	// drapPushed: the CFA register (gcc's DRAP, r10 or r13) was pushed,
	// so popping it gives the CFA back.
	drapPushed bool
	// bpTop: the last stack operation was "push %rbp"; fpSet: the frame
	// pointer was set up ("push %rbp; mov %rsp, %rbp") and not torn down.
	bpTop, fpSet bool
	// After "mov %rsp, %rbp" in a realigned frame (rsp unknown relative
	// to the CFA), rsp is still known relative to rbp: rsp = rbp - spB.
	// savedB holds the registers saved there (rbp-relative offsets) and
	// drapB the DRAP register's slot, so that a lost or misplaced pop in
	// a DRAP epilogue is seen.
	bpAnc, spBOK bool
	spB          int32
	savedB       [len(CalleeSaved)]int32
	drapB        int32
	drapLost     bool
	bpSavedAnc   bool // the caller's rbp is at [rbp+0] of the anchored frame
	// A stack swizzle, as the kernel's call_on_stack writes it and objtool
	// models it: "mov %rsp, (%tos)" leaves in tos a pointer to the old rsp
	// (taken when rsp was CFA - tosSP); "mov %tos, %rsp" switches to the
	// new stack (swz: the CFA is then [rsp] + swzOff, objtool's
	// SP_INDIRECT, unknown to the rest of the model); "pop %rsp" with
	// nothing else left pushed on it (swzDepth 0) switches back.
	tos      x86.Reg
	tosSP    int32
	swz      bool
	swzOff   int32
	swzDepth int32
}

// CalleeSaved are the registers a function must give back as it got them
// (the SysV x86-64 ABI's), in the order of FrameState.Saved.
var CalleeSaved = [...]x86.Reg{x86.RBX, x86.RBP, x86.R12, x86.R13, x86.R14, x86.R15}

func savedIndex(r x86.Reg) int {
	for k, c := range CalleeSaved {
		if c == r {
			return k
		}
	}
	return -1
}

// save records that r was stored at CFA+off, unless it already was.
func (s *cstate) save(r x86.Reg, off int32) {
	if k := savedIndex(r); k >= 0 && s.saved[k] == 0 {
		s.saved[k] = off
	}
}

// restore records that r was loaded from CFA+off: if that is where it was
// saved, it holds the caller's value again.
func (s *cstate) restore(r x86.Reg, off int32) {
	if k := savedIndex(r); k >= 0 && s.saved[k] == off {
		s.saved[k] = 0
	}
}

var entryState = cstate{set: true, cfa: x86.RSP, off: 8, spOK: true, sp: 8}

func (s cstate) public() StackState {
	if !s.set || s.cfa == x86.NoReg {
		return StackState{}
	}
	return StackState{Known: true, Reg: s.cfa, Offset: s.off}
}

func (s *cstate) unknown() { s.cfa, s.off = x86.NoReg, 0 }

// merge merges b into a and reports whether a changed and whether the CFAs
// conflicted. In strict mode (the validator's) saved registers conflict
// too, and a conflict leaves a as it was: like objtool, the first state to
// reach an instruction is the one it keeps.
func merge(a *cstate, b cstate, strict bool) (changed, conflict bool) {
	if !a.set {
		*a = b
		return true, false
	}
	old := *a
	if strict && a.cfa != x86.NoReg && b.cfa != x86.NoReg && (a.cfa != b.cfa || a.off != b.off || a.saved != b.saved || a.savedB != b.savedB || a.drapLost != b.drapLost || a.bpSavedAnc != b.bpSavedAnc) {
		return false, true
	}
	if a.cfa != b.cfa || a.off != b.off {
		if a.cfa != x86.NoReg && b.cfa != x86.NoReg {
			conflict = true
		}
		a.unknown()
	}
	if a.saved != b.saved {
		a.saved = [len(CalleeSaved)]int32{}
	}
	if a.spOK != b.spOK || a.sp != b.sp {
		a.spOK, a.sp = false, 0
	}
	if a.fpOK != b.fpOK || a.fp != b.fp {
		a.fpOK, a.fp = false, 0
	}
	if a.drapPushed != b.drapPushed {
		a.drapPushed = false
	}
	if a.bpAnc != b.bpAnc || a.spBOK != b.spBOK || a.spB != b.spB || a.drapB != b.drapB {
		a.bpAnc, a.spBOK, a.spB, a.drapB = false, false, 0, 0
	}
	a.drapLost = a.drapLost || b.drapLost
	a.bpSavedAnc = a.bpSavedAnc && b.bpSavedAnc
	if a.savedB != b.savedB {
		a.savedB = [len(CalleeSaved)]int32{}
	}
	a.bpTop = a.bpTop && b.bpTop
	a.fpSet = a.fpSet && b.fpSet
	if a.bpSlot != b.bpSlot {
		a.bpSlot = 0
	}
	if a.cps != b.cps {
		var keep [4]rspCopy
		n := 0
		for _, c := range a.cps {
			if c.r != x86.NoReg {
				if off, ok := b.copyOf(c.r); ok && off == c.off {
					keep[n] = c
					n++
				}
			}
		}
		a.cps = keep
	}
	if a.tos != b.tos || a.tosSP != b.tosSP {
		a.tos, a.tosSP = x86.NoReg, 0
	}
	if a.swz != b.swz || a.swzOff != b.swzOff || a.swzDepth != b.swzDepth {
		a.swz, a.swzOff, a.swzDepth = false, 0, 0
	}
	return *a != old, conflict
}

// ComputeStack computes the state before each statement of fn (index
// i-fn.Start) from the instructions alone, by dataflow over the function's
// control-flow graph, and reports it the way the compilers' CFI does
// (CFA = rsp+8 at entry; rbp+16 after "push %rbp; mov %rsp,%rbp"), so that
// the two can be compared.
//
// Modelled: push/pop (±8, pushw/popw ±2), pushf/popf, add/sub $imm,%rsp,
// lea d(%rsp),%rsp, lea d(%rbp),%rsp, mov %rsp,%rbp right after push %rbp
// (frame pointer: CFA becomes rbp-based), mov %rbp,%rsp, leave, pop %rbp
// (back to rsp-based), copies of rsp in another register and back, and
// and $-N,%rsp (stack realignment: the CFA stays where it is when it is
// rbp-based or DRAP-based, as after gcc's "lea 8(%rsp),%r10; and $-N,%rsp",
// and becomes unknown otherwise). Any other write to the CFA register makes
// the state unknown. ret, jmp out of the function (tail call), indirect jmp,
// ud2 and calls to noreturn functions (IsNoreturn, and functions of the file
// with no way out) end a path; jcc/jmp to a label of the function propagate
// the state; an indirect jmp also propagates to the function's
// address-taken labels (jump tables, computed goto). A gcc cold part
// ("f.cold") starts from the states of f's jumps into it.
//
// The kernel's constructs are modelled as objtool models them: the
// alternatives of .altinstructions and the fixups of __ex_table are reached
// with the state of the instruction they stand for (see special), falling
// onto a .pushsection block skips it, .discard.unreachable and
// .discard.reachable make the instruction before their label a dead end or
// not, an iret is "add $40, %rsp" (sync_core's iret to self), and
// call_on_stack's stack swizzle ("mov %rsp, (%r); mov %r, %rsp" … "pop
// %rsp") leaves the CFA unknown until the pop gives it back. Up to four
// registers may hold a copy of rsp; a call forgets those in caller-saved
// registers unless the callee is a function of the file (gcc's -fipa-ra).
//
// Where paths meet with different CFAs the state becomes unknown and the
// statement index (absolute) is returned in conflicts. Statements no path
// reaches, and statements in another section, are Known=false.
func ComputeStack(f *parser.File, fn Func) (states []StackState, conflicts []int) {
	info := infoOf(f)
	cs, cfs, _ := computeStack(f, fn, info, false, nil)
	for _, c := range cfs {
		conflicts = append(conflicts, c.At)
	}
	states = make([]StackState, len(cs))
	t := newSecTracker(fn.Section)
	for i := fn.Start; i < fn.End; i++ {
		if t.cur() == fn.Section {
			states[i-fn.Start] = cs[i-fn.Start].public()
		}
		t.step(f, i)
	}
	return states, conflicts
}

// conflict is a join where two paths disagree: first is the state kept.
type conflict struct {
	At            int
	first, second cstate
}

// The third result says fn has address-taken labels (its indirect jumps
// dispatch).
func computeStack(f *parser.File, fn Func, info *fileInfo, strict bool, noreturn map[string]bool) ([]cstate, []conflict, bool) {
	n := fn.End - fn.Start
	in := make([]cstate, n)
	if n == 0 {
		return in, nil, false
	}
	labels := funcLabels(f, fn)
	// Targets of the function's indirect jumps: its address-taken labels
	// (not function symbols).
	var tableTargets []int
	for name, i := range labels {
		if info.addr[name] {
			if _, isFn := info.byName[name]; !isFn {
				tableTargets = append(tableTargets, i)
			}
		}
	}

	var (
		work      []int
		inWork    = make([]bool, n)
		conflicts []conflict
	)
	push := func(i int, s cstate) {
		if i < fn.Start || i >= fn.End {
			return
		}
		r := i - fn.Start
		first := in[r]
		ch, cf := merge(&in[r], s, strict)
		if cf {
			conflicts = append(conflicts, conflict{i, first, s})
		}
		if ch && !inWork[r] {
			inWork[r] = true
			work = append(work, r)
		}
	}
	seeded := false
	var (
		pf  Func
		pin []cstate
	)
	if parent, ok := coldParent(fn.Name); ok {
		if k, ok := info.byName[parent]; ok && parent != fn.Name && !strings.HasSuffix(parent, ".cold") {
			pf = info.funcs[k]
			pin, _, _ = computeStack(f, pf, info, strict, noreturn)
			var ops [4]parser.Operand
			for i := pf.Start; i < pf.End; i++ {
				if f.Stmts[i].Kind != parser.Instr || !pin[i-pf.Start].set {
					continue
				}
				c := x86.Classify(f.Word(i))
				if c != x86.Jmp && c != x86.Jcc {
					continue
				}
				if tgt, ok := directTarget(f, i, ops[:0]); ok {
					if j, ok := labelIndex(f, tgt, fn); ok {
						push(j, pin[i-pf.Start])
						seeded = true
					}
				}
			}
		}
	}
	if !seeded && pin == nil {
		push(fn.Start, entryState)
	}
	// Exception landing pads of fn: reached from the calls in their
	// call-site ranges, with the state there.
	type pad struct{ at, from int }
	var pads []pad
	for name, i := range labels {
		for _, from := range info.pads[name] {
			if j, ok := labels[from]; ok {
				pads = append(pads, pad{i, j})
			} else if pin != nil {
				if j, ok := labelIndex(f, from, pf); ok {
					pads = append(pads, pad{i, -1 - j})
				}
			}
		}
	}

	// local finds a branch target named at statement i among fn's labels,
	// numeric ones ("1f") included.
	local := func(i int, tgt string) (int, bool) {
		if j, ok := labels[tgt]; ok {
			return j, true
		}
		return NumericLabel(f, i, tgt)
	}
	var ops [4]parser.Operand
	for {
		if len(work) == 0 {
			for _, p := range pads {
				var s cstate
				if p.from >= 0 {
					s = in[p.from-fn.Start]
				} else {
					s = pin[-1-p.from-pf.Start]
				}
				if s.set {
					push(p.at, s)
				}
			}
			if len(work) == 0 {
				break
			}
		}
		r := work[len(work)-1]
		work = work[:len(work)-1]
		inWork[r] = false
		i := fn.Start + r
		s := in[r]
		if f.Stmts[i].Kind != parser.Instr {
			// The kernel's alternatives and exception table (see special).
			for _, j := range info.sp.edges[i] {
				push(j, s)
			}
			if e, ok := info.sp.altEnd[i]; ok {
				push(e, s) // a replacement's end: on after the original
				continue
			}
			if IsUD2Bytes(f, i) || info.sp.deadAfter[i] {
				continue
			}
			if f.Stmts[i].Kind == parser.Directive {
				switch f.Word(i) {
				case ".pushsection":
					// Falling onto a pushed block goes past it: its
					// bytes are elsewhere.
					if e, ok := info.sp.popEnd[i]; ok {
						push(e, s)
						continue
					}
				case ".popsection":
					continue // the end of a pushed block reached by a jump
				}
			}
			push(i+1, s)
			continue
		}
		w := f.Word(i)
		os, err := f.Operands(i, ops[:0])
		if err != nil {
			s.unknown()
			push(i+1, s)
			continue
		}
		if Stops(w) {
			continue
		}
		switch c := x86.Classify(w); c {
		case x86.Jmp:
			if tgt, ok := directTarget(f, i, ops[:0]); ok {
				k, _ := x86.Thunk(tgt)
				if k == x86.ReturnThunk {
					continue // a return
				}
				if k == x86.NotThunk {
					if j, ok := local(i, tgt); ok {
						push(j, s)
					}
					continue // a jump inside the function, or a tail call
				}
			}
			// Indirect (or through a retpoline thunk): a table dispatch
			// reaches the address-taken labels; a tail call ends the path.
			for _, j := range tableTargets {
				push(j, s)
			}
			continue
		case x86.Jcc, x86.Loop:
			// The fall-through goes on the work stack first, so that the
			// branch target is walked first, as objtool does (it decides
			// which state a conflicting join keeps).
			push(i+1, s)
			if tgt, ok := directTarget(f, i, ops[:0]); ok {
				if j, ok := local(i, tgt); ok {
					push(j, s)
				} else if IsDispatchPlaceholder(tgt) {
					// A learned dispatch entry's je (passes/dispatch):
					// an indirect jump until the runtime patches it.
					for _, j := range tableTargets {
						push(j, s)
					}
				}
			}
			continue
		case x86.Call:
			tgt, direct := directTarget(f, i, ops[:0])
			if direct && (IsNoreturn(tgt) || info.deadEnd[tgt] || noreturn[tgt]) && !info.sp.liveAfter[i] || info.sp.deadAfter[i] {
				continue
			}
			if strict && direct {
				// An intra-function call (the retpoline idiom) pushes a
				// return address and jumps, as objtool models it; the
				// code after it runs only by an explicit return there.
				j, ok := local(i, tgt)
				if _, isFn := info.byName[tgt]; ok && !isFn {
					s.pushRet()
					push(j, s)
					continue
				}
			}
			// A copy of rsp in a register the callee may clobber is
			// lost, unless the callee is defined in this file: gcc's
			// -fipa-ra keeps values in the registers such a callee is
			// known not to touch (objtool never forgets the copy).
			if _, local := info.byName[tgt]; !direct || !local {
				s.dropCopies(isCallerSaved)
				if isCallerSaved(s.tos) {
					s.tos = x86.NoReg
				}
			}
			push(i+1, s)
			continue
		}
		transfer(f, i, w, os, &s)
		if !info.sp.deadAfter[i] {
			push(i+1, s)
		}
	}
	return in, conflicts, len(tableTargets) > 0
}

// NumericLabel resolves a reference to a numeric local label ("1f", "2b")
// made at statement i to the statement index of the label it names.
func NumericLabel(f *parser.File, i int, ref string) (int, bool) {
	if !IsNumericRef(ref) {
		return 0, false
	}
	n := len(ref)
	name := ref[:n-1]
	if ref[n-1] == 'b' {
		for j := i; j >= 0; j-- {
			if st := &f.Stmts[j]; st.Kind == parser.Label && st.Flags&parser.Numeric != 0 && f.WordIs(j, name) {
				return j, true
			}
		}
		return 0, false
	}
	for j := i + 1; j < len(f.Stmts); j++ {
		if st := &f.Stmts[j]; st.Kind == parser.Label && st.Flags&parser.Numeric != 0 && f.WordIs(j, name) {
			return j, true
		}
	}
	return 0, false
}

// Stops reports whether the instruction w never continues and never
// branches within the function: returns (near, far), far jumps,
// ud0/ud1/ud2, and sysret/sysexit (back to user mode). An iret does not
// stop: in a function it is the kernel's sync_core() "iret to self", which
// objtool models as "add $40, %rsp" (it pops the frame the code pushed).
func Stops(w string) bool {
	switch x86.Classify(w) {
	case x86.Ret, x86.FarRet, x86.FarJmp:
		return true
	case x86.Trap:
		return strings.HasPrefix(w, "ud")
	}
	return strings.HasPrefix(w, "sysret") || strings.HasPrefix(w, "sysexit")
}

// IsUD2Bytes reports whether statement i is ud2 written as data,
// ".byte 0x0f, 0x0b": the kernel's ASM_UD2, which BUG() puts in inline asm
// (as assembles it to the instruction, which objtool decodes as a dead end).
func IsUD2Bytes(f *parser.File, i int) bool {
	if f.Stmts[i].Kind != parser.Directive || !f.WordIs(i, ".byte") {
		return false
	}
	var buf [3]parser.Span
	args := f.SplitArgs(i, buf[:0])
	if len(args) != 2 {
		return false
	}
	for k, want := range []int64{0x0f, 0x0b} {
		v, err := strconv.ParseInt(strings.TrimSpace(string(f.Src[args[k].Pos:args[k].End])), 0, 64)
		if err != nil || v != want {
			return false
		}
	}
	return true
}

// IsDispatchPlaceholder reports a conditional jump's target that jumps on
// through a register: a retpoline thunk, or the "jmp *%REG" stubs
// (optpoline.djmp.REG) of learned dispatch entries.
func IsDispatchPlaceholder(sym string) bool {
	switch k, _ := x86.Thunk(sym); k {
	case x86.IndirectThunk, x86.IndirectThunkNT, x86.LLVMRetpoline:
		return true
	}
	return strings.HasPrefix(sym, "optpoline.djmp.")
}

// IsNumericRef reports whether ref names a numeric local label: "1f", "2b".
func IsNumericRef(ref string) bool {
	n := len(ref)
	return n >= 2 && (ref[n-1] == 'f' || ref[n-1] == 'b') && isDigits(ref[:n-1])
}

// coldParent returns f for "f.cold" and "f.cold.N".
func coldParent(name string) (string, bool) {
	if i := strings.LastIndex(name, ".cold"); i > 0 {
		rest := name[i+len(".cold"):]
		if rest == "" || rest[0] == '.' && isDigits(rest[1:]) {
			return name[:i], true
		}
	}
	return "", false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// labelIndex finds label name inside fn.
func labelIndex(f *parser.File, name string, fn Func) (int, bool) {
	for j := fn.Start; j < fn.End; j++ {
		if f.Stmts[j].Kind == parser.Label && f.WordIs(j, name) {
			return j, true
		}
	}
	return 0, false
}

// directTarget returns the symbol of a direct branch (call, jmp, jcc):
// "foo" for "call foo@PLT".
func directTarget(f *parser.File, i int, buf []parser.Operand) (string, bool) {
	os, err := f.Operands(i, buf)
	if err != nil || len(os) != 1 || os[0].Indirect || os[0].Kind != parser.OpExpr {
		return "", false
	}
	r, ok := f.SymRef(os[0].Expr)
	if !ok || r.Addend != "" {
		return "", false
	}
	return r.Sym, true
}

func isCallerSaved(r x86.Reg) bool {
	switch r {
	case x86.RAX, x86.RCX, x86.RDX, x86.RSI, x86.RDI, x86.R8, x86.R9, x86.R10, x86.R11:
		return true
	}
	return false
}

// nonWriting are mnemonic families whose last register operand is read,
// not written.
func nonWriting(w string) bool {
	for _, p := range [...]string{"cmp", "test", "ucomi", "comi", "vucomi", "vcomi", "ptest", "vptest", "ktest", "kortest", "call", "jmp", "push"} {
		if strings.HasPrefix(w, p) && !strings.HasPrefix(w, "cmpxchg") && !strings.HasPrefix(w, "cmov") {
			return true
		}
	}
	return w == "bt" || w == "btq" || w == "btl" || w == "btw"
}

func immValue(f *parser.File, o parser.Operand) (int32, bool) {
	if o.Kind != parser.OpImm {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(f.Src[o.Expr.Pos:o.Expr.End])), 0, 32)
	return int32(n), err == nil
}

func dispValue(f *parser.File, o parser.Operand) (int32, bool) {
	if o.Kind != parser.OpMem || o.Index != x86.NoReg || o.Seg != x86.NoReg {
		return 0, false
	}
	e := strings.TrimSpace(string(f.Src[o.Expr.Pos:o.Expr.End]))
	if e == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(e, 0, 32)
	return int32(n), err == nil
}

// transfer applies the stack effect of a non-branch instruction.
func transfer(f *parser.File, i int, w string, os []parser.Operand, s *cstate) {
	if s.swz {
		swizzled(w, os, s)
		return
	}
	if s.cfa == x86.NoReg {
		return
	}
	dst := x86.NoReg
	if len(os) > 0 && os[len(os)-1].Kind == parser.OpReg {
		dst = os[len(os)-1].Reg.Full()
	}
	adjust := func(d int32) { // rsp -= d (a push of d bytes)
		if s.spOK {
			s.sp += d
		}
		if s.spBOK {
			s.spB += d
		}
		if s.cfa == x86.RSP {
			if !s.spOK {
				s.unknown()
				return
			}
			s.off = s.sp
		}
	}
	width := func(def int32) int32 {
		if len(os) == 1 && os[0].Kind == parser.OpReg && os[0].Reg.Width() == 16 {
			return 2
		}
		return def
	}
	cls := x86.Classify(w)
	switch cls {
	case x86.Push, x86.Pop, x86.PushF, x86.PopF, x86.Leave, x86.Enter:
		s.bpTop = cls == x86.Push && len(os) == 1 && os[0].Kind == parser.OpReg && os[0].Reg == x86.RBP
		if cls == x86.Leave || cls == x86.Pop && dst == x86.RBP {
			s.fpSet = false
		}
	}
	switch cls {
	case x86.Push:
		d := width(8)
		if strings.HasSuffix(w, "w") {
			d = 2
		}
		adjust(d)
		if len(os) == 1 && os[0].Kind == parser.OpReg && s.spOK && d == 8 {
			if os[0].Reg == x86.RBP {
				s.bpSlot = s.sp
			}
			s.save(os[0].Reg, -s.sp)
		}
		if len(os) == 1 && os[0].Kind == parser.OpReg && !s.spOK && s.spBOK && d == 8 {
			if k := savedIndex(os[0].Reg); k >= 0 && s.saved[k] == 0 && s.savedB[k] == 0 {
				s.savedB[k] = -s.spB
			}
		}
		if len(os) == 1 && os[0].Kind == parser.OpReg && os[0].Reg == s.cfa && s.cfa != x86.RSP && s.cfa != x86.RBP {
			// Only the first push saves the DRAP register: once saved
			// it may be reused (gcc passes a stack argument in r10) and
			// pushed again, and its pop in the epilogue comes from the
			// first slot.
			if !s.drapPushed && !s.spOK && s.spBOK {
				s.drapB = -s.spB
			}
			s.drapPushed = true
		}
		return
	case x86.PushF:
		if strings.HasSuffix(w, "w") {
			adjust(2)
		} else {
			adjust(8)
		}
		return
	case x86.Pop:
		d := width(8)
		if strings.HasSuffix(w, "w") {
			d = 2
		}
		if s.spOK && d == 8 {
			s.restore(dst, -s.sp)
		}
		if s.spBOK && d == 8 {
			if dst == x86.RBP && s.spB == 0 {
				s.bpSavedAnc = false
			}
			if k := savedIndex(dst); k >= 0 && s.savedB[k] == -s.spB {
				s.savedB[k] = 0
			}
			if dst == s.cfa && s.drapB != 0 && s.drapB != -s.spB {
				// The DRAP register comes back from someone else's slot:
				// the CFA it gives is wrong from here on.
				s.drapLost = true
			}
		}
		adjust(-d)
		switch {
		case dst == x86.RBP:
			popBP(s)
		case dst == s.cfa && s.drapPushed:
			// gcc's DRAP epilogue pops the DRAP register it pushed: the
			// CFA is that register again.
		case dst != x86.NoReg:
			clobber(s, dst)
		}
		return
	case x86.PopF:
		if strings.HasSuffix(w, "w") {
			adjust(-2)
		} else {
			adjust(-8)
		}
		return
	case x86.Leave:
		if s.bpAnc {
			s.bpSavedAnc = false // mov %rbp, %rsp; pop %rbp
		}
		s.setSP(s.fp, s.fpOK)
		if s.cfa == x86.NoReg {
			return
		}
		if s.spOK {
			s.restore(x86.RBP, -s.sp)
		}
		adjust(-8)
		popBP(s)
		return
	case x86.Enter:
		s.unknown()
		return
	case x86.IRet:
		// iret to self in a function (sync_core): it pops the five
		// words the code pushed, as objtool models it.
		adjust(-40)
		return
	}
	if len(os) == 0 {
		// Implicit operands (cqto, rep movs, cpuid, syscall, …) never
		// touch rsp or rbp in compiler output; they may change a copy
		// held in rax, rbx, rcx, rdx, rsi, rdi or r11.
		s.dropCopies(implicitlyWritten)
		if implicitlyWritten(s.tos) {
			s.tos = x86.NoReg
		}
		return
	}
	src := os[0]
	base := w
	switch w {
	case "addq", "subq", "andq", "leaq", "movq":
		base = w[:len(w)-1]
	}
	if base == "mov" && len(os) == 2 {
		// Callee-saved registers saved to and restored from the frame.
		if m := os[1]; src.Kind == parser.OpReg && src.Reg.Width() == 64 && m.Kind == parser.OpMem {
			if off, ok := s.slot(f, m); ok {
				s.save(src.Reg, off)
			} else if d, ok := dispValue(f, m); ok && d == 0 && src.Reg == x86.RSP && m.Base != x86.RSP && m.Base != x86.RBP && m.Base != x86.NoReg && m.Base != x86.RIP && s.cfa == x86.RSP && s.spOK {
				// "mov %rsp, (%tos)": a stack swizzle is set up.
				s.tos, s.tosSP = m.Base, s.sp
			}
		} else if src.Kind == parser.OpMem && dst != x86.NoReg {
			if off, ok := s.slot(f, src); ok {
				s.restore(dst, off)
			}
		}
	}
	if dst == x86.NoReg || nonWriting(w) {
		return
	}
	switch {
	case (base == "add" || base == "sub") && dst == x86.RSP && len(os) == 2:
		v, ok := immValue(f, src)
		if !ok {
			s.setSP(0, false)
			return
		}
		if base == "add" {
			v = -v
		}
		adjust(v)
		return
	case base == "and" && dst == x86.RSP:
		// Stack realignment: the CFA survives only if it is not rsp-based.
		s.setSP(0, false)
		return
	case base == "lea" && len(os) == 2 && dst == x86.RSP && src.Base == s.cfa && s.cfa != x86.RSP && s.cfa != x86.RBP:
		// The DRAP epilogue "lea -8(%r10), %rsp": rsp is CFA-based again.
		if d, ok := dispValue(f, src); ok {
			s.cfa, s.off = x86.RSP, s.off-d
			s.spOK, s.sp = true, s.off
		} else {
			s.unknown()
		}
		return
	case base == "lea" && len(os) == 2 && (src.Base == x86.RSP || src.Base == x86.RBP):
		d, ok := dispValue(f, src)
		var v int32 // dst = CFA - v
		switch {
		case !ok:
		case src.Base == x86.RSP && s.spOK:
			v = s.sp - d
		case src.Base == x86.RBP && s.fpOK:
			v = s.fp - d
		default:
			ok = false
		}
		leaTo(f, i, s, dst, v, ok)
		if dst == x86.RSP {
			switch {
			case !ok && src.Base == x86.RBP && s.bpAnc:
				if d, ok := dispValue(f, src); ok {
					s.spBOK, s.spB = true, -d
				}
			case src.Base == x86.RSP && s.spBOK:
				if d, ok := dispValue(f, src); ok {
					s.spBOK, s.spB = true, s.spB-d
				}
			}
		}
		return
	case base == "mov" && len(os) == 2 && src.Kind == parser.OpReg && src.Reg.Width() == 64:
		r := src.Reg
		switch {
		case r == x86.RSP && dst == x86.RBP:
			s.fpSet = s.bpTop
			s.fpOK, s.fp = s.spOK, s.sp
			if !s.spOK {
				s.bpAnc, s.spBOK, s.spB = true, true, 0
				s.bpSavedAnc = s.bpTop
			}
			if s.spOK && s.bpSlot == s.sp && s.cfa == x86.RSP {
				s.cfa, s.off = x86.RBP, s.fp // the frame pointer is set up
			}
			return
		case r == x86.RSP:
			if dst != x86.RSP {
				clobber(s, dst)
				if s.spOK {
					s.setCopy(dst, s.sp)
				}
			}
			return
		case dst == x86.RSP && r == x86.RBP:
			s.setSP(s.fp, s.fpOK)
			s.spBOK, s.spB = s.bpAnc, 0
			return
		case dst == x86.RSP && r == s.tos && s.tos != x86.NoReg && s.cfa == x86.RSP && s.spOK && s.sp == s.tosSP:
			// "mov %tos, %rsp": on the new stack until "pop %rsp".
			s.swz, s.swzOff, s.swzDepth = true, s.off, 0
			s.tos = x86.NoReg
			s.setSP(0, false)
			return
		case dst == x86.RSP:
			off, ok := s.copyOf(r)
			s.setSP(off, ok)
			return
		case dst == x86.RBP:
			off, ok := s.copyOf(r)
			clobber(s, dst)
			if ok {
				s.fpOK, s.fp = true, off
			}
			return
		}
	}
	switch dst {
	case x86.RSP:
		s.setSP(0, false)
	default:
		clobber(s, dst)
	}
}

// pushRet applies the return address push of a call.
func (s *cstate) pushRet() {
	if s.spOK {
		s.sp += 8
	}
	if s.cfa == x86.RSP {
		if s.spOK {
			s.off = s.sp
		} else {
			s.unknown()
		}
	}
}

// slot returns the CFA-relative offset of a d(%rsp) or d(%rbp) operand.
func (s *cstate) slot(f *parser.File, m parser.Operand) (int32, bool) {
	d, ok := dispValue(f, m)
	switch {
	case !ok:
	case m.Base == x86.RSP && s.spOK:
		return d - s.sp, true
	case m.Base == x86.RBP && s.fpOK:
		return d - s.fp, true
	}
	return 0, false
}

// setSP records %rsp as CFA - sp (ok false: unknown); while the CFA is
// %rsp-based it moves with it.
func (s *cstate) setSP(sp int32, ok bool) {
	s.spOK, s.sp = ok, sp
	s.spBOK = false // callers that know rsp relative to rbp set it again
	if s.cfa == x86.RSP {
		if ok {
			s.off = sp
		} else {
			s.unknown()
		}
	}
}

// leaTo applies "lea d(%rsp|%rbp), dst" where dst = CFA - v (ok false:
// unknown).
func leaTo(f *parser.File, i int, s *cstate, dst x86.Reg, v int32, ok bool) {
	switch dst {
	case x86.RSP:
		s.setSP(v, ok)
	case x86.RBP:
		clobber(s, dst)
		s.fpOK, s.fp = ok, v
	default:
		clobber(s, dst)
		if !ok {
			return
		}
		s.setCopy(dst, v)
		// gcc's DRAP: "lea 8(%rsp), %r10; and $-N, %rsp" moves the CFA to
		// r10 (".cfi_def_cfa 10, 0") before the realignment.
		if s.cfa == x86.RSP && nextIsAndRSP(f, i) {
			s.cfa, s.off = dst, -v
		}
	}
}

func nextIsAndRSP(f *parser.File, i int) bool {
	for j := i + 1; j < len(f.Stmts); j++ {
		switch f.Stmts[j].Kind {
		case parser.Instr:
			w := f.Word(j)
			if !strings.HasPrefix(w, "and") {
				return false
			}
			var ops [2]parser.Operand
			os, err := f.Operands(j, ops[:0])
			return err == nil && len(os) == 2 && os[1].Kind == parser.OpReg && os[1].Reg == x86.RSP
		case parser.Label, parser.Prefix:
			return false
		}
	}
	return false
}

// popBP applies the register effect of "pop %rbp" (after the rsp change).
func popBP(s *cstate) {
	s.fpOK, s.fp, s.bpSlot = false, 0, 0
	s.bpAnc, s.spBOK = false, false
	s.dropCopy(x86.RBP)
	if s.cfa == x86.RBP {
		if s.spOK {
			s.cfa, s.off = x86.RSP, s.sp
		} else {
			s.unknown()
		}
	}
}

// clobber records an untracked write to r.
func clobber(s *cstate, r x86.Reg) {
	s.dropCopy(r)
	if r == s.tos {
		s.tos = x86.NoReg
	}
	if r == x86.RBP {
		s.fpOK, s.fp = false, 0
	}
	if r == s.cfa && r != x86.RSP && !s.drapPushed {
		// (gcc's DRAP register may be reused once it is saved on the
		// stack: the CFA comes back with its pop.)
		s.unknown()
	}
}

// implicitlyWritten reports whether r is a register instructions without
// operands may write: rax, rbx and rdx (cqto, cpuid, rdtsc), rcx, rsi and
// rdi (the string instructions), r11 (syscall).
func implicitlyWritten(r x86.Reg) bool {
	switch r {
	case x86.RAX, x86.RBX, x86.RCX, x86.RDX, x86.RSI, x86.RDI, x86.R11:
		return true
	}
	return false
}

// swizzled applies an instruction while the stack is switched (s.swz):
// pushes and pops on the new stack are counted, "pop %rsp" with none left
// switches back to the CFA the swizzle kept; any other write to rsp loses
// it.
func swizzled(w string, os []parser.Operand, s *cstate) {
	dst := x86.NoReg
	if len(os) > 0 && os[len(os)-1].Kind == parser.OpReg {
		dst = os[len(os)-1].Reg.Full()
	}
	d := int32(8)
	if strings.HasSuffix(w, "w") {
		d = 2
	}
	switch x86.Classify(w) {
	case x86.Push, x86.PushF:
		s.swzDepth += d
		return
	case x86.Pop:
		if dst == x86.RSP && d == 8 && s.swzDepth == 0 {
			s.swz = false
			s.cfa, s.off = x86.RSP, s.swzOff
			s.spOK, s.sp = true, s.swzOff
			return
		}
		s.swzDepth -= d
	case x86.PopF:
		s.swzDepth -= d
		return
	case x86.Leave, x86.Enter:
		s.swz = false
		return
	}
	switch {
	case dst == x86.RSP && !nonWriting(w):
		s.swz = false
	case dst != x86.NoReg && !nonWriting(w):
		clobber(s, dst)
	}
}

// rspCopy is a register holding CFA - off.
type rspCopy struct {
	r   x86.Reg
	off int32
}

// copyOf returns where r points if it holds a copy.
func (s *cstate) copyOf(r x86.Reg) (int32, bool) {
	if r == x86.NoReg {
		return 0, false
	}
	for _, c := range s.cps {
		if c.r == r {
			return c.off, true
		}
	}
	return 0, false
}

// setCopy records that r = CFA - off, replacing r's old copy or, with all
// slots taken, the oldest.
func (s *cstate) setCopy(r x86.Reg, off int32) {
	s.dropCopy(r)
	for k := range s.cps {
		if s.cps[k].r == x86.NoReg {
			s.cps[k] = rspCopy{r, off}
			return
		}
	}
	copy(s.cps[:], s.cps[1:])
	s.cps[len(s.cps)-1] = rspCopy{r, off}
}

// dropCopy forgets r's copy, keeping the others in order.
func (s *cstate) dropCopy(r x86.Reg) {
	s.dropCopies(func(x x86.Reg) bool { return x == r })
}

// dropCopies forgets the copies in the registers gone says are clobbered.
func (s *cstate) dropCopies(gone func(x86.Reg) bool) {
	var keep [4]rspCopy
	n := 0
	for _, c := range s.cps {
		if c.r != x86.NoReg && !gone(c.r) {
			keep[n] = c
			n++
		}
	}
	s.cps = keep
}
