package x86

import (
	"math/rand"
	"testing"
)

// benchRegs and benchMnemonics are drawn from register and mnemonic mixes
// like those of compiler output, in a random order that defeats branch
// prediction (a short repeating cycle flatters every method).
var benchRegs, benchMnemonics [4096]string

func init() {
	regs := []string{"rax", "rbp", "rsp", "rip", "eax", "r11", "rdi", "xmm0", "r12d", "al",
		"ymm15", "st(1)", "fs", "edx", "rcx", "r8", "foo", "zmm31", "rsi", "rdx", "rbx", "r13",
		"r14", "r15", "esi", "edi", "r9", "r10", "xmm1", "ecx", "rsp", "rax"}
	mns := []string{"movq", "call", "movl", "jmp", "addq", "jne", "leaq", "ret", "pushq",
		"cmpl", "testl", "popq", "callq", "je", "xorl", "movsd", "vmovdqu", "nop", "movzbl", "subq",
		"cmpq", "jg", "movslq", "andl", "sete", "imull", "shrq", "cmovne", "jmpq", "leave", "testb", "jbe"}
	r := rand.New(rand.NewSource(1))
	for i := range benchRegs {
		benchRegs[i] = regs[r.Intn(len(regs))]
		benchMnemonics[i] = mns[r.Intn(len(mns))]
	}
}

func BenchmarkLookupReg(b *testing.B) {
	b.ReportAllocs()
	var sink Reg
	for i := 0; i < b.N; i++ {
		sink += LookupReg(benchRegs[i&4095])
	}
	_ = sink
}

// BenchmarkLookupRegMap is the baseline LookupReg is measured against.
func BenchmarkLookupRegMap(b *testing.B) {
	m := map[string]Reg{}
	for r := Reg(1); r < numRegs; r++ {
		m[r.String()] = r
	}
	b.ReportAllocs()
	b.ResetTimer()
	var sink Reg
	for i := 0; i < b.N; i++ {
		sink += m[benchRegs[i&4095]]
	}
	_ = sink
}

func BenchmarkLookupRegUpper(b *testing.B) {
	b.ReportAllocs()
	var sink Reg
	for i := 0; i < b.N; i++ {
		sink += LookupReg("R11D")
	}
	_ = sink
}

func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	var sink Class
	for i := 0; i < b.N; i++ {
		sink += Classify(benchMnemonics[i&4095])
	}
	_ = sink
}

func BenchmarkIsPrefix(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		if IsPrefix(benchMnemonics[i&4095]) {
			n++
		}
	}
	_ = n
}

func TestLookupAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() {
		LookupReg("r11")
		LookupReg("XMM3")
		LookupReg("Nope")
		Classify("callq")
		Classify("MOVQ")
		IsPrefix("notrack")
		IsPrefix("REX.WB")
		CondOf("jne")
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
