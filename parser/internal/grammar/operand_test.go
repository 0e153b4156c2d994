package grammar

import "testing"

func TestOperand(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"%rax", "%rax"},
		{"%RAX", "%rax"},
		{"%st", "%st(0)"},
		{"%st(1)", "%st(1)"},
		{"%dr7", "%db7"},
		{"$42", "$42"},
		{"$-1", "$-1"},
		{"$ 0x7fff", "$0x7fff"},
		{"$.LC0", "$.LC0"},
		{"$sym@GOTPCREL + 4", "$sym@GOTPCREL+4"},
		{"$'a", "$'a"},
		{"$' '", "$' '"},
		{`$"a b"`, `$"a b"`},
		{"$(1 << 4) | ~3", "$(1<<4)|~3"},
		{".L4", ".L4"},
		{"1b", "1b"},
		{"foo@PLT", "foo@PLT"},
		{"*%rax", "*%rax"},
		{"* %rax", "*%rax"},
		{"*(%rax)", "*(%rax)"},
		{"*8(%rax)", "*8(%rax)"},
		{"*.L4(,%rax,8)", "*.L4(,%rax,8)"},
		{"*foo@GOTPCREL(%rip)", "*foo@GOTPCREL(%rip)"},
		{"-8(%rbp)", "-8(%rbp)"},
		{"( %rax , %rbx , 4 )", "(%rax,%rbx,4)"},
		{"0x0(%rax,%rax,1)", "0x0(%rax,%rax,1)"},
		{"%cs:0x0(%rax,%rax,1)", "%cs:0x0(%rax,%rax,1)"},
		{"%fs : 40", "%fs:40"},
		{"%fs:(%rax)", "%fs:(%rax)"},
		{"(a+b)", "(a+b)"},
		{"(a)(%rax)", "(a)(%rax)"},
		{"x@tpoff(%rax)", "x@tpoff(%rax)"},
		{"(%rdi,%ymm1,8)", "(%rdi,%ymm1,8)"},
		{"foo /* c */ + 1", "foo+1"},
		{"4*8(%rsp)", "4*8(%rsp)"},
	} {
		o, err := ParseOperand(tt.in)
		if err != nil {
			t.Errorf("ParseOperand(%q): %v", tt.in, err)
			continue
		}
		if got := o.Canonical(); got != tt.want {
			t.Errorf("ParseOperand(%q).Canonical() = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{
		"", "*", "$", "%", "%foo", "%rax:4", "%fs:", "()", "(,)", "(%rax,)", "(,,2)",
		"(%rax,%rbx,3)", "(%ax)", "(%rax,%rsp)", "(%rip,%rax)", "foo(%rax", "foo)", "(a",
		"$(%rax)", "%rax(1)", "%st (1)", "%zmm1{%k1}", "4(%rax)(%rbx)", "(%rax)+4",
	} {
		if o, err := ParseOperand(in); err == nil {
			t.Errorf("ParseOperand(%q) = %q, want an error", in, o.Canonical())
		}
	}
}

func TestOperandAsExtras(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"(%rax,1)", "(%rax,1)"},
		{"(,1)", "(,1)"},
		{"(%rax,%rbx,)", "(%rax,%rbx)"},
	} {
		o, err := ParseOperand(tt.in)
		if err != nil {
			t.Errorf("ParseOperand(%q): %v", tt.in, err)
			continue
		}
		if got := o.Canonical(); got != tt.want {
			t.Errorf("ParseOperand(%q).Canonical() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
