package callmarkup

import (
	"fmt"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/abi"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes"
)

// emitter writes the sites in place and everything they refer to at the
// end of the file.
type emitter struct {
	f     *parser.File
	cfg   passes.Config
	rw    *parser.Rewriter
	piece *passes.Piece
	stubs map[string]string // stub name → its branch instruction
}

func (e *emitter) emit(sites []Site) {
	e.stubs = map[string]string{}
	var tail strings.Builder
	for _, s := range sites {
		e.rw.Replace(s.Stmt, []byte(e.inline(s)))
		if s.CSPrefix {
			if j := passes.PrevPrefix(e.f, s.Stmt); j >= 0 {
				e.rw.Replace(j, nil) // the cs moves to the fallback branch
			}
		}
	}
	// The data goes between .pushsection and .popsection, so the code after
	// it (the next piece of a streamed file) stays in its own section.
	tail.WriteString("\n# optpoline: promoted-site data (ABI v1)\n")
	fmt.Fprintf(&tail, "\t.pushsection\t%s,\"aw\",@progbits\n", e.slotSection())
	for _, s := range sites {
		if e.nout(s) > 0 {
			e.outline(&tail, s)
		}
	}
	e.emitStubs(&tail)
	for _, s := range sites {
		section(&tail, e.slotSection(), "aw", s.Group)
		tail.WriteString("\t.balign\t8\n")
		fmt.Fprintf(&tail, ".Lopt_slot_%d:\n\t.quad\t%s\n", s.N, slotValue(s, 0))
		for k := 0; k < e.nout(s); k++ {
			fmt.Fprintf(&tail, ".Lopt_oslot_%d_%d:\n\t.quad\t%s\n", s.N, k, slotValue(s, k+1))
		}
	}
	e.tables(&tail, sites)
	e.addrsig(&tail, sites)
	tail.WriteString("\t.popsection\n")
	e.rw.Append([]byte(tail.String()))
}

// The sections of slots, outline blocks and the table: in kernel mode
// the ones the kernel's linker script keeps (see abi.KernelTableSection).
func (e *emitter) slotSection() string { return e.byMode(abi.SlotSection, abi.KernelSlotSection) }
func (e *emitter) outlineSection() string {
	return e.byMode(abi.OutlineSection, abi.KernelOutlineSection)
}
func (e *emitter) tableSection() string { return e.byMode(abi.TableSection, abi.KernelTableSection) }

func (e *emitter) byMode(user, kernel string) string {
	if e.cfg.Mode == passes.Kernel {
		return kernel
	}
	return user
}

// inline is the text that replaces the original branch (sites.md §2).
func (e *emitter) inline(s Site) string {
	var b strings.Builder
	n := s.N
	op := "call"
	if s.Kind.Tail() {
		op = "jmp"
	}
	fmt.Fprintf(&b, "\t# optpoline site %d: %s\n", n, strings.TrimSpace(e.f.Format(s.Stmt)))
	if s.Kind == CallMem || s.Kind == TailMem {
		var buf [1]parser.Operand
		ops, _ := e.f.Operands(s.Stmt, buf[:0])
		o := ops[0]
		o.Indirect = false
		fmt.Fprintf(&b, "\tmovq\t%s, %%r11\n", e.f.FormatOperand(o))
	}
	fmt.Fprintf(&b, ".Lopt_site_%d:\n\tcmpq\t.Lopt_slot_%d(%%rip), %%%s\n\tje\t.Lopt_hit_%d\n", n, n, s.Reg, n)
	switch {
	case e.nout(s) > 0:
		fmt.Fprintf(&b, "\t%s\toptpoline.out.%d\n", op, n)
	case e.learns(s):
		// The miss goes to the learning stub (direct: no notrack). A tail
		// site calls its stub too: the return address names the site, and
		// the stub drops it before it jumps.
		fmt.Fprintf(&b, "\t%scall\t%s\n", prefix(s.CSPrefix, "cs\n\t"), e.learnStub(s))
	default:
		fmt.Fprintf(&b, "\t%s\n", e.fallback(s, op))
	}
	if !s.Kind.Tail() {
		fmt.Fprintf(&b, "\tjmp\t.Lopt_done_%d\n", n)
	}
	// Dead padding so that the hit branch's rel32 is 4-byte aligned.
	fmt.Fprintf(&b, ".Lopt_pad_%d:\n\t.balign\t4, 0xcc\n\t.byte\t0xcc, 0xcc, 0xcc\n", n)
	hit := e.placeholder(s)
	if len(s.Static) > 0 {
		hit = symName(s.Static[0])
	}
	fmt.Fprintf(&b, ".Lopt_hit_%d:\n\t%s\t%s\n", n, op, hit)
	if !s.Kind.Tail() {
		fmt.Fprintf(&b, ".Lopt_done_%d:\n", n)
		if s.Last {
			// The callee never returns and nothing follows: the jmp over
			// the hit call needs an instruction to land on, and one that
			// traps is what running off the end deserves.
			b.WriteString("\tud2\n")
		}
	}
	return b.String()
}

// fallback is the branch a miss takes: the original branch through the
// thunk or the register (prefixes kept), or the compiler's thunk in
// kernel mode.
func (e *emitter) fallback(s Site, op string) string {
	if t := e.thunk(s); t != "" {
		// cs on a line of its own: gas drops "cs call" written on one line.
		return prefix(s.CSPrefix, "cs\n\t") + op + "\t" + t
	}
	return prefix(s.Notrack, "notrack ") + op + "\t*%" + s.Reg.String()
}

// thunk is the retpoline thunk a site's fallback goes through: the
// original's, or in kernel mode the compiler's for the register; "" for a
// plain indirect branch.
func (e *emitter) thunk(s Site) string {
	switch {
	case s.Thunk != "":
		return s.Thunk
	case e.cfg.Mode == passes.Kernel:
		return x86.ThunkName(x86.IndirectThunk, s.Reg)
	}
	return ""
}

// placeholder is the hit branch's initial target: a direct branch that
// behaves like the fallback, so the hit branch is correct in every state.
//
// In kernel mode the placeholder is a local stub that jumps to the thunk:
// objtool lists every branch to a thunk in .retpoline_sites and the kernel
// may rewrite those at boot, which would break the hit call's fixed shape.
func (e *emitter) placeholder(s Site) string {
	if e.learns(s) && !s.Kind.Tail() {
		return e.learnStub(s)
	}
	t := e.thunk(s)
	switch {
	case t != "" && e.cfg.Mode == passes.Kernel:
		name := "optpoline.ph." + t
		cs := ""
		if s.Reg.Num() >= 8 {
			cs = "cs\n\t" // room for the kernel to patch in "lfence; jmp *%r8"…
		}
		e.stubs[name] = cs + "jmp\t" + t + "\n\tint3"
		return name
	case t != "":
		return t
	}
	name := "optpoline.jmp." + s.Reg.String()
	if s.Notrack {
		name = "optpoline.jmp.nt." + s.Reg.String()
	}
	e.stubs[name] = e.fallback(s, "jmp")
	return name
}

// learns reports whether the site's misses go to the runtime's learning
// stub: user-mode sites with Config.Runtime.
//
// A call site's misses (and its stale hit call) jump to the stub, which
// finds the site from the return address its fallback call pushed. A tail
// site has no such return address, so its miss calls the tail flavour of
// the stub: the pushed address names the site, and the stub pops it before
// it jumps to the target. Its hit jump and outline entries keep the plain
// placeholders (a jump must not reach a stub that pops).
func (e *emitter) learns(s Site) bool {
	return e.cfg.Runtime && e.cfg.Mode != passes.Kernel && len(s.Static) == 0
}

// nout is the number of outline entries of a site: Config.Outline, or for
// a statically promoted site its outline targets (none: no block).
func (e *emitter) nout(s Site) int {
	if len(s.Static) > 0 {
		return min(len(s.Static)-1, e.cfg.Outline)
	}
	return e.cfg.Outline
}

// slotValue is the initial value of a site's slot k (0 the inline slot, k
// the outline slot k-1): the sentinel, or a static target.
func slotValue(s Site, k int) string {
	if k < len(s.Static) {
		return symName(s.Static[k])
	}
	return fmt.Sprintf("%#x", abi.Sentinel)
}

// symName writes a symbol as gas reads it: bare, or quoted.
func symName(sym string) string {
	for i := 0; i < len(sym); i++ {
		c := sym[i]
		if !(identStart(c) || c == '$' || i > 0 && c >= '0' && c <= '9') {
			return parser.Quote(sym)
		}
	}
	return sym
}

// addrsig lists the static targets as address-significant in a file with
// .addrsig (Clang): the slots take their addresses, which identical code
// folding must then keep apart.
func (e *emitter) addrsig(b *strings.Builder, sites []Site) {
	if !e.piece.AddrSig {
		return
	}
	for _, s := range sites {
		for _, t := range s.Static {
			if !e.piece.Emitted["addrsig "+t] {
				e.piece.Emitted["addrsig "+t] = true
				fmt.Fprintf(b, "\t.addrsig_sym\t%s\n", symName(t))
			}
		}
	}
}

// learnStub is the runtime's learning stub for the site's register: the
// thunk flavour when the original went through a retpoline thunk, the tail
// flavour for tail sites.
func (e *emitter) learnStub(s Site) string {
	name := "__optpoline_learn_"
	if s.Kind.Tail() {
		name += "tail_"
	}
	if e.thunk(s) != "" {
		name += "thunk_"
	}
	return name + s.Reg.String()
}

// outline writes the site's outline block (sites.md §3).
func (e *emitter) outline(b *strings.Builder, s Site) {
	name := fmt.Sprintf("optpoline.out.%d", s.N)
	section(b, e.outlineSection(), "ax", s.Group)
	fmt.Fprintf(b, "\t.p2align\t4\n\t.type\t%s, @function\n%s:\n", name, name)
	if e.piece.HasCFI {
		b.WriteString("\t.cfi_startproc\n")
	}
	ph := e.placeholder(s)
	for k := 0; k < e.nout(s); k++ {
		to := ph
		if k+1 < len(s.Static) {
			to = symName(s.Static[k+1])
		}
		fmt.Fprintf(b, "\tcmpq\t.Lopt_oslot_%d_%d(%%rip), %%%s\n\tnopl\t(%%rax)\n\tje\t%s\n", s.N, k, s.Reg, to)
	}
	// The final branch's rel32 is 4-byte aligned too, so that the runtime
	// can retarget it with one store. A learning tail site calls its stub.
	final := "jmp\t" + ph
	if e.learns(s) && s.Kind.Tail() {
		final = "call\t" + e.learnStub(s)
	}
	if s.CSPrefix {
		fmt.Fprintf(b, "\txchg\t%%ax, %%ax\n\tcs\n\t%s\n", final)
	} else {
		fmt.Fprintf(b, "\tnopl\t(%%rax)\n\t%s\n", final)
	}
	if e.piece.HasCFI {
		b.WriteString("\t.cfi_endproc\n")
	}
	fmt.Fprintf(b, "\t.size\t%s, .-%s\n", name, name)
}

// emitStubs writes the jmp-through-register stubs the placeholders name.
// They live in a section of their own so that no branch to them is
// relaxed to a short form.
func (e *emitter) emitStubs(b *strings.Builder) {
	names := make([]string, 0, len(e.stubs))
	for n := range e.stubs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e.piece.Emitted[n] {
			continue // defined by an earlier piece
		}
		e.piece.Emitted[n] = true
		section(b, e.outlineSection()+".stubs", "ax", "")
		fmt.Fprintf(b, "\t.p2align\t4\n\t.type\t%s, @function\n%s:\n", n, n)
		if e.piece.HasCFI {
			b.WriteString("\t.cfi_startproc\n")
		}
		fmt.Fprintf(b, "\t%s\n", e.stubs[n])
		if e.piece.HasCFI {
			b.WriteString("\t.cfi_endproc\n")
		}
		fmt.Fprintf(b, "\t.size\t%s, .-%s\n", n, n)
		if e.cfg.Mode == passes.Kernel {
			noendbr(b, "", n)
		}
	}
}

// tables writes one optpoline_sites fragment per comdat group (a group's
// fragment goes away with the group), the name string and the ignore
// metadata.
func (e *emitter) tables(b *strings.Builder, sites []Site) {
	groups, byGroup := passes.ByGroup(sites, func(s Site) string { return s.Group })
	if !e.piece.Emitted[".Lopt_name"] {
		e.piece.Emitted[".Lopt_name"] = true
		b.WriteString("\t.section\t.rodata.optpoline,\"a\",@progbits\n")
		fmt.Fprintf(b, ".Lopt_name:\n\t.string\t%s\n", parser.Quote(e.piece.Source))
	}
	for _, g := range groups {
		gs := byGroup[g]
		section(b, e.tableSection(), "a", g)
		fmt.Fprintf(b, "\t.balign\t%d\n\t.long\t%#x\n\t.value\t%d, %d\n\t.long\t%d\n\t.long\t.Lopt_name - .\n",
			abi.Align, abi.Magic, abi.Version, abi.EntrySize, len(gs))
		for _, s := range gs {
			outline := "0"
			if e.nout(s) > 0 {
				outline = fmt.Sprintf("optpoline.out.%d - .", s.N)
			}
			fmt.Fprintf(b, "\t.long\t.Lopt_site_%d - .\n\t.long\t.Lopt_hit_%d - .\n\t.long\t.Lopt_slot_%d - .\n\t.long\t%s\n\t.byte\t%d, %d, %d, 0\n\t.long\t%d\n",
				s.N, s.N, s.N, outline, s.Reg.Num(), e.flags(s), e.nout(s), s.ID)
		}
		section(b, abi.IgnoreSection, "", g)
		for _, s := range gs {
			fmt.Fprintf(b, "\t.long\t.Lopt_pad_%d - .\n", s.N)
		}
		if e.cfg.Mode == passes.Kernel {
			// An IBT kernel's objtool flags data references to code that
			// has no ENDBR; these are reached by direct branches only.
			var syms []string
			for _, s := range gs {
				syms = append(syms, fmt.Sprintf(".Lopt_site_%d", s.N), fmt.Sprintf(".Lopt_hit_%d", s.N))
				if e.nout(s) > 0 {
					syms = append(syms, fmt.Sprintf("optpoline.out.%d", s.N))
				}
			}
			noendbr(b, g, syms...)
		}
	}
}

// noendbr writes the kernel's ANNOTATE_NOENDBR for syms (.discard.noendbr).
func noendbr(b *strings.Builder, group string, syms ...string) {
	section(b, ".discard.noendbr", "", group)
	for _, s := range syms {
		fmt.Fprintf(b, "\t.quad\t%s\n", s)
	}
}

func (e *emitter) flags(s Site) int {
	fl := 0
	if s.Kind.Tail() {
		fl |= abi.FlagTail
	}
	switch s.Kind {
	case CallMem, TailMem:
		fl |= abi.FlagFromMem
	case CallThunk, TailThunk:
		fl |= abi.FlagFromThunk
	}
	if e.cfg.Mode == passes.Kernel {
		fl |= abi.FlagKernel
	}
	if s.Notrack {
		fl |= abi.FlagNotrack
	}
	if len(s.Static) > 0 {
		fl |= abi.FlagStatic
	}
	return fl
}

// section switches to name with flags, in the comdat group if there is one.
func section(b *strings.Builder, name, flags, group string) {
	typ := "@progbits"
	if group == "" {
		fmt.Fprintf(b, "\t.section\t%s,\"%s\",%s\n", name, flags, typ)
		return
	}
	fmt.Fprintf(b, "\t.section\t%s,\"%sG\",%s,%s,comdat\n", name, flags, typ, group)
}

func prefix(ok bool, p string) string {
	if ok {
		return p
	}
	return ""
}
