package objtoolcheck

import (
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
	"github.com/optpoline/optpoline/passes/staticcall"
)

// checkStaticCallSites verifies the static_call_sites entries that the
// staticcall pass wrote (docs/as-built/static-calls.md): each is
// ".long L - 4 - ." and ".long __SCK__x@GOTPCREL", where L follows an
// unprefixed call, jmp or jcc to __SCT__x (or __SCT__x@PLT), which comes
// right after ".balign 4" and the nop that 4-aligns its rel32 (nopl
// (%rax), or xchg %ax,%ax for a jcc). The runtime patches that rel32 on
// every static_call_update, so a wrong entry would corrupt code.
func (c *checker) checkStaticCallSites() {
	if !c.cfg.on(Site) {
		return
	}
	f := c.f
	var vals []field
	var buf [4]parser.Span
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive || c.sec[i] != staticcall.Section || !f.WordIs(i, ".long") {
			continue
		}
		for _, a := range f.SplitArgs(i, buf[:0]) {
			vals = append(vals, field{i, strings.Join(strings.Fields(string(f.Src[a.Pos:a.End])), " ")})
		}
	}
	if len(vals)%2 != 0 {
		c.report(vals[len(vals)-1].at, "", Site, "%s holds %d values, not {rel32, key} pairs", staticcall.Section, len(vals))
		vals = vals[:len(vals)-1]
	}
	seen := map[string]bool{}
	for k := 0; k < len(vals); k += 2 {
		at := vals[k].at
		label, ok := strings.CutSuffix(vals[k].text, " - 4 - .")
		key, kok := strings.CutSuffix(vals[k+1].text, "@GOTPCREL")
		name, nok := strings.CutPrefix(key, staticcall.KeyPrefix)
		if !ok || !kok || !nok || name == "" {
			c.report(at, "", Site, "%s entry is not {.long L - 4 - ., .long %sNAME@GOTPCREL}: %q, %q", staticcall.Section, staticcall.KeyPrefix, vals[k].text, vals[k+1].text)
			continue
		}
		if seen[label] {
			c.report(at, "", Site, "static call site %s is in %s twice", label, staticcall.Section)
			continue
		}
		seen[label] = true
		c.checkStaticCallSite(at, label, name)
	}
}

// checkStaticCallSite checks the branch whose rel32 ends at label.
func (c *checker) checkStaticCallSite(at int, label, name string) {
	f := c.f
	j, ok := c.labels[label]
	if !ok {
		c.report(at, "", Site, "static call site %s is not defined", label)
		return
	}
	b := c.prevStmt(j, parser.Label)
	if b < 0 || f.Stmts[b].Kind != parser.Instr {
		c.report(j, c.funcName(j), Site, "static call site %s does not follow a branch", label)
		return
	}
	cls := x86.Classify(f.Word(b))
	sym, direct := c.branchSym(b)
	if r, ok := strings.CutSuffix(sym, "@PLT"); ok {
		sym = r
	}
	switch {
	case cls != x86.Call && cls != x86.Jmp && cls != x86.Jcc || !direct:
		c.report(b, c.funcName(b), Site, "static call site %s: %s is not a direct call, jmp or jcc", label, f.Word(b))
		return
	case sym != staticcall.Prefix+name:
		c.report(b, c.funcName(b), Site, "static call site %s branches to %s, its entry names key %s%s", label, sym, staticcall.KeyPrefix, name)
	case f.Stmts[b].Flags&parser.HasPrefix != 0:
		c.report(b, c.funcName(b), Site, "static call site %s: the branch has a prefix (its rel32 would not be 4-aligned)", label)
	}
	nop := c.prevStmt(b, parser.Blank)
	bal := -1
	if nop >= 0 {
		bal = c.prevStmt(nop, parser.Blank)
	}
	want := "nopl"
	if cls == x86.Jcc {
		want = "xchg"
	}
	if nop < 0 || !f.WordIs(nop, want) || bal < 0 || !f.WordIs(bal, ".balign") || strings.TrimSpace(f.Args(bal)) != "4" {
		c.report(b, c.funcName(b), Site, "static call site %s: the rel32 is not 4-byte aligned (want .balign 4 and %s right before the branch)", label, want)
	}
}

// prevStmt is the statement before i, skipping blanks (and labels when
// skip is parser.Label); -1 at the start.
func (c *checker) prevStmt(i int, skip parser.Kind) int {
	for k := i - 1; k >= 0; k-- {
		if kd := c.f.Stmts[k].Kind; kd != parser.Blank && kd != skip {
			return k
		}
	}
	return -1
}
