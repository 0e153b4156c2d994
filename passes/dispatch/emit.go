package dispatch

import (
	"fmt"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/abi"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes"
)

// LeafSize is the most labels a funnel leaf compares one by one.
const leafSize = 3

// emitter writes the sites in place and their data at the end of the file.
type emitter struct {
	f     *parser.File
	cfg   passes.Config
	rw    *parser.Rewriter
	piece *passes.Piece
	stubs map[string]string // stub name → its jump
	first map[int]int       // site → index of the label its first compare names
	node  int
}

func (e *emitter) emit(sites []Site) {
	e.stubs = map[string]string{}
	e.first = map[int]int{}
	for _, s := range sites {
		var b strings.Builder
		if s.Strategy == passes.DispatchFunnel {
			e.funnel(&b, s)
		} else {
			e.learned(&b, s)
		}
		e.rw.Replace(s.Stmt, []byte(b.String()))
		if s.CSPrefix {
			if j := passes.PrevPrefix(e.f, s.Stmt); j >= 0 {
				e.rw.Replace(j, nil) // the cs moves to the fallback jump
			}
		}
	}
	var t strings.Builder
	t.WriteString("\n# optpoline: dispatch-site data (ABI v1)\n")
	fmt.Fprintf(&t, "\t.pushsection\t%s,\"aw\",@progbits\n", abi.SlotSection)
	e.emitStubs(&t)
	funnelSlots := map[int]bool{}
	for _, s := range sites {
		if s.Strategy == passes.DispatchFunnel {
			if funnelSlots[s.Set] {
				continue
			}
			funnelSlots[s.Set] = true
			// Read-only after relocation: the labels' addresses.
			section(&t, ".data.rel.ro.optpoline", "aw", s.Group)
			t.WriteString("\t.balign\t8\n")
			for k, l := range s.Labels {
				fmt.Fprintf(&t, ".Lopt_dlab_%d_%d:\n\t.quad\t%s\n", s.Set, k, l.Name)
			}
			continue
		}
		section(&t, abi.SlotSection, "aw", s.Group)
		t.WriteString("\t.balign\t8\n")
		for k := 0; k < Entries; k++ {
			fmt.Fprintf(&t, ".Lopt_dslot_%d_%d:\n\t.quad\t%#x\n", s.N, k, abi.Sentinel)
		}
	}
	e.tables(&t, sites)
	t.WriteString("\t.popsection\n")
	e.rw.Append([]byte(t.String()))
}

// header is the comment line that opens a site.
func (e *emitter) header(b *strings.Builder, s Site, what string) {
	fmt.Fprintf(b, "\t# optpoline dispatch site %d (%s, %d labels): %s\n", s.N, what, len(s.Labels), strings.TrimSpace(e.f.Format(s.Stmt)))
}

// funnel writes a compare tree over the labels of each section the set
// spans (address order is known only within a section), the jump's own
// section first, each tree's misses going on to the next, then the
// original jump.
func (e *emitter) funnel(b *strings.Builder, s Site) {
	e.header(b, s, "funnel")
	bySec := map[string][]int{}
	var secs []string
	for k, l := range s.Labels {
		if _, ok := bySec[l.Section]; !ok {
			secs = append(secs, l.Section)
		}
		bySec[l.Section] = append(bySec[l.Section], k)
	}
	weight := func(sec string) (w uint64) {
		for _, k := range bySec[sec] {
			w += s.Weights[k]
		}
		return w
	}
	sort.SliceStable(secs, func(a, c int) bool {
		if s.Weights != nil {
			// Profiled: the section whose labels take most jumps first.
			if wa, wc := weight(secs[a]), weight(secs[c]); wa != wc {
				return wa > wc
			}
		}
		if (secs[a] == s.Section) != (secs[c] == s.Section) {
			return secs[a] == s.Section
		}
		return len(bySec[secs[a]]) > len(bySec[secs[c]])
	})
	fb := fmt.Sprintf(".Lopt_dfb_%d", s.N)
	fmt.Fprintf(b, ".Lopt_dsite_%d:\n", s.N)
	for g, sec := range secs {
		idx := bySec[sec]
		// Within a section, file order is address order.
		sort.SliceStable(idx, func(a, c int) bool { return s.Labels[idx[a]].Stmt < s.Labels[idx[c]].Stmt })
		miss := fb
		if g+1 < len(secs) {
			miss = fmt.Sprintf(".Lopt_drest_%d_%d", s.N, g+1)
		}
		if g > 0 {
			fmt.Fprintf(b, ".Lopt_drest_%d_%d:\n", s.N, g)
		}
		if s.Weights != nil && len(idx) <= maxWeighted {
			e.weighted(b, s, idx, optimalRoots(s.Weights, idx), 0, len(idx), miss, true)
			continue
		}
		e.tree(b, s, idx, miss, true)
	}
	fmt.Fprintf(b, "%s:\n\t%s\n", fb, e.fallback(s))
}

// compare writes one "cmpq slot; je label".
func (e *emitter) compare(b *strings.Builder, s Site, k int) {
	fmt.Fprintf(b, "\tcmpq\t.Lopt_dlab_%d_%d(%%rip), %%%s\n\tje\t%s\n", s.Set, k, s.Reg, s.Labels[k].Name)
}

// tree writes the funnel over idx (sorted by address): a node compares
// with its middle label, goes left (jb) below it, to the label (je) on it,
// and on to the right above it; a leaf compares each label. last says the
// code after it is miss.
func (e *emitter) tree(b *strings.Builder, s Site, idx []int, miss string, last bool) {
	if len(idx) == 0 {
		if !last {
			fmt.Fprintf(b, "\tjmp\t%s\n", miss)
		}
		return
	}
	if len(idx) <= leafSize {
		if _, ok := e.first[s.N]; !ok {
			e.first[s.N] = idx[0]
		}
		for _, k := range idx {
			e.compare(b, s, k)
		}
		if !last {
			fmt.Fprintf(b, "\tjmp\t%s\n", miss)
		}
		return
	}
	mid := len(idx) / 2
	if _, ok := e.first[s.N]; !ok {
		e.first[s.N] = idx[mid]
	}
	left := fmt.Sprintf(".Lopt_dn_%d_%d", s.N, e.node)
	e.node++
	fmt.Fprintf(b, "\tcmpq\t.Lopt_dlab_%d_%d(%%rip), %%%s\n\tjb\t%s\n\tje\t%s\n", s.Set, idx[mid], s.Reg, left, s.Labels[idx[mid]].Name)
	e.tree(b, s, idx[mid+1:], miss, false)
	fmt.Fprintf(b, "%s:\n", left)
	e.tree(b, s, idx[:mid], miss, last)
}

// maxWeighted is the largest label set (per section) whose funnel is
// built from a profile: optimalRoots takes O(n²) time and memory.
const maxWeighted = 1024

// optimalRoots returns, for every run [i, j) of idx (labels in address
// order), the position of the root of a search tree of least expected
// cost: each node visited on the way to a label costs one compare, and a
// label is reached as often as its weight says (its profiled jumps, plus
// a floor of 1/1000 of the average so that labels the profile never saw
// still form a balanced subtree). Knuth's speed-up: the root of [i, j) lies
// between those of [i, j-1) and [i+1, j).
func optimalRoots(weights []uint64, idx []int) [][]int {
	n := len(idx)
	var total float64
	for _, k := range idx {
		total += float64(weights[k])
	}
	floor := total / float64(1000*n)
	if floor < 1 {
		floor = 1
	}
	prefix := make([]float64, n+1)
	for p, k := range idx {
		prefix[p+1] = prefix[p] + float64(weights[k]) + floor
	}
	cost := make([][]float64, n+1)
	root := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]float64, n+1)
		root[i] = make([]int, n+1)
	}
	for l := 1; l <= n; l++ {
		for i := 0; i+l <= n; i++ {
			j := i + l
			lo, hi := i, i
			if l > 1 {
				lo, hi = root[i][j-1], root[i+1][j]
			}
			best, at := -1.0, lo
			for r := lo; r <= hi; r++ {
				if c := cost[i][r] + cost[r+1][j]; best < 0 || c < best {
					best, at = c, r
				}
			}
			cost[i][j] = best + prefix[j] - prefix[i]
			root[i][j] = at
		}
	}
	return root
}

// weighted writes the funnel over idx[i:j] as the tree root describes:
// a node compares with its label, branches to it on equal, to the left
// subtree below it and on to the right one above it; a side with no
// labels is the miss. last says the code after it is miss.
func (e *emitter) weighted(b *strings.Builder, s Site, idx []int, root [][]int, i, j int, miss string, last bool) {
	if i == j {
		if !last {
			fmt.Fprintf(b, "\tjmp\t%s\n", miss)
		}
		return
	}
	r := root[i][j]
	k := idx[r]
	if _, ok := e.first[s.N]; !ok {
		e.first[s.N] = k
	}
	cmpq := fmt.Sprintf("\tcmpq\t.Lopt_dlab_%d_%d(%%rip), %%%s\n", s.Set, k, s.Reg)
	switch {
	case r == i && r+1 == j: // a leaf
		b.WriteString(cmpq)
		fmt.Fprintf(b, "\tje\t%s\n", s.Labels[k].Name)
		if !last {
			fmt.Fprintf(b, "\tjmp\t%s\n", miss)
		}
	case r == i: // nothing below
		b.WriteString(cmpq)
		fmt.Fprintf(b, "\tje\t%s\n\tjb\t%s\n", s.Labels[k].Name, miss)
		e.weighted(b, s, idx, root, r+1, j, miss, last)
	case r+1 == j: // nothing above
		b.WriteString(cmpq)
		fmt.Fprintf(b, "\tje\t%s\n\tja\t%s\n", s.Labels[k].Name, miss)
		e.weighted(b, s, idx, root, i, r, miss, last)
	default:
		left := fmt.Sprintf(".Lopt_dn_%d_%d", s.N, e.node)
		e.node++
		b.WriteString(cmpq)
		fmt.Fprintf(b, "\tje\t%s\n\tjb\t%s\n", s.Labels[k].Name, left)
		e.weighted(b, s, idx, root, r+1, j, miss, false)
		fmt.Fprintf(b, "%s:\n", left)
		e.weighted(b, s, idx, root, i, r, miss, last)
	}
}

// learned writes the inline entries, each 16 bytes with its je's rel32
// 4-aligned (cmpq 7, nopl 3, je 6), then the miss path.
func (e *emitter) learned(b *strings.Builder, s Site) {
	e.header(b, s, fmt.Sprintf("learned, %d entries", Entries))
	e.first[s.N] = 0
	ph := e.placeholder(s)
	fmt.Fprintf(b, "\t.p2align\t2\n.Lopt_dsite_%d:\n", s.N)
	for k := 0; k < Entries; k++ {
		fmt.Fprintf(b, "\tcmpq\t.Lopt_dslot_%d_%d(%%rip), %%%s\n\tnopl\t(%%rax)\n\tje\t%s\n", s.N, k, s.Reg, ph)
	}
	if !s.Learn {
		fmt.Fprintf(b, ".Lopt_dfb_%d:\n\t%s\n", s.N, e.fallback(s))
		return
	}
	// The miss calls the learning code, whose return address names the
	// site; the call must not write the red zone below %rsp, which a
	// leaf function may use. The call never returns.
	cfi := e.piece.HasCFI && s.Stack.Known
	if cfi {
		b.WriteString("\t.cfi_remember_state\n")
	}
	b.WriteString("\tleaq\t-128(%rsp), %rsp\n")
	if cfi && s.Stack.Reg == x86.RSP {
		b.WriteString("\t.cfi_adjust_cfa_offset 128\n")
	}
	fmt.Fprintf(b, ".Lopt_dlearn_%d:\n\tcall\t%s\n\tud2\n", s.N, e.learnCode(s))
	if cfi {
		b.WriteString("\t.cfi_restore_state\n")
	}
}

// learnCode is the runtime's learning code for the site's register.
func (e *emitter) learnCode(s Site) string {
	if s.Thunk != "" {
		return "__optpoline_learn_jump_thunk_" + s.Reg.String()
	}
	return "__optpoline_learn_jump_" + s.Reg.String()
}

// fallback is the original jump, prefixes kept (cs on a line of its own:
// gas drops "cs jmp" written on one line).
func (e *emitter) fallback(s Site) string {
	if s.Thunk != "" {
		if s.CSPrefix {
			return "cs\n\tjmp\t" + s.Thunk
		}
		return "jmp\t" + s.Thunk
	}
	if s.Notrack {
		return "notrack jmp\t*%" + s.Reg.String()
	}
	return "jmp\t*%" + s.Reg.String()
}

// placeholder is a learned entry's initial je target: a branch that
// behaves like the fallback, in another section so that the je keeps its
// rel32 form.
func (e *emitter) placeholder(s Site) string {
	if s.Thunk != "" {
		return s.Thunk
	}
	name := "optpoline.djmp." + s.Reg.String()
	if s.Notrack {
		name = "optpoline.djmp.nt." + s.Reg.String()
	}
	e.stubs[name] = e.fallback(s)
	return name
}

func (e *emitter) emitStubs(b *strings.Builder) {
	names := make([]string, 0, len(e.stubs))
	for n := range e.stubs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e.piece.Emitted[n] {
			continue
		}
		e.piece.Emitted[n] = true
		section(b, abi.OutlineSection+".stubs", "ax", "")
		fmt.Fprintf(b, "\t.p2align\t4\n\t.type\t%s, @function\n%s:\n", n, n)
		if e.piece.HasCFI {
			b.WriteString("\t.cfi_startproc\n")
		}
		fmt.Fprintf(b, "\t%s\n", e.stubs[n])
		if e.piece.HasCFI {
			b.WriteString("\t.cfi_endproc\n")
		}
		fmt.Fprintf(b, "\t.size\t%s, .-%s\n", n, n)
	}
}

// tables writes the label sets and one optpoline_sites fragment per
// comdat group.
func (e *emitter) tables(b *strings.Builder, sites []Site) {
	groups, byGroup := passes.ByGroup(sites, func(s Site) string { return s.Group })
	if !e.piece.Emitted[".Lopt_dname"] {
		e.piece.Emitted[".Lopt_dname"] = true
		fmt.Fprintf(b, "\t.section\t%s,\"a\",@progbits\n", abi.LabelSetSection)
		fmt.Fprintf(b, ".Lopt_dname:\n\t.string\t%s\n", parser.Quote(e.piece.Source))
	}
	for _, g := range groups {
		gs := byGroup[g]
		section(b, abi.LabelSetSection, "a", g)
		b.WriteString("\t.balign\t4\n")
		for _, s := range gs {
			if s.Set != s.N {
				continue // the function's first site wrote it
			}
			fmt.Fprintf(b, ".Lopt_dset_%d:\n\t.long\t%d\n", s.N, len(s.Labels))
			for _, l := range s.Labels {
				fmt.Fprintf(b, "\t.long\t%s - .\n", l.Name)
			}
		}
		section(b, abi.TableSection, "a", g)
		fmt.Fprintf(b, "\t.balign\t%d\n\t.long\t%#x\n\t.value\t%d, %d\n\t.long\t%d\n\t.long\t.Lopt_dname - .\n",
			abi.Align, abi.Magic, abi.Version, abi.EntrySize, len(gs))
		for _, s := range gs {
			miss := fmt.Sprintf(".Lopt_dfb_%d", s.N)
			if s.Learn {
				miss = fmt.Sprintf(".Lopt_dlearn_%d", s.N)
			}
			nout := 0
			if s.Strategy == passes.DispatchLearned {
				nout = Entries
			}
			slot := fmt.Sprintf(".Lopt_dslot_%d_0", s.N)
			if s.Strategy == passes.DispatchFunnel {
				slot = fmt.Sprintf(".Lopt_dlab_%d_%d", s.Set, e.first[s.N])
			}
			fmt.Fprintf(b, "\t.long\t.Lopt_dsite_%d - .\n\t.long\t%s - .\n\t.long\t%s - .\n\t.long\t.Lopt_dset_%d - .\n\t.byte\t%d, %d, %d, 0\n\t.long\t%d\n",
				s.N, miss, slot, s.Set, s.Reg.Num(), e.flags(s), nout, s.ID)
		}
	}
}

func (e *emitter) flags(s Site) int {
	fl := abi.FlagDispatch
	if s.Thunk != "" {
		fl |= abi.FlagFromThunk
	}
	if s.Notrack {
		fl |= abi.FlagNotrack
	}
	if s.Strategy == passes.DispatchFunnel {
		fl |= abi.FlagStatic
	}
	return fl
}

// section switches to name with flags, in the comdat group if there is one.
func section(b *strings.Builder, name, flags, group string) {
	if group == "" {
		fmt.Fprintf(b, "\t.section\t%s,\"%s\",@progbits\n", name, flags)
		return
	}
	fmt.Fprintf(b, "\t.section\t%s,\"%sG\",@progbits,%s,comdat\n", name, flags, group)
}
