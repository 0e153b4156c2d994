package grammar

import (
	"fmt"
	"strings"
)

// The register table is written out here rather than taken from package
// parser/x86, so that the oracle checks that table too.

type regClass uint8

const (
	gpr regClass = iota + 1
	seg
	ip
	vec // xmm, ymm, zmm: what a VSIB index may be
	other
)

type reg struct {
	name  string // canonical: lowercase, "st(0)" for st, "db7" for dr7
	class regClass
	width int // GPRs only
}

var regs = func() map[string]reg {
	m := map[string]reg{}
	add := func(name string, c regClass, w int) { m[name] = reg{name, c, w} }
	for i, r := range []string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"} {
		add("r"+r, gpr, 64)
		add("e"+r, gpr, 32)
		add(r, gpr, 16)
		if i < 4 {
			add(r[:1]+"l", gpr, 8)
			add(r[:1]+"h", gpr, 8)
		} else {
			add(r+"l", gpr, 8)
		}
	}
	for i := 8; i < 16; i++ {
		n := fmt.Sprint("r", i)
		add(n, gpr, 64)
		add(n+"d", gpr, 32)
		add(n+"w", gpr, 16)
		add(n+"b", gpr, 8)
	}
	for _, s := range []string{"es", "cs", "ss", "ds", "fs", "gs"} {
		add(s, seg, 16)
	}
	add("rip", ip, 64)
	add("eip", ip, 32)
	for i := 0; i < 32; i++ {
		for _, v := range []string{"xmm", "ymm", "zmm"} {
			add(fmt.Sprint(v, i), vec, 0)
		}
	}
	for i := 0; i < 16; i++ {
		add(fmt.Sprint("cr", i), other, 0)
		add(fmt.Sprint("db", i), other, 0)
		m[fmt.Sprint("dr", i)] = reg{fmt.Sprint("db", i), other, 0}
	}
	for i := 0; i < 8; i++ {
		add(fmt.Sprint("mm", i), other, 0)
		add(fmt.Sprint("k", i), other, 0)
		add(fmt.Sprint("tmm", i), other, 0)
		add(fmt.Sprintf("st(%d)", i), other, 0)
	}
	m["st"] = m["st(0)"]
	for i := 0; i < 4; i++ {
		add(fmt.Sprint("bnd", i), other, 0)
	}
	return m
}()

// lookupReg finds a Reg token ("%rax"); case is ignored, as in as.
func lookupReg(tok string) (reg, bool) {
	r, ok := regs[strings.ToLower(strings.TrimPrefix(tok, "%"))]
	return r, ok
}
