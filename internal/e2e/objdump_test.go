package e2e

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/abi"
)

// An insn is one line of objdump -d output.
type insn struct {
	addr    uint64
	text    string // mnemonic and operands, prefixes included, comment removed
	comment string // after '#', e.g. "4020 <fptr+0x8>"
}

// mnemonic returns the instruction's mnemonic with prefixes such as
// notrack, cs or bnd dropped.
func (in insn) mnemonic() string {
	f := strings.Fields(in.text)
	for len(f) > 1 && (f[0] == "notrack" || f[0] == "cs" || f[0] == "bnd" || f[0] == "ds") {
		f = f[1:]
	}
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// operands returns everything after the mnemonic.
func (in insn) operands() string {
	m := in.mnemonic()
	i := strings.Index(in.text, m)
	return strings.TrimSpace(in.text[i+len(m):])
}

var (
	objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\t(.*)$`)
	hexTarget   = regexp.MustCompile(`^([0-9a-f]+)(?:\s+<([^>]*)>)?`)
	regToReg    = regexp.MustCompile(`^%[a-z0-9]+,`)
)

// branchTarget parses "call 1260 <optpoline.jmp.rax>" style operands.
func (in insn) branchTarget() (uint64, string, bool) {
	m := hexTarget.FindStringSubmatch(in.operands())
	if m == nil {
		return 0, "", false
	}
	v, err := strconv.ParseUint(m[1], 16, 64)
	return v, m[2], err == nil
}

// commentAddr parses the address objdump prints after '#' for a
// rip-relative operand.
func (in insn) commentAddr() (uint64, bool) {
	m := hexTarget.FindStringSubmatch(strings.TrimSpace(in.comment))
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseUint(m[1], 16, 64)
	return v, err == nil
}

// objdump disassembles prog with GNU objdump and indexes the instructions
// by address.
func objdump(prog string) (map[uint64]insn, error) {
	out, err := exec.Command("objdump", "-d", "-w", "--no-show-raw-insn", prog).Output()
	if err != nil {
		return nil, fmt.Errorf("objdump -d %s: %v", prog, err)
	}
	insns := map[uint64]insn{}
	for _, l := range strings.Split(string(out), "\n") {
		m := objdumpLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		a, _ := strconv.ParseUint(m[1], 16, 64)
		text, comment, _ := strings.Cut(m[2], "#")
		insns[a] = insn{a, strings.TrimSpace(text), strings.TrimSpace(comment)}
	}
	return insns, nil
}

// crossCheck compares what verify decoded at s with objdump's reading of
// the same bytes and returns the disagreements.
func crossCheck(insns map[uint64]insn, s Site) []string {
	var bad []string
	fail := func(format string, args ...any) {
		bad = append(bad, fmt.Sprintf("site %s (%#x): ", s.Func, s.SiteAt)+fmt.Sprintf(format, args...))
	}
	get := func(a uint64, what string) (insn, bool) {
		in, ok := insns[a]
		if !ok {
			fail("objdump has no instruction at %#x (%s)", a, what)
		}
		return in, ok
	}
	if in, ok := get(s.SiteAt, "cmpq"); ok {
		slot, okc := in.commentAddr()
		if in.mnemonic() != "cmp" || !strings.HasSuffix(in.operands(), "(%rip),"+regName(s.CmpReg)) || !okc || slot != s.CmpSlot {
			fail("objdump reads %q # %s, verify decoded cmpq %#x(%%rip), %s", in.text, in.comment, s.CmpSlot, regName(s.CmpReg))
		}
	}
	if s.Flags&abi.FlagDispatch != 0 {
		// A dispatch site: verify decoded its entries (learned) or only
		// its first compare (funnel).
		for _, o := range s.Outline {
			if in, ok := get(o.At+10, "je"); ok {
				if to, _, okt := in.branchTarget(); in.mnemonic() != "je" || !okt || to != o.JeTarget {
					fail("objdump reads %q at %#x, verify decoded je %#x", in.text, o.At+10, o.JeTarget)
				}
			}
		}
		return bad
	}
	if in, ok := get(s.SiteAt+7, "je"); ok {
		to, _, okt := in.branchTarget()
		if in.mnemonic() != "je" || !okt || to != s.JeTarget {
			fail("objdump reads %q at +7, verify decoded je %#x", in.text, s.JeTarget)
		}
	}
	if in, ok := get(s.Fallback, "fallback"); ok && s.FallTo != 0 {
		to, _, okt := in.branchTarget()
		if m := in.mnemonic(); m != "call" && m != "jmp" || !okt || to != s.FallTo {
			fail("objdump reads the fallback as %q, verify decoded a branch to %#x", in.text, s.FallTo)
		}
	}
	if in, ok := get(s.CallAt, "hit call"); ok {
		to, sym, okt := in.branchTarget()
		want := "call"
		if s.Flags&abi.FlagTail != 0 {
			want = "jmp"
		}
		if in.mnemonic() != want || !okt || to != s.HitTarget || s.HitSym != "" && sym != s.HitSym {
			fail("objdump reads the hit branch as %q, verify decoded %s %#x <%s>", in.text, want, s.HitTarget, s.HitSym)
		}
	}
	if s.MovAt != 0 {
		if in, ok := get(s.MovAt, "movq MEM, %r11"); ok {
			if in.mnemonic() != "mov" || !strings.HasSuffix(in.operands(), ",%r11") || regToReg.MatchString(in.operands()) {
				fail("objdump reads %q before the site, verify decoded movq MEM, %%r11", in.text)
			}
		}
	}
	for k, o := range s.Outline {
		if in, ok := get(o.At, "outline cmpq"); ok {
			slot, okc := in.commentAddr()
			if in.mnemonic() != "cmp" || !strings.HasSuffix(in.operands(), "(%rip),"+regName(s.CmpReg)) || !okc || slot != o.Slot {
				fail("outline entry %d: objdump reads %q # %s, verify decoded slot %#x", k, in.text, in.comment, o.Slot)
			}
		}
		if in, ok := get(o.At+7, "outline nopl"); ok && in.mnemonic() != "nopl" {
			fail("outline entry %d: objdump reads %q at +7, want nopl", k, in.text)
		}
		if in, ok := get(o.At+10, "outline je"); ok {
			to, _, okt := in.branchTarget()
			if in.mnemonic() != "je" || !okt || to != o.JeTarget {
				fail("outline entry %d: objdump reads %q at +10, verify decoded je %#x", k, in.text, o.JeTarget)
			}
		}
	}
	if s.OutlineAt != 0 && s.FinalTo != 0 {
		fa := s.OutlineAt + 16*uint64(s.NOut)
		// nopl (3 bytes) then jmp, or xchg %ax,%ax (2) then cs jmp.
		at := fa + 3
		if _, ok := insns[at]; !ok {
			at = fa + 2
		}
		if in, ok := get(at, "outline final jmp"); ok {
			to, _, okt := in.branchTarget()
			if m := in.mnemonic(); m != "jmp" && m != "call" || !okt || to != s.FinalTo {
				fail("outline final: objdump reads %q, verify decoded jmp %#x", in.text, s.FinalTo)
			}
		}
	}
	return bad
}
