package objtoolcheck

import (
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/abi"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// field is one value of the site table, as written.
type field struct {
	at   int // statement
	text string
}

// siteEntry is one optpoline_sites entry (ABI v1): site, hit, slot and
// outline as label names, the register number, flags and outline size.
type siteEntry struct {
	at                      int
	site, hit, slot, outl   string
	reg, flags, outlineSize int64
}

// checkSites verifies the optpoline_sites tables that optpoline markup
// wrote against the code (sites.md §2–§4, ABI v1).
func (c *checker) checkSites() {
	if !c.cfg.on(Site) {
		return
	}
	frags := c.tableFragments()
	seen := map[string]int{}
	for _, fr := range frags {
		for _, e := range c.decodeFragment(fr) {
			if prev, dup := seen[e.site]; dup {
				c.report(e.at, "", Site, "site %s is in the table twice (first at line %d)", e.site, c.f.Stmts[prev].Line)
				continue
			}
			seen[e.site] = e.at
			if e.flags >= 0 && e.flags&abi.FlagDispatch != 0 {
				c.checkDispatchEntry(e)
				continue
			}
			c.checkSiteEntry(e)
		}
	}
	// Every site in the code must be in a table.
	for name, j := range c.labels {
		if (strings.HasPrefix(name, ".Lopt_site_") || strings.HasPrefix(name, ".Lopt_dsite_")) && !abi.IsTableSection(c.nextSec(j)) {
			if _, ok := seen[name]; !ok {
				c.report(j, c.funcName(j), Site, "site %s is not in the optpoline_sites table", name)
			}
		}
	}
}

// tableFragments returns the table's values, one list per fragment (a
// fragment starts at each .balign in the table section).
func (c *checker) tableFragments() [][]field {
	f := c.f
	var (
		frags [][]field
		buf   [8]parser.Span
	)
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive || f.IsSectionDirective(i) || !abi.IsTableSection(c.sec[i]) {
			continue
		}
		switch f.Word(i) {
		case ".balign", ".p2align", ".align":
			frags = append(frags, nil)
		case ".long", ".value", ".byte", ".4byte", ".2byte", ".short", ".int":
			if len(frags) == 0 {
				frags = append(frags, nil)
			}
			for _, a := range f.SplitArgs(i, buf[:0]) {
				frags[len(frags)-1] = append(frags[len(frags)-1], field{i, strings.TrimSpace(string(f.Src[a.Pos:a.End]))})
			}
		}
	}
	return frags
}

// decodeFragment checks a fragment's header and returns its entries.
func (c *checker) decodeFragment(fr []field) []siteEntry {
	const hdr, per = 5, 9 // header: magic, version, entry size, count, name; entry: 4 longs, 4 bytes, id
	if len(fr) < hdr {
		if len(fr) > 0 {
			c.report(fr[0].at, "", Site, "optpoline_sites fragment too short for its header (%d values)", len(fr))
		}
		return nil
	}
	num := func(k int) int64 {
		v, err := strconv.ParseInt(fr[k].text, 0, 64)
		if err != nil {
			return -1
		}
		return v
	}
	switch {
	case num(0) != int64(abi.Magic):
		c.report(fr[0].at, "", Site, "optpoline_sites magic is %s, want %#x", fr[0].text, abi.Magic)
		return nil
	case num(1) != abi.Version || num(2) != abi.EntrySize:
		c.report(fr[1].at, "", Site, "optpoline_sites version %s entry size %s, want ABI v%d with %d-byte entries", fr[1].text, fr[2].text, abi.Version, abi.EntrySize)
		return nil
	}
	n := num(3)
	body := fr[hdr:]
	if n < 0 || int64(len(body)) != n*per {
		c.report(fr[3].at, "", Site, "optpoline_sites header says %s entries, the fragment holds %d values (%d per entry)", fr[3].text, len(body), per)
		if n < 0 || int64(len(body)) < n*per {
			return nil
		}
	}
	var out []siteEntry
	for k := int64(0); k < n; k++ {
		e := body[k*per : (k+1)*per]
		v := func(j int) int64 {
			x, err := strconv.ParseInt(e[j].text, 0, 64)
			if err != nil {
				return -1
			}
			return x
		}
		out = append(out, siteEntry{
			at: e[0].at, site: pcrelSym(e[0].text), hit: pcrelSym(e[1].text), slot: pcrelSym(e[2].text), outl: pcrelSym(e[3].text),
			reg: v(4), flags: v(5), outlineSize: v(6),
		})
	}
	return out
}

// checkSiteEntry checks one entry against the code it points at.
func (c *checker) checkSiteEntry(e siteEntry) {
	f := c.f
	bad := func(at int, format string, args ...any) {
		c.report(at, c.funcName(at), Site, format, args...)
	}
	sj, ok := c.labels[e.site]
	if !ok {
		bad(e.at, "table entry names site %s, which is not defined", e.site)
		return
	}
	cmp := c.labelTarget(sj)
	if cmp < 0 {
		bad(sj, "site %s labels no instruction", e.site)
		return
	}
	var ops [2]parser.Operand
	os, err := f.Operands(cmp, ops[:0])
	slotRef := ""
	if err == nil && len(os) == 2 && os[0].Kind == parser.OpMem && os[0].Base == x86.RIP {
		if r, ok := f.SymRef(os[0].Expr); ok && r.Addend == "" {
			slotRef = r.Sym
		}
	}
	switch {
	case !strings.HasPrefix(f.Word(cmp), "cmp") || slotRef == "" || os[1].Kind != parser.OpReg || os[1].Reg.Width() != 64:
		bad(cmp, "site %s does not start with cmpq SLOT(%%rip), %%REG", e.site)
		return
	case slotRef != e.slot:
		bad(cmp, "site %s compares with %s, its table entry names slot %s", e.site, slotRef, e.slot)
	case int64(os[1].Reg.Num()) != e.reg:
		bad(cmp, "site %s compares %%%s, its table entry says register %d", e.site, os[1].Reg, e.reg)
	}
	je := c.nextInstr(cmp)
	if je < 0 || !f.WordIs(je, "je") {
		bad(cmp, "site %s: the cmpq is not followed by je HIT", e.site)
		return
	}
	if tgt, ok := c.branchSym(je); !ok || tgt != e.hit {
		bad(je, "site %s jumps to %s on a hit, its table entry names %s", e.site, tgt, e.hit)
	}
	c.checkHit(e, bad)
	c.checkSlot(e, bad)
	c.checkOutline(e, bad)
}

// checkHit: the hit branch is a direct call (jmp for tail sites) with no
// prefix, after the pad that 4-aligns its rel32.
func (c *checker) checkHit(e siteEntry, bad func(int, string, ...any)) {
	f := c.f
	hj, ok := c.labels[e.hit]
	if !ok {
		bad(e.at, "site %s: hit label %s is not defined", e.site, e.hit)
		return
	}
	h := c.labelTarget(hj)
	if h < 0 || f.Stmts[h].Kind != parser.Instr || f.Stmts[h].Flags&parser.HasPrefix != 0 {
		bad(hj, "site %s: hit label %s does not label an unprefixed branch", e.site, e.hit)
		return
	}
	want := x86.Call
	if e.flags&abi.FlagTail != 0 {
		want = x86.Jmp
	}
	if x86.Classify(f.Word(h)) != want {
		bad(h, "site %s: hit branch is %s, its flags say %s", e.site, f.Word(h), map[x86.Class]string{x86.Call: "call", x86.Jmp: "jmp"}[want])
	}
	if _, ok := c.branchSym(h); !ok {
		bad(h, "site %s: hit branch is not a direct branch", e.site)
	}
	// The pad: ".balign 4, 0xcc" then three bytes right before the label,
	// so the one-byte opcode puts the rel32 on a 4-byte boundary.
	var pad []int
	for k := hj - 1; k >= 0 && len(pad) < 2; k-- {
		if st := &f.Stmts[k]; st.Kind == parser.Directive {
			pad = append(pad, k)
		} else if st.Kind != parser.Label && st.Kind != parser.Blank {
			break
		}
	}
	if len(pad) != 2 || !f.WordIs(pad[1], ".balign") || !strings.HasPrefix(strings.TrimSpace(f.Args(pad[1])), "4") ||
		!f.WordIs(pad[0], ".byte") || strings.Count(f.Args(pad[0]), ",") != 2 {
		bad(hj, "site %s: the hit branch's rel32 is not 4-byte aligned (want .balign 4 and three pad bytes before %s)", e.site, e.hit)
	}
}

// checkSlot: the slot is 8 bytes in a writable section holding the
// sentinel (or, for a statically promoted site, a target).
func (c *checker) checkSlot(e siteEntry, bad func(int, string, ...any)) {
	f := c.f
	j, ok := c.labels[e.slot]
	if !ok {
		bad(e.at, "site %s: slot %s is not defined", e.site, e.slot)
		return
	}
	if sec := c.nextSec(j); sec != abi.SlotSection && !strings.HasPrefix(sec, ".data") {
		bad(j, "site %s: slot %s is in %s, not a writable data section", e.site, e.slot, sec)
	}
	for k := j + 1; k < len(f.Stmts); k++ {
		if f.Stmts[k].Kind != parser.Directive {
			continue
		}
		if !f.WordIs(k, ".quad") && !f.WordIs(k, ".8byte") {
			bad(j, "site %s: slot %s is not an 8-byte value", e.site, e.slot)
			return
		}
		v, err := strconv.ParseUint(strings.TrimSpace(f.Args(k)), 0, 64)
		if e.flags&abi.FlagStatic == 0 && (err != nil || v != abi.Sentinel) {
			bad(k, "site %s: slot %s starts as %s, not the sentinel %#x", e.site, e.slot, strings.TrimSpace(f.Args(k)), abi.Sentinel)
		}
		return
	}
}

// checkOutline: the outline block exists and has the declared number of
// entries.
func (c *checker) checkOutline(e siteEntry, bad func(int, string, ...any)) {
	if e.outl == "0" || e.outl == "" {
		if e.outlineSize != 0 {
			bad(e.at, "site %s: outline size %d but no outline block", e.site, e.outlineSize)
		}
		return
	}
	k, ok := c.byName[e.outl]
	if !ok {
		bad(e.at, "site %s: outline block %s is not a function of this file", e.site, e.outl)
		return
	}
	fn := c.funcs[k]
	n := int64(0)
	for i := fn.Start; i < fn.End; i++ {
		if c.f.Stmts[i].Kind == parser.Instr && strings.HasPrefix(c.f.Word(i), "cmp") {
			n++
		}
	}
	if n != e.outlineSize {
		bad(fn.Label, "site %s: outline block %s has %d entries, the table says %d", e.site, e.outl, n, e.outlineSize)
	}
}

// branchSym is the symbol a direct branch names.
func (c *checker) branchSym(i int) (string, bool) {
	var ops [1]parser.Operand
	os, err := c.f.Operands(i, ops[:0])
	if err != nil || len(os) != 1 || os[0].Indirect || os[0].Kind != parser.OpExpr {
		return "", false
	}
	r, ok := c.f.SymRef(os[0].Expr)
	return r.Sym, ok && r.Addend == ""
}
