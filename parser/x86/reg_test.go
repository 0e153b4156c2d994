package x86_test

import (
	"fmt"
	"testing"

	"github.com/optpoline/optpoline/parser/x86"
)

// allRegs returns every register, in constant order.
func allRegs() []x86.Reg {
	var rs []x86.Reg
	for r := x86.Reg(1); r.String() != ""; r++ {
		rs = append(rs, r)
	}
	return rs
}

func TestLookupRegRoundTrip(t *testing.T) {
	rs := allRegs()
	if len(rs) < 16*4+4+2+6+8+8+32*3+8+16+16+4+8 {
		t.Fatalf("only %d registers", len(rs))
	}
	for _, r := range rs {
		if got := x86.LookupReg(r.String()); got != r {
			t.Errorf("LookupReg(%q) = %v, want %v", r.String(), got, r)
		}
	}
}

func TestLookupReg(t *testing.T) {
	for _, tc := range []struct {
		name string
		want x86.Reg
	}{
		{"rax", x86.RAX}, {"RAX", x86.RAX}, {"Rax", x86.RAX}, {"r8d", x86.R8D}, {"R8D", x86.R8D},
		{"r15b", x86.R15B}, {"r15w", x86.R15W}, {"spl", x86.SPL}, {"ah", x86.AH},
		{"xmm15", x86.XMM15}, {"XMM31", x86.XMM31}, {"ymm0", x86.YMM0}, {"zmm31", x86.ZMM31},
		{"st", x86.ST0}, {"st(0)", x86.ST0}, {"st(1)", x86.ST1}, {"ST(7)", x86.ST7},
		{"fs", x86.FS}, {"gs", x86.GS}, {"rip", x86.RIP}, {"eip", x86.EIP},
		{"dr7", x86.DB7}, {"db7", x86.DB7}, {"cr8", x86.CR8}, {"k7", x86.K7},
		{"mm0", x86.MM0}, {"bnd3", x86.BND3}, {"tmm7", x86.TMM7},
		// Not registers, or not in 64-bit gas.
		{"", x86.NoReg}, {"%rax", x86.NoReg}, {"r8l", x86.NoReg}, {"r16", x86.NoReg},
		{"xmm32", x86.NoReg}, {"st(8)", x86.NoReg}, {"st(", x86.NoReg}, {"riz", x86.NoReg},
		{"k8", x86.NoReg}, {"bnd4", x86.NoReg}, {"tmm8", x86.NoReg}, {"mm8", x86.NoReg},
		{"raxx", x86.NoReg}, {"ra", x86.NoReg}, {"rex", x86.NoReg}, {"zmm0zmm0zmm0", x86.NoReg},
		{"r\x008", x86.NoReg}, {"st\b1)", x86.NoReg},
	} {
		if got := x86.LookupReg(tc.name); got != tc.want {
			t.Errorf("LookupReg(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRegProperties(t *testing.T) {
	for _, tc := range []struct {
		r          x86.Reg
		class      x86.RegClass
		width, num int
		full       x86.Reg
		high, rex  bool
	}{
		{x86.RAX, x86.GPR, 64, 0, x86.RAX, false, false},
		{x86.EAX, x86.GPR, 32, 0, x86.RAX, false, false},
		{x86.AX, x86.GPR, 16, 0, x86.RAX, false, false},
		{x86.AL, x86.GPR, 8, 0, x86.RAX, false, false},
		{x86.AH, x86.GPR, 8, 4, x86.RAX, true, false},
		{x86.CH, x86.GPR, 8, 5, x86.RCX, true, false},
		{x86.DH, x86.GPR, 8, 6, x86.RDX, true, false},
		{x86.BH, x86.GPR, 8, 7, x86.RBX, true, false},
		{x86.SPL, x86.GPR, 8, 4, x86.RSP, false, true},
		{x86.DIL, x86.GPR, 8, 7, x86.RDI, false, true},
		{x86.R8B, x86.GPR, 8, 8, x86.R8, false, true},
		{x86.R11D, x86.GPR, 32, 11, x86.R11, false, true},
		{x86.R15W, x86.GPR, 16, 15, x86.R15, false, true},
		{x86.RIP, x86.IP, 64, -1, x86.RIP, false, false},
		{x86.EIP, x86.IP, 32, -1, x86.RIP, false, false},
		{x86.ES, x86.Seg, 16, 0, x86.ES, false, false},
		{x86.CS, x86.Seg, 16, 1, x86.CS, false, false},
		{x86.SS, x86.Seg, 16, 2, x86.SS, false, false},
		{x86.DS, x86.Seg, 16, 3, x86.DS, false, false},
		{x86.FS, x86.Seg, 16, 4, x86.FS, false, false},
		{x86.GS, x86.Seg, 16, 5, x86.GS, false, false},
		{x86.ST3, x86.X87, 80, 3, x86.ST3, false, false},
		{x86.MM7, x86.MMX, 64, 7, x86.MM7, false, false},
		{x86.XMM7, x86.XMM, 128, 7, x86.XMM7, false, false},
		{x86.XMM8, x86.XMM, 128, 8, x86.XMM8, false, true},
		{x86.YMM20, x86.YMM, 256, 20, x86.YMM20, false, true},
		{x86.ZMM31, x86.ZMM, 512, 31, x86.ZMM31, false, true},
		{x86.K1, x86.Mask, 64, 1, x86.K1, false, false},
		{x86.CR8, x86.Ctrl, 64, 8, x86.CR8, false, true},
		{x86.DB7, x86.Debug, 64, 7, x86.DB7, false, false},
		{x86.BND2, x86.Bound, 128, 2, x86.BND2, false, false},
		{x86.TMM5, x86.TMM, 8192, 5, x86.TMM5, false, false},
		{x86.NoReg, x86.NoRegClass, 0, -1, x86.NoReg, false, false},
		{x86.Reg(60000), x86.NoRegClass, 0, -1, x86.NoReg, false, false},
	} {
		r := tc.r
		if r.Class() != tc.class || r.Width() != tc.width || r.Num() != tc.num || r.Full() != tc.full ||
			r.IsHighByte() != tc.high || r.NeedsREX() != tc.rex {
			t.Errorf("%q: got class %v width %d num %d full %v high %v rex %v; want %v %d %d %v %v %v",
				r.String(), r.Class(), r.Width(), r.Num(), r.Full(), r.IsHighByte(), r.NeedsREX(),
				tc.class, tc.width, tc.num, tc.full, tc.high, tc.rex)
		}
	}
	if got := x86.XMM.String(); got != "xmm" {
		t.Errorf("XMM.String() = %q", got)
	}
}

// TestGPRFull checks Full against the numbering for every GPR.
func TestGPRFull(t *testing.T) {
	for _, r := range allRegs() {
		if r.Class() != x86.GPR {
			continue
		}
		f := r.Full()
		want := r.Num()
		if r.IsHighByte() {
			want -= 4
		}
		if f.Class() != x86.GPR || f.Width() != 64 || f.Num() != want || f.Full() != f {
			t.Errorf("%s.Full() = %s (num %d), want the 64-bit GPR number %d", r, f, f.Num(), want)
		}
	}
}

// TestCallEncoding assembles "call *%REG" for every 64-bit GPR and checks
// that ModRM.rm plus REX.B is Num().
func TestCallEncoding(t *testing.T) {
	var rs []x86.Reg
	var lines []string
	for _, r := range allRegs() {
		if r.Class() == x86.GPR && r.Width() == 64 {
			rs = append(rs, r)
			lines = append(lines, fmt.Sprintf("call *%%%s", r))
		}
	}
	if len(rs) != 16 {
		t.Fatalf("%d 64-bit GPRs", len(rs))
	}
	for i, b := range assemble(t, lines) {
		r := rs[i]
		in := decode(t, b, true)
		if len(in.opcode) != 1 || in.opcode[0] != 0xff || in.mod != 3 || in.reg&7 != 2 {
			t.Errorf("%s: % x is not call *reg", lines[i], b)
			continue
		}
		if in.rm != r.Num() {
			t.Errorf("%s: as encodes %d, Num() = %d (% x)", lines[i], in.rm, r.Num(), b)
		}
		if (in.rex != 0) != r.NeedsREX() {
			t.Errorf("%s: REX %#x, NeedsREX() = %v", lines[i], in.rex, r.NeedsREX())
		}
	}
}

// TestRegEncoding assembles an instruction naming each register in both
// ModRM fields (or the one field it can sit in) and checks Num, Width and
// NeedsREX against the encoding as chose.
func TestRegEncoding(t *testing.T) {
	type probe struct {
		r      x86.Reg
		line   string
		opcode []byte
		field  string // "both", "reg", "rm", "op" (register in the low opcode bits)
		width  int    // operand width the encoding implies, 0 = do not check
	}
	var ps []probe
	for _, r := range allRegs() {
		n := r.String()
		switch r.Class() {
		case x86.GPR:
			suf := map[int]string{8: "b", 16: "w", 32: "l", 64: "q"}[r.Width()]
			op := []byte{0x89}
			if r.Width() == 8 {
				op = []byte{0x88}
			}
			ps = append(ps, probe{r, fmt.Sprintf("mov%s %%%s, %%%s", suf, n, n), op, "both", r.Width()})
		case x86.Seg:
			ps = append(ps, probe{r, fmt.Sprintf("mov %%%s, %%eax", n), []byte{0x8c}, "reg", 0})
		case x86.X87:
			ps = append(ps, probe{r, fmt.Sprintf("fld %%%s", n), []byte{0xd9}, "rm", 0})
		case x86.MMX:
			ps = append(ps, probe{r, fmt.Sprintf("movq %%%s, %%%s", n, n), []byte{0x0f, 0x6f}, "both", 0})
		case x86.XMM, x86.YMM, x86.ZMM:
			ps = append(ps, probe{r, fmt.Sprintf("vmovdqa64 %%%s, %%%s", n, n), []byte{1, 0x6f}, "both", r.Width()})
		case x86.Mask:
			ps = append(ps, probe{r, fmt.Sprintf("kmovw %%%s, %%%s", n, n), []byte{0x0f, 0x90}, "both", 0})
		case x86.Ctrl:
			ps = append(ps, probe{r, fmt.Sprintf("mov %%%s, %%rax", n), []byte{0x0f, 0x20}, "reg", 0})
		case x86.Debug:
			ps = append(ps, probe{r, fmt.Sprintf("mov %%%s, %%rax", n), []byte{0x0f, 0x21}, "reg", 0})
		case x86.Bound:
			ps = append(ps, probe{r, fmt.Sprintf("bndmov %%%s, %%%s", n, n), []byte{0x0f, 0x1a}, "both", 0})
		case x86.TMM:
			ps = append(ps, probe{r, fmt.Sprintf("tilezero %%%s", n), []byte{2, 0x49}, "reg", 0})
		case x86.IP:
			continue
		default:
			t.Fatalf("no probe for %s (%v)", r, r.Class())
		}
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.line
	}
	for i, b := range assemble(t, lines) {
		p := ps[i]
		in := decode(t, b, true)
		if string(in.opcode) != string(p.opcode) {
			t.Errorf("%s: % x: opcode % x, want % x", p.line, b, in.opcode, p.opcode)
			continue
		}
		num := p.r.Num()
		switch p.field {
		case "both":
			if in.reg != num || in.rm != num {
				t.Errorf("%s: % x: reg %d rm %d, Num() = %d", p.line, b, in.reg, in.rm, num)
			}
		case "reg":
			if in.reg != num {
				t.Errorf("%s: % x: reg %d, Num() = %d", p.line, b, in.reg, num)
			}
		case "rm":
			if in.rm != num {
				t.Errorf("%s: % x: rm %d, Num() = %d", p.line, b, in.rm, num)
			}
		}
		if p.r.Class() == x86.GPR {
			// A REX byte is present exactly when needed (or for REX.W).
			if hasREX := in.rex != 0 && (p.r.Width() != 64 || in.rex&7 != 0); hasREX != p.r.NeedsREX() {
				t.Errorf("%s: % x: REX %#x, NeedsREX() = %v", p.line, b, in.rex, p.r.NeedsREX())
			}
			w := 32
			switch {
			case in.opcode[0] == 0x88:
				w = 8
			case in.w:
				w = 64
			case in.opsize16:
				w = 16
			}
			if w != p.width {
				t.Errorf("%s: % x: width %d, Width() = %d", p.line, b, w, p.width)
			}
		}
		if in.evex && p.width != 0 {
			if w := 128 << in.ll; w != p.width {
				t.Errorf("%s: % x: vector length %d, Width() = %d", p.line, b, w, p.width)
			}
		}
	}
}
