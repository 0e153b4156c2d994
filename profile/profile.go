package profile

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
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
	Sites int           // the function's call sites when it was profiled
	Site  map[int]*Site // profiled sites by ordinal
	// Dispatch holds the function's profiled dispatch sites (computed
	// goto, sites.md §7) by their ordinal among its dispatch sites, which
	// Sites does not count.
	Dispatch map[int]*Dispatch
}

// Dispatch is a profiled dispatch site: how many labels its set had, its
// jumps, and the jumps to each label by the label's ordinal in the set
// (the order of the site's .Lopt_dset table: the function's address-taken
// labels in file order). Labels without a count were not seen.
type Dispatch struct {
	ID     int
	Labels int
	Calls  uint64
	Label  map[int]uint64
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
	for id, d := range f.Dispatch {
		if g.Dispatch == nil {
			g.Dispatch = map[int]*Dispatch{}
		}
		h := g.Dispatch[id]
		if h == nil {
			h = &Dispatch{ID: id, Labels: d.Labels, Label: map[int]uint64{}}
			g.Dispatch[id] = h
		} else if h.Labels != d.Labels {
			return fmt.Errorf("dispatch site %d of function %s (%s) has %d labels here and %d in another input: profiles of different builds", id, f.Name, f.File, d.Labels, h.Labels)
		}
		h.Calls += d.Calls
		for k, n := range d.Label {
			h.Label[k] += n
		}
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
	for _, f := range p.Funcs {
		if len(f.Dispatch) > 0 {
			b.WriteString("# dispatch ORDINAL labels N calls N / label ORDINAL calls N\n")
			break
		}
	}
	for _, k := range p.keys() {
		f := p.Funcs[k]
		fmt.Fprintf(b, "func %s %s file %s sites %d\n", strconv.Quote(f.Name), bind(f.Local), strconv.Quote(f.File), f.Sites)
		for _, id := range slices.Sorted(maps.Keys(f.Dispatch)) {
			d := f.Dispatch[id]
			fmt.Fprintf(b, "\tdispatch %d labels %d calls %d\n", id, d.Labels, d.Calls)
			for _, l := range d.hottest() {
				fmt.Fprintf(b, "\t\tlabel %d calls %d\n", l, d.Label[l])
			}
		}
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
	// Dispatch sites: their labels by ordinal in the set.
	var ds []row
	for _, k := range p.keys() {
		f := p.Funcs[k]
		for _, id := range slices.Sorted(maps.Keys(f.Dispatch)) {
			ds = append(ds, row{f, &Site{ID: id, Calls: f.Dispatch[id].Calls}})
		}
	}
	if len(ds) == 0 {
		return b.Flush()
	}
	slices.SortStableFunc(ds, func(a, c row) int { return cmp.Compare(c.s.Calls, a.s.Calls) })
	fmt.Fprintf(b, "%d dispatch sites\n%14s  %s\n", len(ds), "jumps", "dispatch site (function#ordinal, source, labels) → labels by ordinal (share of the site's jumps)")
	for i, r := range ds {
		if top > 0 && i == top {
			fmt.Fprintf(b, "… %d more dispatch sites\n", len(ds)-top)
			break
		}
		d := r.f.Dispatch[r.s.ID]
		fmt.Fprintf(b, "%14d  %s#%d (%s, %d labels) →", d.Calls, r.f.Name, d.ID, r.f.File, d.Labels)
		for k, l := range d.hottest() {
			if k == 8 {
				fmt.Fprintf(b, " … %d more", len(d.Label)-k)
				break
			}
			fmt.Fprintf(b, " label %d %.0f%%", l, pct(d.Label[l], d.Calls))
		}
		b.WriteByte('\n')
	}
	return b.Flush()
}

// hottest lists the ordinals of the labels with a count, hottest first.
func (d *Dispatch) hottest() []int {
	ls := slices.Collect(maps.Keys(d.Label))
	slices.SortFunc(ls, func(a, b int) int { return cmp.Or(cmp.Compare(d.Label[b], d.Label[a]), cmp.Compare(a, b)) })
	return ls
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
	for id, d := range f.Dispatch {
		if sf.Dispatch == nil {
			sf.Dispatch = map[int]passes.StaticDispatch{}
		}
		sd := passes.StaticDispatch{Labels: d.Labels, Calls: make([]uint64, d.Labels)}
		for k, n := range d.Label {
			if k < d.Labels {
				sd.Calls[k] = n
			}
		}
		sf.Dispatch[id] = sd
	}
	return sf
}
