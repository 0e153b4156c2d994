package parser

import (
	"testing"

	"github.com/optpoline/optpoline/parser/x86"
)

func TestOperand(t *testing.T) {
	tests := []struct {
		in, canon string
		kind      OpKind
		indirect  bool
		seg       x86.Reg
		base, idx x86.Reg
		scale     uint8
		expr      string
	}{
		{in: "%rax", canon: "%rax", kind: OpReg},
		{in: "*%rax", canon: "*%rax", kind: OpReg, indirect: true},
		{in: "* %r11", canon: "*%r11", kind: OpReg, indirect: true},
		{in: "%R8D", canon: "%r8d", kind: OpReg},
		{in: "%st(1)", canon: "%st(1)", kind: OpReg},
		{in: "$1", canon: "$1", kind: OpImm, expr: "1"},
		{in: "$ sym@GOTPCREL + 4", canon: "$sym@GOTPCREL+4", kind: OpImm, expr: "sym@GOTPCREL+4"},
		{in: "$'#", canon: "$'#", kind: OpImm, expr: "'#"},
		{in: "foo@PLT", canon: "foo@PLT", kind: OpExpr, expr: "foo@PLT"},
		{in: "__x86_indirect_thunk_rax", canon: "__x86_indirect_thunk_rax", kind: OpExpr, expr: "__x86_indirect_thunk_rax"},
		{in: "1b", canon: "1b", kind: OpExpr, expr: "1b"},
		{in: "(1+2)*4", canon: "(1+2)*4", kind: OpExpr, expr: "(1+2)*4"},
		{in: "*16(%rax)", canon: "*16(%rax)", kind: OpMem, indirect: true, base: x86.RAX, expr: "16"},
		{in: "*0(%rbp)", canon: "*0(%rbp)", kind: OpMem, indirect: true, base: x86.RBP, expr: "0"},
		{in: "*(%r8)", canon: "*(%r8)", kind: OpMem, indirect: true, base: x86.R8},
		{in: "*(%rdx,%rax,8)", canon: "*(%rdx,%rax,8)", kind: OpMem, indirect: true, base: x86.RDX, idx: x86.RAX, scale: 8},
		{in: "*(%rax,%r15)", canon: "*(%rax,%r15)", kind: OpMem, indirect: true, base: x86.RAX, idx: x86.R15},
		{in: "*tbl(,%rax,8)", canon: "*tbl(,%rax,8)", kind: OpMem, indirect: true, idx: x86.RAX, scale: 8, expr: "tbl"},
		{in: "*gptr(%rip)", canon: "*gptr(%rip)", kind: OpMem, indirect: true, base: x86.RIP, expr: "gptr"},
		{in: "*144+sqlite3Config(%rip)", canon: "*144+sqlite3Config(%rip)", kind: OpMem, indirect: true, base: x86.RIP, expr: "144+sqlite3Config"},
		{in: "*sink@GOTPCREL(%rip)", canon: "*sink@GOTPCREL(%rip)", kind: OpMem, indirect: true, base: x86.RIP, expr: "sink@GOTPCREL"},
		{in: "*%fs:(%rax)", canon: "*%fs:(%rax)", kind: OpMem, indirect: true, seg: x86.FS, base: x86.RAX},
		{in: "*%fs:ltls@tpoff", canon: "*%fs:ltls@tpoff", kind: OpMem, indirect: true, seg: x86.FS, expr: "ltls@tpoff"},
		{in: "%fs:0", canon: "%fs:0", kind: OpMem, seg: x86.FS, expr: "0"},
		{in: "*%gs:pcpu_fn(%rip)", canon: "*%gs:pcpu_fn(%rip)", kind: OpMem, indirect: true, seg: x86.GS, base: x86.RIP, expr: "pcpu_fn"},
		{in: "* %gs : ( %rdx , %rax , 8 )", canon: "*%gs:(%rdx,%rax,8)", kind: OpMem, indirect: true, seg: x86.GS, base: x86.RDX, idx: x86.RAX, scale: 8},
		{in: "*gtls@TLSCALL(%rax)", canon: "*gtls@TLSCALL(%rax)", kind: OpMem, indirect: true, base: x86.RAX, expr: "gtls@TLSCALL"},
		{in: "-8(%rbp)", canon: "-8(%rbp)", kind: OpMem, base: x86.RBP, expr: "-8"},
		{in: "(1+2)(%rax)", canon: "(1+2)(%rax)", kind: OpMem, base: x86.RAX, expr: "(1+2)"},
		{in: "x@tlsgd(%rip)", canon: "x@tlsgd(%rip)", kind: OpMem, base: x86.RIP, expr: "x@tlsgd"},
		{in: "\"dash-y\"(%rip)", canon: "\"dash-y\"(%rip)", kind: OpMem, base: x86.RIP, expr: "\"dash-y\""},
		{in: "0(,%rdi,8)", canon: "0(,%rdi,8)", kind: OpMem, idx: x86.RDI, scale: 8, expr: "0"},
		{in: "(%eax)", canon: "(%eax)", kind: OpMem, base: x86.EAX},
		// The kernel's _ASM_RIP(), stringified: gas takes one blank after %.
		{in: "boot_cpu_data+69 (% rip)", canon: "boot_cpu_data+69(%rip)", kind: OpMem, base: x86.RIP, expr: "boot_cpu_data+69"},
		{in: "*% rax", canon: "*%rax", kind: OpReg, indirect: true},
		// A macro invocation's keyword argument (the kernel's extable_type_reg).
		{in: "reg=%edi", canon: "reg=%edi", kind: OpExpr, expr: "reg=%edi"},
		{in: "type = 11", canon: "type=11", kind: OpExpr, expr: "type=11"},
		{in: "8(%rsp,%xmm1,4)", canon: "8(%rsp,%xmm1,4)", kind: OpMem, base: x86.RSP, idx: x86.LookupReg("xmm1"), scale: 4, expr: "8"},
	}
	for _, tt := range tests {
		f, err := Parse("t.s", []byte("\top\t"+tt.in+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		ops, err := f.Operands(0, nil)
		if err != nil || len(ops) != 1 {
			t.Errorf("%q: Operands = %v, %v", tt.in, len(ops), err)
			continue
		}
		o := ops[0]
		got := f.FormatOperand(o)
		if got != tt.canon || o.Kind != tt.kind || o.Indirect != tt.indirect || o.Seg != tt.seg ||
			o.Base != tt.base || o.Index != tt.idx || o.Scale != tt.scale || f.NormExpr(o.Expr) != tt.expr {
			t.Errorf("%q: got %s kind=%v ind=%v seg=%v base=%v idx=%v scale=%d expr=%q\n\twant %s kind=%v ind=%v seg=%v base=%v idx=%v scale=%d expr=%q",
				tt.in, got, o.Kind, o.Indirect, o.Seg, o.Base, o.Index, o.Scale, f.NormExpr(o.Expr),
				tt.canon, tt.kind, tt.indirect, tt.seg, tt.base, tt.idx, tt.scale, tt.expr)
		}
		if o.Span != (Span{4, uint32(4 + len(tt.in))}) {
			t.Errorf("%q: span %v", tt.in, o.Span)
		}
	}
}

func TestOperandErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"%foo", `t.s:1:5: error: bad register name "%foo"`},
		{"%  rax", `t.s:1:5: error: bad register name "% "`},
		{"*", `t.s:1:5: error: missing operand after '*'`},
		{"$", `t.s:1:5: error: missing immediate value after '$'`},
		{"%rax junk", `t.s:1:10: error: junk "junk" after register`},
		{"%rax:0", `t.s:1:5: error: %rax is not a segment register`},
		{"8(%rax,%rbx,3)", `t.s:1:17: error: scale factor of "3": expecting 1, 2, 4 or 8`},
		{"8(%rax,%rbx,4,1)", `t.s:1:6: error: bad memory operand "(%rax,%rbx,4,1)"`},
		{"8(%ax)", `t.s:1:7: error: %ax is not a valid base register`},
		{"(%rax", `t.s:1:5: error: unbalanced parentheses`},
		{"sym)", `t.s:1:5: error: unbalanced parentheses`},
		{"()", `t.s:1:5: error: empty memory operand`},
		{"%fs:", `t.s:1:8: error: missing memory operand after segment`},
		{"%rax,", `t.s:1:10: error: missing operand`},
		{"sym+%rax", `t.s:1:9: error: register in expression "sym+%rax"`},
		{"a==%rax", `t.s:1:8: error: register in expression "a==%rax"`},
	}
	for _, tt := range tests {
		f, err := Parse("t.s", []byte("\top\t"+tt.in+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Operands(0, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error = %v, want %s", tt.in, err, tt.want)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"\t.p2align 4,,10\n", []string{"4", "", "10"}},
		{"\t.string \"a,b\", \"c\"\n", []string{`"a,b"`, `"c"`}},
		{"\tmovq 8(%rax,%rbx,8), %rcx\n", []string{"8(%rax,%rbx,8)", "%rcx"}},
		{"\tmovb $',, %al\n", []string{"$',", "%al"}},
		{"\tret\n", nil},
	}
	for _, tt := range tests {
		f, _ := Parse("t.s", []byte(tt.in))
		var got []string
		for _, sp := range f.SplitArgs(0, nil) {
			got = append(got, string(f.Src[sp.Pos:sp.End]))
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}

func TestSymRef(t *testing.T) {
	tests := []struct {
		in   string
		want SymRef
		ok   bool
	}{
		{"foo", SymRef{Sym: "foo"}, true},
		{"foo@PLT", SymRef{Sym: "foo", Reloc: "PLT"}, true},
		{"144+sqlite3Config", SymRef{Sym: "sqlite3Config", Addend: "144"}, true},
		{"sqlite3Config+128", SymRef{Sym: "sqlite3Config", Addend: "+128"}, true},
		{"x@GOTPCREL-4", SymRef{Sym: "x", Reloc: "GOTPCREL", Addend: "-4"}, true},
		{"\"dash-y\"", SymRef{Sym: "\"dash-y\""}, true},
		{"1b", SymRef{Sym: "1b"}, true},
		{"10f", SymRef{Sym: "10f"}, true},
		{"42", SymRef{}, false},
		{".L4-.L5", SymRef{}, false},
		{"(foo)", SymRef{}, false},
		{"1+foo+2", SymRef{}, false},
	}
	for _, tt := range tests {
		f, _ := Parse("t.s", []byte("\tcall "+tt.in+"\n"))
		got, ok := f.SymRef(f.ArgsSpan(0))
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("SymRef(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
