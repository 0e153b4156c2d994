package callmarkup

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes"
)

//go:embed doc.go
var docFile string

// Pass is the call-markup pass. Its result is a *Result.
var Pass = &passes.Pass{
	Name: "callmarkup",
	Doc:  passes.DocFromComment(docFile),
	Run:  func(u *passes.Unit) (any, error) { return Run(u) },
}

// Kind is the shape of a candidate branch.
type Kind uint8

const (
	CallReg Kind = iota
	CallMem
	CallThunk
	TailReg
	TailMem
	TailThunk
	numKinds
)

var kindNames = [...]string{"call-reg", "call-mem", "call-thunk", "tail-reg", "tail-mem", "tail-thunk"}

func (k Kind) String() string { return kindNames[k] }

// Tail reports whether k is a tail jump.
func (k Kind) Tail() bool { return k >= TailReg }

// Site is one promoted branch.
type Site struct {
	N        int // file-wide index: labels .Lopt_site_N …
	Stmt     int // the original branch statement
	Kind     Kind
	Reg      x86.Reg // the register compared (r11 for memory operands)
	Func     string
	ID       int    // ordinal among its function's sites
	Group    string // comdat group of the function's section
	Thunk    string // the thunk the original branch went through ("" if none)
	Notrack  bool
	CSPrefix bool
	// Last says the call is its function's last instruction: the callee
	// never returns (the compiler knew), and nothing follows the site.
	Last bool
	// Static holds the targets promoted from a profile (Config.Profile):
	// the inline call's, then the outline entries'.
	Static []string
}

// Skip is a candidate left alone, with the reason.
type Skip struct {
	Stmt   int
	Line   int
	Func   string
	Reason string
}

// Result is what the pass did to a file.
type Result struct {
	Sites    []Site
	Skipped  []Skip
	ByKind   [numKinds]int
	Warnings []Warning
	// Funcs are the functions of the file (or piece), for later passes.
	Funcs []analysis.Func
}

// kernelCodeSections are the Linux kernel's code sections whose names do not
// start with .text and whose code is ordinary: the scheduler's (__sched),
// the lock functions' and __ref code. .cpuidle.text, .kprobes.text and the
// SkipSections are not: objtool treats the first as noinstr, and code in
// the second must not be probed, which its outline blocks (outside it)
// could be.
var kernelCodeSections = []string{".sched.text", ".spinlock.text", ".ref.text"}

// isCodeSection reports whether sites in section are candidates: .text and
// .text.* (sites.md §1; "" is before any section directive, .text), and in
// kernel mode also kernelCodeSections. (A sleeping callee of a promoted
// __sched function whose call went through an outline entry has its
// return address in the outline block, outside .sched.text, so get_wchan
// reports the outline block's symbol rather than the caller.)
func isCodeSection(section string, mode passes.Mode) bool {
	if section == "" || section == ".text" || strings.HasPrefix(section, ".text.") {
		return true
	}
	return mode == passes.Kernel && slices.Contains(kernelCodeSections, section)
}

// Run matches every indirect call and tail call of u.File and rewrites each
// into a promoted site, then emits slots, outline blocks, stubs, the site
// table and the ignore metadata at the end of the file.
func Run(u *passes.Unit) (*Result, error) {
	f := u.File
	res := &Result{}
	pc := u.Piece
	if pc == nil {
		pc = WholeFile(f)
	}
	if !pc.Code64 {
		return res, nil // .code16/.code32: never touched
	}
	start := pc.Sections
	fns, err := analysis.FuncsFrom(f, &pc.Sections, pc.Groups)
	if err != nil {
		return nil, err
	}
	res.Funcs = fns
	m := matcher{f: f, cfg: u.Config, res: res, ss: start, n: pc.NextSite}
	next := 0 // first statement not yet covered by a function
	for _, fn := range fns {
		m.outside(next, fn.Start)
		m.function(fn, pc.AddrTaken)
		next = max(next, fn.End)
	}
	m.outside(next, len(f.Stmts))
	sort.Slice(res.Skipped, func(a, b int) bool { return res.Skipped[a].Stmt < res.Skipped[b].Stmt })
	pc.NextSite = m.n
	if u.Config.Profile != nil && len(res.Sites) > 0 {
		applyProfile(f, u.Config, pc, res)
	}
	if len(res.Sites) > 0 {
		e := emitter{f: f, cfg: u.Config, rw: u.Rewriter, piece: pc}
		e.emit(res.Sites)
	}
	return res, nil
}

// WholeFile computes the Piece facts of f taken as a whole file.
func WholeFile(f *parser.File) *passes.Piece {
	return &passes.Piece{
		AddrTaken: analysis.AddressTaken(f),
		HasCFI:    hasCFI(f),
		Code64:    codeSize(f) == 64,
		Source:    sourceName(f),
		Groups:    map[string]string{},
		Emitted:   map[string]bool{},
	}
}

// Facts gathers the file-wide Piece facts over consecutive pieces of a
// file (a driver's first pass).
type Facts struct {
	addr          analysis.AddrCollector
	hasCFI, not64 bool
	source        string
	// Symbols asks for the file's symbol names (static promotion needs them).
	Symbols bool
	syms    map[string]uint8
	addrsig bool
}

// Add scans the next piece.
func (x *Facts) Add(f *parser.File) {
	x.addr.Add(f)
	x.hasCFI = x.hasCFI || hasCFI(f)
	x.not64 = x.not64 || codeSize(f) != 64
	if x.source == "" {
		x.source, _ = fileName(f)
	}
	if x.Symbols {
		if x.syms == nil {
			x.syms = map[string]uint8{}
		}
		x.addrsig = scanSymbols(f, x.syms) || x.addrsig
	}
}

// Piece returns the facts gathered, ready for the first piece of the second
// pass; name is the input's name, the source name when there is no .file.
func (x *Facts) Piece(name string) *passes.Piece {
	src := x.source
	if src == "" {
		src = name
	}
	return &passes.Piece{AddrTaken: x.addr.Labels(), HasCFI: x.hasCFI, Code64: !x.not64, Source: src,
		Groups: map[string]string{}, Emitted: map[string]bool{}, Symbols: x.syms, AddrSig: x.addrsig}
}

type matcher struct {
	f   *parser.File
	n   int                 // number of the next site
	ss  parser.SectionState // stepped over every statement in order
	cfg passes.Config
	res *Result
	ops []parser.Operand
}

func (m *matcher) skip(i int, fn string, reason string) {
	m.res.Skipped = append(m.res.Skipped, Skip{Stmt: i, Line: int(m.f.Stmts[i].Line), Func: fn, Reason: reason})
}

func (m *matcher) function(fn analysis.Func, addr map[string]bool) {
	f := m.f
	sectionSkip := passes.MatchAny(fn.Section, passes.SkipSections) || passes.MatchAny(fn.Section, m.cfg.SkipSections)
	funcSkip := passes.MatchAny(passes.Unquote(fn.Name), m.cfg.SkipFunctions)
	if k, _ := x86.Thunk(passes.Unquote(fn.Name)); k != x86.NotThunk {
		funcSkip = true
	}
	if strings.HasPrefix(passes.Unquote(fn.Name), "optpoline.") {
		// Markup's own outline blocks and stubs: their branches through
		// registers and thunks are the fallbacks, so marked-up output has
		// nothing left to promote.
		funcSkip = true
	}
	var stack []analysis.StackState
	id := 0
	// A site markup wrote earlier: from .Lopt_site_N to its hit branch
	// (after .Lopt_hit_N). Its fallback and placeholder branches stay as
	// they are, so that marked-up code has nothing left to promote.
	inSite, atHit := false, false
	for i := fn.Start; i < fn.End; i++ {
		st := &f.Stmts[i]
		if st.Kind == parser.Directive {
			m.ss.Step(f, i)
			continue
		}
		section := m.ss.Current()
		if st.Kind == parser.Label {
			switch w := f.Word(i); {
			case strings.HasPrefix(w, ".Lopt_site_"):
				inSite = true
			case strings.HasPrefix(w, ".Lopt_hit_"):
				atHit = inSite
			}
		}
		if st.Kind != parser.Instr {
			continue
		}
		if inSite {
			inSite = !atHit // the hit branch is the site's last instruction
			atHit = false
			continue
		}
		c := x86.Classify(f.Word(i))
		if c != x86.Call && c != x86.Jmp {
			continue
		}
		cand, ok := m.candidate(i, c)
		if !ok {
			continue
		}
		switch {
		case st.Flags&parser.InlineAsm != 0:
			m.skip(i, fn.Name, "inline asm")
			continue
		case sectionSkip || passes.MatchAny(section, passes.SkipSections) || passes.MatchAny(section, m.cfg.SkipSections):
			m.skip(i, fn.Name, "section "+section+" is skipped")
			continue
		case funcSkip:
			m.skip(i, fn.Name, "function is skipped")
			continue
		case !isCodeSection(section, m.cfg.Mode):
			m.skip(i, fn.Name, "not in a code section")
			continue
		case cand.reason != "":
			m.skip(i, fn.Name, cand.reason)
			continue
		}
		if c == x86.Jmp {
			if stack == nil {
				if fn.CFI {
					stack = analysis.Stack(f, fn)
				} else {
					stack, _ = analysis.ComputeStack(f, fn)
				}
			}
			tail, reason := analysis.IsTailCall(f, fn, i, stack, addr)
			if !tail {
				m.skip(i, fn.Name, "not a tail call: "+reason)
				continue
			}
			cand.kind += TailReg
		}
		cand.site.Last = c == x86.Call && lastInFunc(f, i, fn, section)
		cand.site.N = m.n
		m.n++
		cand.site.Stmt = i
		cand.site.Kind = cand.kind
		cand.site.Func = fn.Name
		cand.site.ID = id
		cand.site.Group = fn.Group
		id++
		m.res.Sites = append(m.res.Sites, cand.site)
		m.res.ByKind[cand.kind]++
	}
}

// lastInFunc reports whether no instruction follows statement i in fn's
// section (sec) before fn ends.
func lastInFunc(f *parser.File, i int, fn analysis.Func, sec string) bool {
	ss := parser.SectionStateAt(sec)
	for j := i + 1; j < fn.End; j++ {
		ss.Step(f, j)
		if k := f.Stmts[j].Kind; (k == parser.Instr || k == parser.Prefix) && ss.Current() == sec {
			return false
		}
	}
	return true
}

// outside records the candidates in statements [from, to), which belong to
// no function (file-scope asm, code without .type), as skipped.
func (m *matcher) outside(from, to int) {
	for i := from; i < to; i++ {
		m.ss.Step(m.f, i)
		if m.f.Stmts[i].Kind != parser.Instr {
			continue
		}
		if c := x86.Classify(m.f.Word(i)); c == x86.Call || c == x86.Jmp {
			if _, ok := m.candidate(i, c); ok {
				m.skip(i, "", "outside any function")
			}
		}
	}
}

type candidate struct {
	kind   Kind // the call kind; Tail variants are added by the caller
	site   Site
	reason string // a candidate never to promote, and why
}

// candidate reports whether the call or jmp at i is an indirect branch, and
// how to promote it.
func (m *matcher) candidate(i int, c x86.Class) (candidate, bool) {
	f := m.f
	var err error
	m.ops, err = f.Operands(i, m.ops[:0])
	if err != nil || len(m.ops) != 1 {
		return candidate{}, false
	}
	o := m.ops[0]
	var cand candidate
	cand.site.Notrack = strings.Contains(f.Prefixes(i), "notrack")
	cand.site.CSPrefix = passes.HasCSPrefix(f, i)
	if !o.Indirect {
		if o.Kind != parser.OpExpr {
			return cand, false
		}
		ref, ok := f.SymRef(o.Expr)
		if !ok || ref.Reloc != "" || ref.Addend != "" {
			return cand, false
		}
		k, r := x86.Thunk(ref.Sym)
		switch k {
		case x86.IndirectThunk, x86.IndirectThunkNT, x86.LLVMRetpoline:
			if r.Class() != x86.GPR || r.Width() != 64 {
				return cand, false
			}
			cand.kind, cand.site.Reg, cand.site.Thunk = CallThunk, r, ref.Sym
			return cand, true
		}
		return cand, false
	}
	switch o.Kind {
	case parser.OpReg:
		if o.Reg.Class() != x86.GPR || o.Reg.Width() != 64 {
			return cand, false
		}
		cand.kind, cand.site.Reg = CallReg, o.Reg
		if c == x86.Call && fixedTarget(f, i, o.Reg) {
			cand.reason = "fixed target (movabsq)"
		}
	case parser.OpMem, parser.OpExpr:
		e := f.NormExpr(o.Expr)
		switch {
		case strings.Contains(e, "@GOTPCREL"):
			cand.reason = "fixed target (@GOTPCREL)"
		case strings.Contains(e, "@TLSCALL"):
			cand.reason = "TLS descriptor call"
		}
		cand.kind, cand.site.Reg = CallMem, x86.R11
	default:
		return cand, false
	}
	return cand, true
}

// fixedTarget reports the large-model direct call: "movabsq $sym, %REG"
// (perhaps followed by "addq %r15, %REG") right before "call *%REG".
func fixedTarget(f *parser.File, i int, r x86.Reg) bool {
	var buf [2]parser.Operand
	for j, seen := i-1, 0; j >= 0 && seen < 2; j-- {
		st := &f.Stmts[j]
		if st.Kind == parser.Label {
			return false
		}
		if st.Kind != parser.Instr {
			continue
		}
		seen++
		ops, err := f.Operands(j, buf[:0])
		if err != nil || len(ops) != 2 || ops[1].Kind != parser.OpReg || ops[1].Reg != r {
			return false
		}
		switch {
		case f.WordIs(j, "movabsq") && ops[0].Kind == parser.OpImm:
			return true
		case f.WordIs(j, "addq") && ops[0].Kind == parser.OpReg:
			continue // large-PIC: movabsq $sym@PLTOFF, %REG; addq %r15, %REG
		}
		return false
	}
	return false
}

// codeSize is the mode the file ends in: 16, 32 or 64 (.code16/.code32/.code64).
func codeSize(f *parser.File) int {
	size := 64
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive {
			continue
		}
		switch {
		case f.WordIs(i, ".code16"), f.WordIs(i, ".code16gcc"):
			return 16
		case f.WordIs(i, ".code32"):
			return 32
		}
	}
	return size
}

func hasCFI(f *parser.File) bool {
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive && f.WordIs(i, ".cfi_startproc") {
			return true
		}
	}
	return false
}

// sourceName is the file's first .file name, or the input's name.
func sourceName(f *parser.File) string {
	if s, ok := fileName(f); ok {
		return s
	}
	return f.Name
}

// fileName is the name in the first .file directive of f.
func fileName(f *parser.File) (string, bool) {
	var buf [3]parser.Span
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive && f.WordIs(i, ".file") {
			for _, a := range f.SplitArgs(i, buf[:0]) {
				if s, err := parser.Unquote(string(f.Src[a.Pos:a.End])); err == nil {
					return s, true
				}
			}
		}
	}
	return "", false
}

// Summary formats per-kind counts: "3 sites (call-reg 2, call-mem 1), 1 skipped".
func (r *Result) Summary() string {
	var parts []string
	for k := Kind(0); k < numKinds; k++ {
		if r.ByKind[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, r.ByKind[k]))
		}
	}
	s := fmt.Sprintf("%d sites", len(r.Sites))
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("%s, %d skipped", s, len(r.Skipped))
}
