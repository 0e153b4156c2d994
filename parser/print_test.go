package parser

import (
	"bytes"
	"testing"
)

func TestRewriter(t *testing.T) {
	src := "f:\n\tmovq 16(%rdi), %rax\n\tcall *%rax # hot\n.LVL8:\n\tret"
	f, err := Parse("t.s", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Statements: 0 "f:", 1 movq, 2 call, 3 .LVL8:, 4 ret.
	rw := NewRewriter(f)
	rw.InsertAfter(2, []byte("# after 1\n"))
	rw.Replace(2, []byte("\tcall\t__x86_indirect_thunk_rax\n"))
	rw.InsertBefore(2, []byte("# before\n"))
	rw.InsertAfter(2, []byte("# after 2\n"))
	rw.Replace(4, []byte("\tret\n\tint3\n"))
	rw.InsertBefore(0, []byte("\t.text\n"))
	rw.Append([]byte("# end\n"))
	var b bytes.Buffer
	if _, err := rw.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	want := "\t.text\nf:\n\tmovq 16(%rdi), %rax\n# before\n\tcall\t__x86_indirect_thunk_rax\n# after 1\n# after 2\n.LVL8:\n\tret\n\tint3\n# end\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRewriterNoEdits(t *testing.T) {
	for _, src := range []string{"", "\n", "nop", "a: b: nop; ret # x\n/* c\n */\n"} {
		f, _ := Parse("t.s", []byte(src))
		var b bytes.Buffer
		n, err := NewRewriter(f).WriteTo(&b)
		if err != nil || b.String() != src || n != int64(len(src)) {
			t.Errorf("%q printed as %q (n=%d, err=%v)", src, b.String(), n, err)
		}
	}
}

func TestSectionState(t *testing.T) {
	src := `	.text
	.section	.rodata.str1.1,"aMS",@progbits,1
	.previous
	.pushsection __mcount_loc, "a", @progbits
	.quad 1b
	.popsection
	.section	".mysec,\"ax\",@progbits #","ax",@progbits
	.data
	.previous
	.section .text.unlikely.
	.section .text.unlikely.
	.previous
	.bss
`
	want := []string{".text", ".rodata.str1.1", ".text", "__mcount_loc", "__mcount_loc", ".text",
		`.mysec,"ax",@progbits #`, ".data", `.mysec,"ax",@progbits #`, ".text.unlikely.", ".text.unlikely.", ".text.unlikely.", ".bss"}
	f, err := Parse("t.s", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var ss SectionState
	var got []string
	for i := range f.Stmts {
		if _, err := ss.Step(f, i); err != nil {
			t.Fatal(err)
		}
		got = append(got, ss.Current())
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statements, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("after line %d: section %q, want %q", i+1, got[i], want[i])
		}
	}
	f, _ = Parse("t.s", []byte("\t.popsection\n"))
	if _, err := (&SectionState{}).Step(f, 0); err == nil || err.Error() != "t.s:1:2: error: .popsection without .pushsection" {
		t.Errorf("unbalanced .popsection: %v", err)
	}
}
