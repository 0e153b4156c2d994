package x86_test

import (
	"strings"
	"testing"

	"github.com/optpoline/optpoline/parser/x86"
)

func TestLookupPrefix(t *testing.T) {
	for _, tc := range []struct {
		word string
		want x86.Prefix
	}{
		{"lock", x86.PrefixLock}, {"rep", x86.PrefixRep},
		{"repe", x86.PrefixRepE}, {"repz", x86.PrefixRepE}, {"repne", x86.PrefixRepNE},
		{"repnz", x86.PrefixRepNE}, {"notrack", x86.PrefixNotrack}, {"data16", x86.PrefixData16},
		{"data32", x86.PrefixData32}, {"addr16", x86.PrefixAddr16}, {"addr32", x86.PrefixAddr32},
		{"cs", x86.PrefixCS}, {"ds", x86.PrefixDS}, {"es", x86.PrefixES}, {"fs", x86.PrefixFS},
		{"gs", x86.PrefixGS}, {"ss", x86.PrefixSS}, {"rex", x86.PrefixREX}, {"rex64", x86.PrefixRex64},
		{"rex.W", x86.PrefixREXW}, {"rex.w", x86.PrefixREXW}, {"rex.WB", x86.PrefixREXWB},
		{"rex.wb", x86.PrefixREXWB}, {"rex.B", x86.PrefixREXB}, {"rex.WRXB", x86.PrefixREXWRXB},
		{"rex.RX", x86.PrefixREXRX}, {"rex.Rx", x86.PrefixREXRX}, {"rex.wRxB", x86.PrefixREXWRXB}, {"bnd", x86.PrefixBnd}, {"xacquire", x86.PrefixXAcquire},
		{"xrelease", x86.PrefixXRelease}, {"{vex}", x86.PseudoVex}, {"{vex2}", x86.PseudoVex2},
		{"{vex3}", x86.PseudoVex3}, {"{evex}", x86.PseudoEvex}, {"{disp8}", x86.PseudoDisp8},
		{"{disp32}", x86.PseudoDisp32}, {"{load}", x86.PseudoLoad}, {"{store}", x86.PseudoStore},
		{"{nooptimize}", x86.PseudoNoOptimize}, {"{rex}", x86.PseudoRex},
	} {
		got, ok := x86.LookupPrefix(tc.word)
		if !ok || got != tc.want || !x86.IsPrefix(tc.word) {
			t.Errorf("LookupPrefix(%q) = %v, %v; want %v", tc.word, got, ok, tc.want)
		}
		if !strings.EqualFold(got.String(), tc.word) && tc.word != "repz" && tc.word != "repnz" {
			t.Errorf("%v.String() = %q, want %q up to case", got, got.String(), tc.word)
		}
	}
	for _, w := range []string{"", "call", "rex.", "rex.BW", "rex.WW", "rex.Q", "vex", "{vex", "{foo}",
		"lockx", "LOCK", "REX.W", "{VEX}", "%cs", "wait", "data64", "rep;", "notrack\t"} {
		if p, ok := x86.LookupPrefix(w); ok || x86.IsPrefix(w) {
			t.Errorf("LookupPrefix(%q) = %v, want none", w, p)
		}
	}
}

func TestPrefixREX(t *testing.T) {
	for bits := uint8(0); bits < 16; bits++ {
		p := x86.PrefixREX + x86.Prefix(bits)
		got, ok := p.REXBits()
		if !ok || got != bits {
			t.Errorf("%v.REXBits() = %d, %v; want %d", p, got, ok, bits)
		}
		q, ok := x86.LookupPrefix(p.String())
		if !ok || q != p {
			t.Errorf("LookupPrefix(%q) = %v", p, q)
		}
	}
	if b, ok := x86.PrefixRex64.REXBits(); !ok || b != 8 {
		t.Errorf("rex64 bits %d %v", b, ok)
	}
	if _, ok := x86.PrefixLock.REXBits(); ok {
		t.Error("lock has REX bits")
	}
	if !x86.PseudoDisp8.IsPseudo() || x86.PrefixLock.IsPseudo() || x86.PrefixREX.IsPseudo() {
		t.Error("IsPseudo wrong")
	}
}

// TestPrefixAssembles checks that gas accepts each prefix spelling in
// front of an instruction.
func TestPrefixAssembles(t *testing.T) {
	var lines []string
	for p := x86.PrefixLock; p.String() != "Prefix(?)"; p++ {
		insn := "nop"
		switch {
		case p == x86.PrefixLock || p == x86.PrefixXAcquire || p == x86.PrefixXRelease:
			insn = "lock incl (%rax)"
			if p == x86.PrefixLock {
				insn = "incl (%rax)"
			}
		case p == x86.PrefixData32 || p == x86.PrefixAddr16 || p == x86.PrefixES || p == x86.PrefixSS:
			continue // prefixes of 32-bit code: gas rejects them in 64-bit code
		case x86.PrefixES <= p && p <= x86.PrefixGS:
			insn = "movl (%rax), %eax"
		case p == x86.PrefixBnd || p == x86.PrefixNotrack:
			insn = "call *%rax"
		case p == x86.PseudoVex || p == x86.PseudoVex2 || p == x86.PseudoVex3 || p == x86.PseudoEvex:
			insn = "vpaddd %xmm0, %xmm1, %xmm2"
		case p.IsPseudo():
			insn = "mov %eax, %ecx"
		}
		lines = append(lines, p.String()+" "+insn)
	}
	assemble(t, lines)
}
