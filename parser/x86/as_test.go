package x86_test

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// assemble runs the real GNU as on lines, one instruction each, and
// returns the bytes each line encodes to. A missing assembler fails the
// test: it never skips.
func assemble(t *testing.T, lines []string) [][]byte {
	t.Helper()
	as, err := exec.LookPath("as")
	if err != nil {
		as = "/usr/bin/as"
		if _, err := os.Stat(as); err != nil {
			t.Fatalf("GNU as not found: %v", err)
		}
	}
	dir := t.TempDir()
	var src bytes.Buffer
	src.WriteString("\t.text\n")
	for i, l := range lines {
		fmt.Fprintf(&src, "probe%d:\n\t%s\n", i, l)
	}
	fmt.Fprintf(&src, "probe%d:\n", len(lines))
	in, obj := filepath.Join(dir, "p.s"), filepath.Join(dir, "p.o")
	if err := os.WriteFile(in, src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "--64", "-o", obj, in).CombinedOutput(); err != nil {
		t.Fatalf("as: %v\n%s", err, out)
	}
	f, err := elf.Open(obj)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, err := f.Section(".text").Data()
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	off := make([]int, len(lines)+1)
	found := 0
	for _, s := range syms {
		var i int
		if _, err := fmt.Sscanf(s.Name, "probe%d", &i); err == nil && i <= len(lines) {
			off[i] = int(s.Value)
			found++
		}
	}
	if found != len(lines)+1 {
		t.Fatalf("found %d probe symbols, want %d", found, len(lines)+1)
	}
	if !sort.IntsAreSorted(off) {
		t.Fatal("probe symbols out of order")
	}
	res := make([][]byte, len(lines))
	for i := range lines {
		res[i] = text[off[i]:off[i+1]]
	}
	return res
}

// insn is a decoded instruction: just enough of the x86 encoding to find
// the register numbers and operand size.
type insn struct {
	opsize16 bool
	rex      byte // 0 if absent
	vex      bool
	evex     bool
	w        bool
	ll       int // EVEX/VEX vector length: 0, 1, 2
	opcode   []byte
	reg, rm  int // ModRM fields, extension bits applied
	mod      int
}

func decode(t *testing.T, b []byte, hasModRM bool) insn {
	t.Helper()
	var in insn
	i := 0
	for i < len(b) && (b[i] == 0x66 || b[i] == 0xf2 || b[i] == 0xf3) {
		in.opsize16 = in.opsize16 || b[i] == 0x66
		i++
	}
	var rr, xx, bb, rr2 int // extension bits for reg, rm (X for EVEX reg-rm), rm, reg bit 4
	switch {
	case i < len(b) && b[i]&0xf0 == 0x40:
		in.rex = b[i]
		in.w = b[i]&8 != 0
		rr, xx, bb = int(b[i]>>2&1), 0, int(b[i]&1)
		i++
		in.opcode = append(in.opcode, b[i])
		if b[i] == 0x0f {
			i++
			in.opcode = append(in.opcode, b[i])
		}
	case b[i] == 0xc5:
		in.vex = true
		rr = int(^b[i+1] >> 7 & 1)
		in.ll = int(b[i+1] >> 2 & 1)
		in.opcode = []byte{0x0f, b[i+2]}
		i += 2
	case b[i] == 0xc4:
		in.vex = true
		rr, xx, bb = int(^b[i+1]>>7&1), 0, int(^b[i+1]>>5&1)
		in.w = b[i+2]&0x80 != 0
		in.ll = int(b[i+2] >> 2 & 1)
		in.opcode = []byte{b[i+1] & 0x1f, b[i+3]}
		i += 3
	case b[i] == 0x62:
		in.evex = true
		p0, p1, p2 := b[i+1], b[i+2], b[i+3]
		rr, xx, bb, rr2 = int(^p0>>7&1), int(^p0>>6&1), int(^p0>>5&1), int(^p0>>4&1)
		in.w = p1&0x80 != 0
		in.ll = int(p2 >> 5 & 3)
		in.opcode = []byte{p0 & 7, b[i+4]}
		i += 4
	default:
		in.opcode = append(in.opcode, b[i])
		if b[i] == 0x0f {
			i++
			in.opcode = append(in.opcode, b[i])
		}
	}
	i++
	if !hasModRM {
		return in
	}
	if i >= len(b) {
		t.Fatalf("% x: no ModRM", b)
	}
	m := b[i]
	in.mod = int(m >> 6)
	in.reg = int(m>>3&7) | rr<<3 | rr2<<4
	in.rm = int(m&7) | bb<<3 | xx<<4
	return in
}
