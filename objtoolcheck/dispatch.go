package objtoolcheck

import (
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/abi"
	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// checkDispatchEntry checks a dispatch site's entry (abi.FlagDispatch,
// sites.md §7) against its code: the label set names labels of the site's
// function, none of which may read the flags the compares clobber; every
// compare is "cmpq SLOT(%rip), %REG" with the entry's register; a funnel's
// slots are read-only and hold labels of the set, each je going to the
// label its slot holds; a learned site has nout 16-byte entries
// (cmpq, nopl, je) with writable slots at the sentinel and placeholder
// targets; the site ends in the original jump or the learning call.
func (c *checker) checkDispatchEntry(e siteEntry) {
	f := c.f
	bad := func(at int, format string, args ...any) {
		c.report(at, c.funcName(at), Site, format, args...)
	}
	sj, ok := c.labels[e.site]
	if !ok {
		bad(e.at, "table entry names dispatch site %s, which is not defined", e.site)
		return
	}
	fn := c.funcName(sj)
	set := c.labelSet(e, fn, bad)
	funnel := e.flags&abi.FlagStatic != 0
	reg := x86.Reg(0)
	first := true
	entries := 0
	var lastSlot string
	end, ok := c.labels[e.hit]
	if !ok {
		bad(e.at, "dispatch site %s: its miss label %s is not defined", e.site, e.hit)
		return
	}
	if end < sj {
		bad(e.at, "dispatch site %s: its miss label %s comes before the site", e.site, e.hit)
		return
	}
	var ops [2]parser.Operand
	for i := sj + 1; i < end; i++ {
		st := &f.Stmts[i]
		switch st.Kind {
		case parser.Label:
			if w := f.Word(i); !strings.HasPrefix(w, ".Lopt_d") {
				bad(i, "dispatch site %s: label %s inside the site", e.site, w)
			}
			continue
		case parser.Instr:
		default:
			continue
		}
		w := f.Word(i)
		os, err := f.Operands(i, ops[:0])
		if err != nil {
			bad(i, "dispatch site %s: unreadable instruction", e.site)
			return
		}
		switch {
		case strings.HasPrefix(w, "cmp"):
			slot := ""
			if len(os) == 2 && os[0].Kind == parser.OpMem && os[0].Base == x86.RIP {
				if r, ok := f.SymRef(os[0].Expr); ok && r.Addend == "" {
					slot = r.Sym
				}
			}
			if slot == "" || os[1].Kind != parser.OpReg || os[1].Reg.Width() != 64 {
				bad(i, "dispatch site %s: a compare that is not cmpq SLOT(%%rip), %%REG", e.site)
				return
			}
			if int64(os[1].Reg.Num()) != e.reg {
				bad(i, "dispatch site %s compares %%%s, its table entry says register %d", e.site, os[1].Reg, e.reg)
			}
			reg = os[1].Reg
			if first && slot != e.slot {
				bad(i, "dispatch site %s first compares with %s, its table entry names slot %s", e.site, slot, e.slot)
			}
			first = false
			lastSlot = slot
			c.checkDispatchSlot(e, slot, funnel, set, bad)
			if !funnel {
				entries++
				n := c.nextInstr(i)
				if n < 0 || !f.WordIs(n, "nopl") || c.nextInstr(n) < 0 || !f.WordIs(c.nextInstr(n), "je") {
					bad(i, "dispatch site %s: a learned entry is not cmpq, nopl, je", e.site)
				}
			}
		case w == "je":
			tgt, ok := c.branchSym(i)
			switch {
			case !ok:
				bad(i, "dispatch site %s: je is not a direct branch", e.site)
			case funnel && tgt != c.slotValue(lastSlot):
				bad(i, "dispatch site %s: je goes to %s after comparing with %s, which holds %s", e.site, tgt, lastSlot, c.slotValue(lastSlot))
			case !funnel && !placeholderFor(tgt, reg):
				bad(i, "dispatch site %s: learned entry's je goes to %s, not a placeholder for %%%s", e.site, tgt, reg)
			}
		case w == "jb" || w == "jmp":
			if tgt, ok := c.branchSym(i); !ok || !strings.HasPrefix(tgt, ".Lopt_d") {
				bad(i, "dispatch site %s: %s leaves the site", e.site, w)
			}
		case w == "nopl", w == "leaq" && !funnel, w == "call" && !funnel:
		default:
			bad(i, "dispatch site %s: unexpected %s inside the site", e.site, w)
		}
	}
	if !funnel && int64(entries) != e.outlineSize {
		bad(sj, "dispatch site %s has %d learned entries, its table entry says %d", e.site, entries, e.outlineSize)
	}
	if funnel && e.outlineSize != 0 {
		bad(e.at, "dispatch site %s is a funnel with %d entries in its table entry, want 0", e.site, e.outlineSize)
	}
	c.checkDispatchMiss(e, end, reg, bad)
}

// checkDispatchMiss: the miss label names the original jump through the
// site's register, or (learned sites) a call to the learning code after
// "leaq -128(%rsp), %rsp", followed by ud2.
func (c *checker) checkDispatchMiss(e siteEntry, j int, reg x86.Reg, bad func(int, string, ...any)) {
	f := c.f
	i := c.labelTarget(j)
	if i < 0 {
		bad(j, "dispatch site %s: %s labels no instruction", e.site, e.hit)
		return
	}
	if f.Stmts[i].Kind == parser.Prefix { // "cs" on its own line
		i = c.nextInstr(i)
		if i < 0 {
			return
		}
	}
	var ops [1]parser.Operand
	os, err := f.Operands(i, ops[:0])
	if err != nil || len(os) != 1 {
		bad(i, "dispatch site %s: unreadable miss branch", e.site)
		return
	}
	switch x86.Classify(f.Word(i)) {
	case x86.Call:
		tgt, _ := c.branchSym(i)
		if !strings.HasPrefix(tgt, "__optpoline_learn_jump_") || !strings.HasSuffix(tgt, "_"+reg.String()) {
			bad(i, "dispatch site %s: miss call to %s, not the learning code for %%%s", e.site, tgt, reg)
		}
		p := i - 1
		for p > 0 && f.Stmts[p].Kind != parser.Instr {
			p--
		}
		if !f.WordIs(p, "leaq") || !strings.Contains(f.Args(p), "-128(%rsp)") {
			bad(i, "dispatch site %s: the learning call does not step over the red zone first", e.site)
		}
		if n := c.nextInstr(i); n < 0 || !f.WordIs(n, "ud2") {
			bad(i, "dispatch site %s: the learning call is not followed by ud2", e.site)
		}
	case x86.Jmp:
		if os[0].Indirect {
			if os[0].Kind != parser.OpReg || int64(os[0].Reg.Num()) != e.reg {
				bad(i, "dispatch site %s: the fallback jumps through another register", e.site)
			}
			return
		}
		tgt, _ := c.branchSym(i)
		if k, r := x86.Thunk(tgt); k == x86.NotThunk || int64(r.Num()) != e.reg {
			bad(i, "dispatch site %s: the fallback jumps to %s, not a thunk for register %d", e.site, tgt, e.reg)
		}
	default:
		bad(i, "dispatch site %s: %s is not its fallback jump", e.site, e.hit)
	}
}

// placeholderFor reports the initial targets of a learned entry's je.
func placeholderFor(sym string, r x86.Reg) bool {
	if k, tr := x86.Thunk(sym); k != x86.NotThunk {
		return tr == r
	}
	return sym == "optpoline.djmp."+r.String() || sym == "optpoline.djmp.nt."+r.String()
}

// labelSet reads a dispatch entry's label set: ".long N" then N ".long
// LABEL - ." in abi.LabelSetSection, each a label of fn (or of its .cold
// part) that does not read the flags before writing them.
func (c *checker) labelSet(e siteEntry, fn string, bad func(int, string, ...any)) map[string]bool {
	f := c.f
	set := map[string]bool{}
	j, ok := c.labels[e.outl]
	if !ok {
		bad(e.at, "dispatch site %s: label set %s is not defined", e.site, e.outl)
		return set
	}
	if sec := c.nextSec(j); sec != abi.LabelSetSection {
		bad(j, "dispatch site %s: label set %s is in %s, not %s", e.site, e.outl, sec, abi.LabelSetSection)
	}
	var vals []field
	var buf [8]parser.Span
	for k := j + 1; k < len(f.Stmts) && c.sec[k] == c.sec[j+1]; k++ {
		st := &f.Stmts[k]
		if st.Kind == parser.Label {
			break
		}
		if st.Kind != parser.Directive || !f.WordIs(k, ".long") {
			continue
		}
		for _, a := range f.SplitArgs(k, buf[:0]) {
			vals = append(vals, field{k, strings.TrimSpace(string(f.Src[a.Pos:a.End]))})
		}
	}
	if len(vals) == 0 {
		bad(j, "dispatch site %s: label set %s is empty", e.site, e.outl)
		return set
	}
	n, err := strconv.Atoi(vals[0].text)
	if err != nil || n != len(vals)-1 {
		bad(vals[0].at, "dispatch site %s: label set %s says %s labels and lists %d", e.site, e.outl, vals[0].text, len(vals)-1)
	}
	for _, v := range vals[1:] {
		name := pcrelSym(v.text)
		lj, ok := c.labels[name]
		if !ok {
			bad(v.at, "dispatch site %s: label %s of its set is not defined", e.site, name)
			continue
		}
		if g := c.funcName(lj); baseFunc(g) != baseFunc(fn) {
			bad(v.at, "dispatch site %s: label %s of its set is in %s, not in %s", e.site, name, g, fn)
		}
		if reads, at, why := analysis.FlagsReadAt(f, lj); reads {
			bad(at, "dispatch site %s: label %s of its set may read the flags its compares clobber (%s)", e.site, name, why)
		}
		set[name] = true
	}
	return set
}

// checkDispatchSlot: a funnel's slot is in .data.rel.ro* and holds a label
// of the set; a learned entry's slot is writable and starts at the sentinel.
func (c *checker) checkDispatchSlot(e siteEntry, slot string, funnel bool, set map[string]bool, bad func(int, string, ...any)) {
	j, ok := c.labels[slot]
	if !ok {
		bad(e.at, "dispatch site %s: slot %s is not defined", e.site, slot)
		return
	}
	sec := c.nextSec(j)
	v := c.slotValue(slot)
	switch {
	case funnel && !strings.HasPrefix(sec, ".data.rel.ro"):
		bad(j, "dispatch site %s: funnel slot %s is in %s, not read-only data (.data.rel.ro*)", e.site, slot, sec)
	case funnel && !set[v]:
		bad(j, "dispatch site %s: funnel slot %s holds %s, not a label of the set", e.site, slot, v)
	case !funnel && sec != abi.SlotSection && !strings.HasPrefix(sec, ".data"):
		bad(j, "dispatch site %s: slot %s is in %s, not a writable data section", e.site, slot, sec)
	case !funnel:
		if n, err := strconv.ParseUint(v, 0, 64); err != nil || n != abi.Sentinel {
			bad(j, "dispatch site %s: slot %s starts as %s, not the sentinel %#x", e.site, slot, v, abi.Sentinel)
		}
	}
}

// slotValue is the value of the .quad after label slot, as written.
func (c *checker) slotValue(slot string) string {
	j, ok := c.labels[slot]
	if !ok {
		return ""
	}
	f := c.f
	for k := j + 1; k < len(f.Stmts); k++ {
		if f.Stmts[k].Kind != parser.Directive {
			continue
		}
		if !f.WordIs(k, ".quad") && !f.WordIs(k, ".8byte") {
			return ""
		}
		return strings.TrimSpace(f.Args(k))
	}
	return ""
}

// baseFunc is the function a gcc .cold part was split from ("f" for
// "f.cold" and "f.cold.2"), or name itself.
func baseFunc(name string) string {
	if i := strings.LastIndex(name, ".cold"); i > 0 {
		if rest := name[i+len(".cold"):]; rest == "" || rest[0] == '.' && strings.Trim(rest[1:], "0123456789") == "" && len(rest) > 1 {
			return name[:i]
		}
	}
	return name
}
