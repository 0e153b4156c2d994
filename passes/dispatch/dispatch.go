package dispatch

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/callmarkup"
)

//go:embed doc.go
var docFile string

// Pass is the dispatch pass. Its result is a *Result. It runs after
// callmarkup, whose functions it reuses and whose tail calls it leaves.
var Pass = &passes.Pass{
	Name:     "dispatch",
	Doc:      passes.DocFromComment(docFile),
	Requires: []*passes.Pass{callmarkup.Pass},
	Run:      func(u *passes.Unit) (any, error) { return Run(u) },
}

// Kind is the shape of a dispatch jump.
type Kind uint8

const (
	Reg   Kind = iota // jmp *%REG
	Thunk             // jmp __x86_indirect_thunk_REG (or another retpoline thunk)
	numKinds
)

var kindNames = [...]string{"dispatch-reg", "dispatch-thunk"}

func (k Kind) String() string { return kindNames[k] }

// Default is the strategy DispatchAuto picks per kind: the measured
// winner (scripts/bench-lua.sh; sites.md §7 "As built"). A thunk jump
// costs a retpoline (~9 ns) and the funnel's tree of compares beats it;
// a plain jmp *%REG is predicted by the hardware and is left alone.
var Default = [numKinds]passes.Dispatch{Reg: passes.DispatchOff, Thunk: passes.DispatchFunnel}

// Entries is the number of inline entries of a learned site.
var Entries = 4

// Label is one label of a site's set.
type Label struct {
	Name    string
	Stmt    int
	Section string
}

// Site is one dispatch jump rewritten.
type Site struct {
	N        int // file-wide index: labels .Lopt_dsite_N …
	Stmt     int // the original jmp
	Kind     Kind
	Strategy passes.Dispatch // DispatchLearned or DispatchFunnel
	Reg      x86.Reg
	Func     string
	ID       int    // ordinal among its function's dispatch sites
	Group    string // comdat group of the function's section
	Section  string // the jmp's section
	Thunk    string // the thunk the original went through ("" if none)
	Notrack  bool
	CSPrefix bool
	Labels   []Label // the label set, in file order
	// Set is the N of the function's first dispatch site: the sites of a
	// function share its label set (.Lopt_dset_Set) and funnel slots
	// (.Lopt_dlab_Set_K, one per label).
	Set int
	// Learn says the misses of a learned site go to the runtime's learning
	// code; Stack is the CFA rule at the jmp, which that call adjusts.
	Learn bool
	Stack analysis.StackState
	// Weights are the profiled jumps to each label (by index in Labels)
	// of a funnel built from a profile (Config.Profile), nil otherwise:
	// the funnel is then a tree of least expected depth, hot labels first.
	Weights []uint64
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
	Sites   []Site
	Skipped []Skip
	ByKind  [numKinds]int
	Funnels int
	Learned int
	NLabels int // labels over every site
	// Profiled counts the funnels ordered by a profile.
	Profiled int
}

// Summary formats counts: "2 dispatch sites (dispatch-thunk 2; funnel 2), 1 skipped".
func (r *Result) Summary() string {
	var parts []string
	for k := Kind(0); k < numKinds; k++ {
		if r.ByKind[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, r.ByKind[k]))
		}
	}
	s := fmt.Sprintf("%d dispatch sites", len(r.Sites))
	if len(parts) > 0 {
		prof := ""
		if r.Profiled > 0 {
			prof = fmt.Sprintf(" (%d profiled)", r.Profiled)
		}
		s += fmt.Sprintf(" (%s; funnel %d%s, learned %d, %d labels)", strings.Join(parts, ", "), r.Funnels, prof, r.Learned, r.NLabels)
	}
	return fmt.Sprintf("%s, %d skipped", s, len(r.Skipped))
}

// Run finds the dispatch jumps of u.File and rewrites them.
func Run(u *passes.Unit) (*Result, error) {
	res := &Result{}
	cm, _ := u.Results[callmarkup.Pass].(*callmarkup.Result)
	if cm == nil {
		return nil, fmt.Errorf("the callmarkup pass must run first")
	}
	if u.Config.Mode == passes.Kernel || u.Config.Dispatch == passes.DispatchOff || len(cm.Funcs) == 0 {
		return res, nil
	}
	pc := u.Piece
	if pc == nil {
		pc = callmarkup.WholeFile(u.File)
	}
	if !pc.Code64 {
		return res, nil
	}
	m := &matcher{f: u.File, cfg: u.Config, res: res, n: pc.NextDispatch, funcs: cm.Funcs, addr: pc.AddrTaken, src: pc.Source}
	for _, fn := range cm.Funcs {
		m.function(fn)
	}
	// Stale profile entries are reported with callmarkup's warnings.
	cm.Warnings = append(cm.Warnings, m.warnings...)
	pc.NextDispatch = m.n
	sort.Slice(res.Skipped, func(a, b int) bool { return res.Skipped[a].Stmt < res.Skipped[b].Stmt })
	if len(res.Sites) > 0 {
		e := emitter{f: u.File, cfg: u.Config, rw: u.Rewriter, piece: pc}
		e.emit(res.Sites)
	}
	return res, nil
}

type matcher struct {
	f     *parser.File
	cfg   passes.Config
	res   *Result
	n     int
	funcs []analysis.Func
	addr  map[string]bool
	ops   []parser.Operand
	src   string // the piece's source name, which profiles key functions by
	// warnings are stale profile entries.
	warnings []callmarkup.Warning
}

func (m *matcher) skip(i int, fn, reason string) {
	m.res.Skipped = append(m.res.Skipped, Skip{Stmt: i, Line: int(m.f.Stmts[i].Line), Func: fn, Reason: reason})
}

func (m *matcher) function(fn analysis.Func) {
	f := m.f
	if k, _ := x86.Thunk(passes.Unquote(fn.Name)); k != x86.NotThunk {
		return
	}
	funcSkip := passes.MatchAny(passes.Unquote(fn.Name), m.cfg.SkipFunctions)
	var (
		labels []Label
		stack  []analysis.StackState
		flags  = map[string]string{} // label → why it may read the flags ("" when it does not)
		id     int
		set    = -1
		ss     = parser.SectionStateAt(fn.Section)
	)
	for i := fn.Start; i < fn.End; i++ {
		st := &f.Stmts[i]
		if st.Kind == parser.Directive {
			ss.Step(f, i)
			continue
		}
		if st.Kind != parser.Instr || x86.Classify(f.Word(i)) != x86.Jmp {
			continue
		}
		section := ss.Current()
		kind, reg, thunk, ok, reason := m.candidate(i)
		if !ok {
			continue
		}
		if labels == nil {
			labels = m.labelSet(m.parent(fn))
		}
		if len(labels) == 0 {
			continue // not a dispatch jump: callmarkup's (tail call or not)
		}
		if stack == nil {
			if fn.CFI {
				stack = analysis.Stack(f, fn)
			} else {
				stack, _ = analysis.ComputeStack(f, fn)
			}
		}
		if tail, _ := analysis.IsTailCall(f, fn, i, stack, m.addr); tail {
			continue // a tail call: callmarkup's
		}
		switch {
		case st.Flags&parser.InlineAsm != 0:
			m.skip(i, fn.Name, "inline asm")
			continue
		case passes.MatchAny(fn.Section, passes.SkipSections) || passes.MatchAny(fn.Section, m.cfg.SkipSections) ||
			passes.MatchAny(section, passes.SkipSections) || passes.MatchAny(section, m.cfg.SkipSections):
			m.skip(i, fn.Name, "section "+section+" is skipped")
			continue
		case funcSkip:
			m.skip(i, fn.Name, "function is skipped")
			continue
		case !strings.HasPrefix(section, ".text") && section != "":
			m.skip(i, fn.Name, "not in a code section")
			continue
		case reason != "":
			m.skip(i, fn.Name, reason)
			continue
		}
		strategy := m.cfg.Dispatch
		if strategy == passes.DispatchAuto {
			strategy = Default[kind]
		}
		if strategy == passes.DispatchOff {
			m.skip(i, fn.Name, kind.String()+": left alone by default (--dispatch=funnel or learned rewrites it)")
			continue
		}
		if why := m.flagsRead(labels, flags); why != "" {
			m.skip(i, fn.Name, why)
			continue
		}
		s := Site{N: m.n, Stmt: i, Kind: kind, Strategy: strategy, Reg: reg, Func: fn.Name, ID: id,
			Group: fn.Group, Section: section, Thunk: thunk, Labels: labels,
			Notrack: strings.Contains(f.Prefixes(i), "notrack"), CSPrefix: passes.HasCSPrefix(f, i)}
		if i-fn.Start < len(stack) {
			s.Stack = stack[i-fn.Start]
		}
		if strategy == passes.DispatchLearned && m.cfg.Runtime {
			// The learning call moves %rsp: its CFI needs the CFA rule.
			s.Learn = !fn.CFI || s.Stack.Known
		}
		if strategy == passes.DispatchFunnel {
			s.Weights = m.profiled(fn, s.ID, len(labels), int(st.Line))
			if s.Weights != nil {
				m.res.Profiled++
			}
		}
		if set < 0 {
			set = s.N
		}
		s.Set = set
		m.n++
		id++
		m.res.Sites = append(m.res.Sites, s)
		m.res.ByKind[kind]++
		m.res.NLabels += len(labels)
		if strategy == passes.DispatchFunnel {
			m.res.Funnels++
		} else {
			m.res.Learned++
		}
	}
}

// profiled returns the profiled jumps to each of the n labels of fn's
// dispatch site id, or nil when the profile has none. A site whose label
// set changed size since it was profiled is stale: reported, and its
// funnel stays in address order (the counts may belong to other labels).
func (m *matcher) profiled(fn analysis.Func, id, n, line int) []uint64 {
	if m.cfg.Profile == nil {
		return nil
	}
	pf := m.cfg.Profile.Func(m.src, passes.Unquote(fn.Name))
	if pf == nil {
		return nil
	}
	d, ok := pf.Dispatch[id]
	if !ok {
		return nil
	}
	if d.Labels != n || len(d.Calls) != n {
		m.warnings = append(m.warnings, callmarkup.Warning{Line: line, Msg: fmt.Sprintf(
			"stale profile: dispatch site #%d of %s had %d labels when profiled and has %d now: its funnel is not ordered by the profile",
			id, passes.Unquote(fn.Name), d.Labels, n)})
		return nil
	}
	var total uint64
	for _, c := range d.Calls {
		total += c
	}
	if total == 0 {
		return nil
	}
	return d.Calls
}

// flagsRead checks every label of the set (memoised in memo) and returns
// why the site must be skipped, or "".
func (m *matcher) flagsRead(labels []Label, memo map[string]string) string {
	for _, l := range labels {
		why, ok := memo[l.Name]
		if !ok {
			if reads, at, w := analysis.FlagsReadAt(m.f, l.Stmt); reads {
				why = fmt.Sprintf("label %s may read the flags (line %d: %s)", l.Name, m.f.Stmts[at].Line, w)
			}
			memo[l.Name] = why
		}
		if why != "" {
			return why
		}
	}
	return ""
}

// labelSet returns fn's address-taken labels (function symbols excluded),
// with those of its .cold parts, in file order.
func (m *matcher) labelSet(fn analysis.Func) []Label {
	out := []Label{}
	add := func(g analysis.Func) {
		ss := parser.SectionStateAt(g.Section)
		for j := g.Start; j < g.End; j++ {
			st := &m.f.Stmts[j]
			if st.Kind == parser.Directive {
				ss.Step(m.f, j)
				continue
			}
			if st.Kind != parser.Label || st.Flags&parser.Numeric != 0 || j == g.Label {
				continue
			}
			sec := ss.Current()
			if sec != g.Section && !strings.HasPrefix(sec, ".text") {
				continue // data inside the function: gcc's jump table right after its jmp
			}
			if name := m.f.Word(j); m.addr[name] && !m.isFunc(name) {
				out = append(out, Label{Name: name, Stmt: j, Section: sec})
			}
		}
	}
	add(fn)
	for _, g := range m.funcs {
		if p, ok := coldParent(g.Name); ok && p == fn.Name {
			add(g)
		}
	}
	return out
}

// parent is the function a .cold part was split from (fn itself for any
// other): its labels are the cold part's jumps' targets too.
func (m *matcher) parent(fn analysis.Func) analysis.Func {
	if p, ok := coldParent(fn.Name); ok {
		for _, g := range m.funcs {
			if g.Name == p {
				return g
			}
		}
	}
	return fn
}

func (m *matcher) isFunc(name string) bool {
	for _, g := range m.funcs {
		if g.Name == name {
			return true
		}
	}
	return false
}

// coldParent returns f for "f.cold" and "f.cold.N" (gcc's hot/cold split).
func coldParent(name string) (string, bool) {
	i := strings.LastIndex(name, ".cold")
	if i <= 0 {
		return "", false
	}
	rest := name[i+len(".cold"):]
	if rest != "" && (rest[0] != '.' || strings.Trim(rest[1:], "0123456789") != "" || len(rest) == 1) {
		return "", false
	}
	return name[:i], true
}

// candidate reports whether the jmp at i is an indirect jump through a
// register or a retpoline thunk; reason is set for one never rewritten.
func (m *matcher) candidate(i int) (k Kind, r x86.Reg, thunk string, ok bool, reason string) {
	f := m.f
	var err error
	m.ops, err = f.Operands(i, m.ops[:0])
	if err != nil || len(m.ops) != 1 {
		return 0, 0, "", false, ""
	}
	o := m.ops[0]
	if !o.Indirect {
		if o.Kind != parser.OpExpr {
			return 0, 0, "", false, ""
		}
		ref, ok := f.SymRef(o.Expr)
		if !ok || ref.Reloc != "" || ref.Addend != "" {
			return 0, 0, "", false, ""
		}
		switch tk, tr := x86.Thunk(ref.Sym); tk {
		case x86.IndirectThunk, x86.IndirectThunkNT, x86.LLVMRetpoline:
			if tr.Class() != x86.GPR || tr.Width() != 64 {
				return 0, 0, "", false, ""
			}
			return Thunk, tr, ref.Sym, true, ""
		}
		return 0, 0, "", false, ""
	}
	switch o.Kind {
	case parser.OpReg:
		if o.Reg.Class() != x86.GPR || o.Reg.Width() != 64 {
			return 0, 0, "", false, ""
		}
		return Reg, o.Reg, "", true, ""
	case parser.OpMem, parser.OpExpr:
		return Reg, x86.NoReg, "", true, "memory operand: no register is free at a jump to load it into"
	}
	return 0, 0, "", false, ""
}
