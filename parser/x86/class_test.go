package x86_test

import (
	"testing"

	"github.com/optpoline/optpoline/parser/x86"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		m    string
		want x86.Class
	}{
		{"call", x86.Call}, {"callq", x86.Call}, {"callw", x86.Call}, {"calll", x86.Call}, {"CALLQ", x86.Other}, // lowercase only
		{"jmp", x86.Jmp}, {"jmpq", x86.Jmp}, {"jmpw", x86.Jmp}, {"jmpl", x86.Jmp},
		{"ljmp", x86.FarJmp}, {"ljmpl", x86.FarJmp}, {"ljmpq", x86.FarJmp}, {"ljmpw", x86.FarJmp},
		{"lcall", x86.FarCall}, {"lcallq", x86.FarCall}, {"lcallw", x86.FarCall},
		{"ret", x86.Ret}, {"retq", x86.Ret}, {"retl", x86.Ret}, {"retw", x86.Ret},
		{"lret", x86.FarRet}, {"lretq", x86.FarRet}, {"lretw", x86.FarRet},
		{"iret", x86.IRet}, {"iretq", x86.IRet}, {"iretl", x86.IRet}, {"uiret", x86.IRet},
		{"loop", x86.Loop}, {"loopq", x86.Loop}, {"loope", x86.Loop}, {"loopne", x86.Loop},
		{"loopnzq", x86.Loop}, {"jrcxz", x86.Loop}, {"jecxz", x86.Loop}, {"jcxz", x86.Loop},
		{"push", x86.Push}, {"pushq", x86.Push}, {"pushw", x86.Push}, {"pop", x86.Pop}, {"popq", x86.Pop},
		{"popw", x86.Pop}, {"pushf", x86.PushF}, {"pushfq", x86.PushF}, {"popf", x86.PopF}, {"popfq", x86.PopF},
		{"leave", x86.Leave}, {"leaveq", x86.Leave}, {"enter", x86.Enter}, {"enterq", x86.Enter},
		{"ud2", x86.Trap}, {"ud1", x86.Trap}, {"ud1l", x86.Trap}, {"ud0", x86.Trap}, {"int3", x86.Trap}, {"int1", x86.Trap},
		{"hlt", x86.Halt}, {"syscall", x86.Syscall}, {"sysenter", x86.Syscall}, {"sysretq", x86.Syscall},
		{"sysexit", x86.Syscall}, {"int", x86.Syscall},
		{"nop", x86.Nop}, {"nopw", x86.Nop}, {"nopl", x86.Nop}, {"endbr64", x86.Endbr},
		{"mov", x86.Other}, {"movq", x86.Other}, {"cmpq", x86.Other}, {"lea", x86.Other},
		{"pause", x86.Other}, {"lfence", x86.Other}, {"sete", x86.Other}, {"cmovne", x86.Other},
		{"", x86.Other}, {"j", x86.Other}, {"jmpx", x86.Other}, {"calls", x86.Other}, {"callqq", x86.Other},
		{"jz,pt", x86.Other}, {"notrack", x86.Other}, {"fnop", x86.Other}, {"pusha", x86.Other},
		{"verylongmnemonicname", x86.Other},
	} {
		if got := x86.Classify(tc.m); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.m, got, tc.want)
		}
	}
	for _, s := range []string{"ja", "jae", "jb", "jbe", "jc", "je", "jg", "jge", "jl", "jle", "jna",
		"jnae", "jnb", "jnbe", "jnc", "jne", "jng", "jnge", "jnl", "jnle", "jno", "jnp", "jns", "jnz",
		"jo", "jp", "jpe", "jpo", "js", "jz"} {
		if got := x86.Classify(s); got != x86.Jcc {
			t.Errorf("Classify(%q) = %v, want jcc", s, got)
		}
	}
}

func TestIsBranch(t *testing.T) {
	branch := map[x86.Class]bool{x86.Call: true, x86.Jmp: true, x86.Jcc: true, x86.Loop: true,
		x86.Ret: true, x86.FarRet: true, x86.IRet: true, x86.FarCall: true, x86.FarJmp: true}
	for c := x86.Other; c.String() != "Class(?)"; c++ {
		if c.IsBranch() != branch[c] {
			t.Errorf("%v.IsBranch() = %v", c, c.IsBranch())
		}
	}
}

// condSpellings lists every condition spelling gas accepts.
var condSpellings = []string{"o", "no", "b", "c", "nae", "ae", "nb", "nc", "e", "z", "ne", "nz",
	"be", "na", "a", "nbe", "s", "ns", "p", "pe", "np", "po", "l", "nge", "ge", "nl", "le", "ng",
	"g", "nle"}

// TestCondEncoding assembles every Jcc, SETcc and CMOVcc spelling with the
// real assembler and checks that the condition nibble of the opcode is
// CondOf's answer.
func TestCondEncoding(t *testing.T) {
	var lines, mns []string
	for _, s := range condSpellings {
		for _, m := range []string{"j" + s, "set" + s, "set" + s + "b", "cmov" + s, "cmov" + s + "w",
			"cmov" + s + "l", "cmov" + s + "q"} {
			mns = append(mns, m)
			switch {
			case m[0] == 'j':
				lines = append(lines, m+" 1f\n1:")
			case m[0] == 's':
				lines = append(lines, m+" %al")
			case m[len(m)-1] == 'w':
				lines = append(lines, m+" %ax, %ax")
			case m[len(m)-1] == 'l' && m != "cmovl":
				lines = append(lines, m+" %eax, %eax")
			default:
				lines = append(lines, m+" %rax, %rax")
			}
		}
	}
	for i, b := range assemble(t, lines) {
		m := mns[i]
		cc, ok := x86.CondOf(m)
		if !ok {
			t.Errorf("CondOf(%q) failed", m)
			continue
		}
		var op byte
		switch {
		case len(b) == 2 && b[0]&0xf0 == 0x70: // jcc rel8
			op = b[0]
		case len(b) >= 3 && b[len(b)-3] == 0x0f: // setcc, cmovcc: 0f 9x/4x modrm
			op = b[len(b)-2]
		default:
			t.Errorf("%s: unexpected encoding % x", lines[i], b)
			continue
		}
		if got := x86.Cond(op & 15); got != cc {
			t.Errorf("%s: as encodes %v (% x), CondOf = %v", m, got, b, cc)
		}
	}
}

func TestCond(t *testing.T) {
	for _, tc := range []struct {
		m    string
		want string
		inv  string
	}{
		{"jz", "e", "ne"}, {"je", "e", "ne"}, {"jnae", "b", "ae"}, {"jc", "b", "ae"}, {"jnbe", "a", "be"},
		{"jpe", "p", "np"}, {"jpo", "np", "p"}, {"jnge", "l", "ge"}, {"jnle", "g", "le"}, {"jo", "o", "no"},
		{"js", "s", "ns"}, {"setnbeb", "a", "be"}, {"cmovnel", "ne", "e"}, {"cmovl", "l", "ge"},
		{"cmovll", "l", "ge"}, {"cmovnlq", "ge", "l"},
	} {
		c, ok := x86.CondOf(tc.m)
		if !ok || c.String() != tc.want || c.Invert().String() != tc.inv || c.Invert().Invert() != c {
			t.Errorf("CondOf(%q) = %v %v, invert %v; want %s, %s", tc.m, c, ok, c.Invert(), tc.want, tc.inv)
		}
	}
	for _, m := range []string{"jmp", "jcxz", "jrcxz", "call", "mov", "set", "cmov", "cmovx", "", "loopne", "jz,pt", "JNE"} {
		if c, ok := x86.CondOf(m); ok {
			t.Errorf("CondOf(%q) = %v, want none", m, c)
		}
	}
	if x86.CondE != 4 || x86.CondG != 15 || x86.CondB.String() != "b" {
		t.Error("Cond constants do not follow the encoding")
	}
	seen := map[string]bool{}
	for c := x86.CondO; c <= x86.CondG; c++ {
		if seen[c.String()] {
			t.Errorf("duplicate name %v", c)
		}
		seen[c.String()] = true
	}
}
