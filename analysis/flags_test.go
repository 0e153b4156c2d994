package analysis

import (
	"strings"
	"testing"

	"github.com/optpoline/optpoline/parser"
)

// TestFlagsReadAt walks from label .Lt in each snippet: reads says whether
// the flags may be read before they are all written.
func TestFlagsReadAt(t *testing.T) {
	tests := []struct {
		name  string
		code  string
		reads bool
	}{
		{"setc", "setc %al\n\tret", true},
		{"cmp then jne", "cmpq $3, %rax\n\tjne .Lx\n.Lx:\n\tret", false},
		{"test then cmov", "testl %eax, %eax\n\tcmovne %ecx, %eax\n\tret", false},
		{"inc keeps CF", "incq %rax\n\tjc .Lx\n.Lx:\n\tret", true},
		{"adc reads CF", "adcq $0, %rax\n\tret", true},
		{"shift by cl may not write", "shlq %cl, %rax\n\tjz .Lx\n.Lx:\n\tret", true},
		{"shift by 3 writes", "shlq $3, %rax\n\tjz .Lx\n.Lx:\n\tret", false},
		{"shift by 0 does not", "shlq $0, %rax\n\tjz .Lx\n.Lx:\n\tret", true},
		{"moves and vectors pass", "movq (%rdi), %rax\n\tleaq 8(%rdi), %rdi\n\tpxor %xmm0, %xmm0\n\taddsd %xmm1, %xmm0\n\tmovzbl (%rsi), %edx\n\txorl %eax, %eax\n\tsete %al\n\tret", false},
		{"jmp followed", "movq %rax, %rdx\n\tjmp .Ly\n.Lz:\n\tret\n.Ly:\n\tsbbq %rax, %rax\n\tret", true},
		{"call ends the path", "call f\n\tjc .Lx\n.Lx:\n\tret", false},
		{"ret ends the path", "ret", false},
		{"tail jump to a function", "jmp f", false},
		{"indirect jump ends the path", "jmp *%rax", false},
		{"unknown instruction", "rdrand %rax\n\tret", true},
		{"pushf", "pushfq\n\tret", true},
		{"ucomisd writes", "ucomisd %xmm1, %xmm0\n\tja .Lx\n.Lx:\n\tret", false},
		{"loop", ".Lq:\n\tloop .Lq\n\tjz .Lx\n.Lx:\n\tret", true},
		{"rep stos", "rep stosq\n\tret", false},
		{"section switch", ".section .rodata\n\t.quad 1", true},
	}
	for _, tt := range tests {
		src := "\t.text\n\t.type f, @function\nf:\n\tnop\n.Lt:\n\t" + tt.code + "\n"
		f, err := parser.ParseChecked("t.s", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		start := -1
		for i := range f.Stmts {
			if f.Stmts[i].Kind == parser.Label && f.WordIs(i, ".Lt") {
				start = i
			}
		}
		reads, at, why := FlagsReadAt(f, start)
		if reads != tt.reads {
			t.Errorf("%s: reads = %v (%d: %s), want %v\n%s", tt.name, reads, at, why, tt.reads, strings.TrimSpace(tt.code))
		}
	}
}
