package profile

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/optpoline/optpoline/passes"
)

// Dump is one runtime dump: addresses, relative to their modules.
type Dump struct {
	Name    string
	PID     int
	Modules []Module
	Sites   []DumpSite
}

// Module is a loaded object named by a dump.
type Module struct {
	Path, BuildID string
	Line          int
}

// DumpSite is one site of a dump. Module is an index in Dump.Modules, or
// -1 when Addr is absolute.
type DumpSite struct {
	Module         int
	Addr           uint64
	ID             uint32
	Flags          uint8
	File           string
	Samples, Calls uint64
	Targets        []DumpTarget
	Line           int
}

// DumpTarget is one target of a dump's site.
type DumpTarget struct {
	Module int
	Addr   uint64
	Calls  uint64
	Where  string // "inline", "outline" or ""
	Line   int
}

// Profile is what static promotion reads: sites and targets by symbol.
type Profile struct {
	Funcs map[FuncKey]*Func
}

// FuncKey names a function: its symbol and the source name of its site table.
type FuncKey struct{ File, Name string }

// Func is a function's part of a profile.
type Func struct {
	FuncKey
	Local bool          // a file-local symbol
	Sites int           // the function's sites when it was profiled
	Site  map[int]*Site // profiled sites by ordinal
}

// Site is a profiled site: its ordinal in its function, its calls and its
// targets, hottest first.
type Site struct {
	ID      int
	Calls   uint64
	Targets []Target
}

// Target is a call target by symbol; a local one names its source file.
type Target struct {
	Name  string
	Local bool
	File  string
	Calls uint64
}

// New returns an empty profile.
func New() *Profile { return &Profile{Funcs: map[FuncKey]*Func{}} }

// Merge adds q's counts to p.
func (p *Profile) Merge(q *Profile) error {
	for _, k := range q.keys() {
		if err := p.add(q.Funcs[k]); err != nil {
			return err
		}
	}
	return nil
}

// add merges f into p: counts add up, targets by (name, file).
func (p *Profile) add(f *Func) error {
	g := p.Funcs[f.FuncKey]
	if g == nil {
		g = &Func{FuncKey: f.FuncKey, Local: f.Local, Sites: f.Sites, Site: map[int]*Site{}}
		p.Funcs[f.FuncKey] = g
	} else if g.Sites != f.Sites {
		return fmt.Errorf("function %s (%s) has %d sites here and %d in another input: profiles of different builds", f.Name, f.File, f.Sites, g.Sites)
	}
	for id, s := range f.Site {
		h := g.Site[id]
		if h == nil {
			h = &Site{ID: id}
			g.Site[id] = h
		}
		h.Calls += s.Calls
		for _, t := range s.Targets {
			i := slices.IndexFunc(h.Targets, func(u Target) bool { return u.Name == t.Name && u.File == t.File && u.Local == t.Local })
			if i < 0 {
				h.Targets = append(h.Targets, t)
			} else {
				h.Targets[i].Calls += t.Calls
			}
		}
		sortTargets(h.Targets)
	}
	return nil
}

func sortTargets(ts []Target) {
	slices.SortStableFunc(ts, func(a, b Target) int {
		if c := cmp.Compare(b.Calls, a.Calls); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.File, b.File))
	})
}

func (p *Profile) keys() []FuncKey {
	ks := make([]FuncKey, 0, len(p.Funcs))
	for k := range p.Funcs {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b FuncKey) int { return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Name, b.Name)) })
	return ks
}

func bind(local bool) string {
	if local {
		return "local"
	}
	return "global"
}

// Write writes p in the profile format, functions by file and name, sites
// by ordinal, targets hottest first.
func (p *Profile) Write(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "optpoline profile %d\n", Version)
	b.WriteString("# func SYMBOL BINDING file SOURCE sites N / site ORDINAL calls N / target SYMBOL BINDING [file SOURCE] calls N\n")
	for _, k := range p.keys() {
		f := p.Funcs[k]
		fmt.Fprintf(b, "func %s %s file %s sites %d\n", strconv.Quote(f.Name), bind(f.Local), strconv.Quote(f.File), f.Sites)
		ids := make([]int, 0, len(f.Site))
		for id := range f.Site {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			s := f.Site[id]
			fmt.Fprintf(b, "\tsite %d calls %d\n", id, s.Calls)
			for _, t := range s.Targets {
				fmt.Fprintf(b, "\t\ttarget %s %s", strconv.Quote(t.Name), bind(t.Local))
				if t.File != "" {
					fmt.Fprintf(b, " file %s", strconv.Quote(t.File))
				}
				fmt.Fprintf(b, " calls %d\n", t.Calls)
			}
		}
	}
	b.WriteString("end\n")
	return b.Flush()
}

// Show writes the top sites by calls: function, ordinal, calls and the
// share of each target.
func (p *Profile) Show(w io.Writer, top int) error {
	type row struct {
		f *Func
		s *Site
	}
	var rows []row
	var total uint64
	for _, k := range p.keys() {
		f := p.Funcs[k]
		for _, s := range f.Site {
			rows = append(rows, row{f, s})
			total += s.Calls
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.s.Calls, a.s.Calls), cmp.Compare(a.f.Name, b.f.Name), cmp.Compare(a.s.ID, b.s.ID))
	})
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%d functions, %d sites, %d calls\n", len(p.Funcs), len(rows), total)
	fmt.Fprintf(b, "%14s %6s  %s\n", "calls", "share", "site (function#ordinal, source) → targets (share of the site's calls)")
	for i, r := range rows {
		if top > 0 && i == top {
			fmt.Fprintf(b, "… %d more sites\n", len(rows)-top)
			break
		}
		fmt.Fprintf(b, "%14d %5.1f%%  %s#%d (%s) →", r.s.Calls, pct(r.s.Calls, total), r.f.Name, r.s.ID, r.f.File)
		for k, t := range r.s.Targets {
			if k == 6 {
				fmt.Fprintf(b, " … %d more", len(r.s.Targets)-k)
				break
			}
			fmt.Fprintf(b, " %s %.0f%%", t.Name, pct(t.Calls, r.s.Calls))
		}
		b.WriteByte('\n')
	}
	return b.Flush()
}

func pct(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Func implements passes.StaticProfile: the function named fn whose sites
// are in the table of source src; a global function is also found under
// another source name when no other function has its name (a rebuild from
// another directory).
func (p *Profile) Func(src, fn string) *passes.StaticFunc {
	f := p.Funcs[FuncKey{File: src, Name: fn}]
	if f == nil {
		for k, g := range p.Funcs {
			if k.Name != fn || g.Local {
				continue
			}
			if f != nil {
				return nil // ambiguous
			}
			f = g
		}
	}
	if f == nil {
		return nil
	}
	sf := &passes.StaticFunc{Sites: f.Sites, Targets: map[int][]passes.StaticTarget{}}
	for id, s := range f.Site {
		for _, t := range s.Targets {
			sf.Targets[id] = append(sf.Targets[id], passes.StaticTarget{Sym: t.Name, Local: t.Local, File: t.File, Calls: t.Calls})
		}
	}
	return sf
}
