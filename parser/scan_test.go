package parser

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// describe renders statement i for table tests: kind, word, args, comment, flags.
func describe(f *File, i int) string {
	s := &f.Stmts[i]
	var fl []string
	for _, x := range []struct {
		f    Flags
		name string
	}{{InlineAsm, "asm"}, {AppOpen, "app"}, {AppClose, "noapp"}, {HasPrefix, "prefix"}, {Quoted, "quoted"}, {Numeric, "numeric"}, {Semicolon, "semi"}} {
		if s.Flags&x.f != 0 {
			fl = append(fl, x.name)
		}
	}
	d := fmt.Sprintf("%d %v %q", s.Line, s.Kind, f.Word(i))
	if a := f.Args(i); a != "" {
		d += fmt.Sprintf(" args=%q", a)
	}
	if p := f.Prefixes(i); p != "" && s.Kind == Instr {
		d += fmt.Sprintf(" pre=%q", p)
	}
	if c := f.Comment(i); c != "" {
		d += fmt.Sprintf(" c=%q", c)
	}
	if len(fl) > 0 {
		d += " [" + strings.Join(fl, ",") + "]"
	}
	return d
}

func TestScan(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"gcc call", "\tcall\t*%rax\n", []string{`1 Instr "call" args="*%rax"`}},
		{"clang call with comment", "\tcallq\t*16(%rax)                # 8-byte Reload\n", []string{`1 Instr "callq" args="*16(%rax)" c="# 8-byte Reload"`}},
		{"label alone", ".L4:\n", []string{`1 Label ".L4"`}},
		{"clang function label", "f:                                      # @f\n", []string{`1 Label "f" c="# @f"`}},
		{"label then insn", "toplevel_fn: call *%rax; ret\n", []string{
			`1 Label "toplevel_fn"`, `1 Instr "call" args="*%rax" [semi]`, `1 Instr "ret"`}},
		{"two labels", "a: b:\tnop\n", []string{`1 Label "a"`, `1 Label "b"`, `1 Instr "nop"`}},
		{"label with blank before colon", "foo :\n", []string{`1 Label "foo"`}},
		{"quoted label", "\"dash-y\":\n", []string{`1 Label "\"dash-y\"" [quoted]`}},
		{"numeric label", "1:\t.byte 0x0f, 0x1f\n", []string{`1 Label "1" [numeric]`, `1 Directive ".byte" args="0x0f, 0x1f"`}},
		{"directive string with # and ;", "\t.string\t\"q\\\" b\\\\ n\\n #; \\351\\001\"\n", []string{
			`1 Directive ".string" args="\"q\\\" b\\\\ n\\n #; \\351\\001\""`}},
		{"semicolons", "nop;nop ; \n", []string{`1 Instr "nop" [semi]`, `1 Instr "nop" [semi]`, `1 Blank ""`}},
		{"comment with semicolon", "\tret # a; b\n", []string{`1 Instr "ret" c="# a; b"`}},
		{"app block", "#APP\n# 9 \"src/misc.c\" 1\n\tcall *%rbx\n# 0 \"\" 2\n#NO_APP\n\tret\n", []string{
			`1 Blank "" c="#APP" [app]`, `2 Blank "" c="# 9 \"src/misc.c\" 1" [asm]`, `3 Instr "call" args="*%rbx" [asm]`,
			`4 Blank "" c="# 0 \"\" 2" [asm]`, `5 Blank "" c="#NO_APP" [noapp]`, `6 Instr "ret"`}},
		{"clang app", "\t#APP\n\tcallq\t*%rbx\n\t#NO_APP\n", []string{
			`1 Blank "" c="#APP" [app]`, `2 Instr "callq" args="*%rbx" [asm]`, `3 Blank "" c="#NO_APP" [noapp]`}},
		{"gcc notrack", "\tnotrack jmp\t*%rax\n", []string{`1 Instr "jmp" args="*%rax" pre="notrack" [prefix]`}},
		{"clang notrack", "\tnotrack\t\tjmpq\t*%rcx\n", []string{`1 Instr "jmpq" args="*%rcx" pre="notrack" [prefix]`}},
		{"prefix alone", "\tcs\n\tcall\t__x86_indirect_thunk_r12\n", []string{`1 Prefix "cs" args="cs"`, `2 Instr "call" args="__x86_indirect_thunk_r12"`}},
		{"prefix chain", "\tlock rep movsb\n", []string{`1 Instr "movsb" pre="lock rep" [prefix]`}},
		{"rep; alone", "\trep; ret\n", []string{`1 Prefix "rep" args="rep" [semi]`, `1 Instr "ret"`}},
		{"data16 lea", "\tdata16\tleaq\tx@tlsgd(%rip), %rdi\n", []string{`1 Instr "leaq" args="x@tlsgd(%rip), %rdi" pre="data16" [prefix]`}},
		{"pseudo prefix", "\t{vex} vpaddd %xmm0, %xmm1, %xmm2\n", []string{`1 Instr "vpaddd" args="%xmm0, %xmm1, %xmm2" pre="{vex}" [prefix]`}},
		{"assign", "x = 1+2\n", []string{`1 Assign "x" args="1+2"`}},
		{"assign no blanks", "y=.-x\n", []string{`1 Assign "y" args=".-x"`}},
		{"set", ".set alias_fn,target_fn\n", []string{`1 Directive ".set" args="alias_fn,target_fn"`}},
		{"block comment trailing", "\tnop /* hi */\n", []string{`1 Instr "nop" c="/* hi */"`}},
		{"block comment inside", "\tmovl $1, /* x */ %eax\n", []string{`1 Instr "movl" args="$1, /* x */ %eax"`}},
		{"multiline block comment", "/* a\nb */ nop\n\tret\n", []string{`1 Instr "nop"`, `3 Instr "ret"`}},
		{"slash comment", "/ old style\n\tret\n", []string{`1 Blank "" c="/ old style"`, `2 Instr "ret"`}},
		{"char constant", "\tmovb $'#, %al # c\n", []string{`1 Instr "movb" args="$'#, %al" c="# c"`}},
		{"no final newline", "\tret", []string{`1 Instr "ret"`}},
		{"crlf", "\tret\r\n", []string{`1 Instr "ret"`}},
		{"empty lines", "\n\n", []string{`1 Blank ""`, `2 Blank ""`}},
		{"quoted section", "\t.section\t\".mysec,\\\"ax\\\",@progbits #\",\"ax\",@progbits\n", []string{
			`1 Directive ".section" args="\".mysec,\\\"ax\\\",@progbits #\",\"ax\",@progbits"`}},
		{"size quoted", "\t.size\t\"dash-y\", .Lfunc_end1-\"dash-y\"\n", []string{`1 Directive ".size" args="\"dash-y\", .Lfunc_end1-\"dash-y\""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.s", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			for i := range f.Stmts {
				got = append(got, describe(f, i))
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("statements (-want +got):\n%s", d)
			}
			checkTiling(t, f)
		})
	}
}

// checkTiling asserts the invariants every printer relies on: statements
// start at 0, strictly increase, and every part lies inside its own span.
func checkTiling(t testing.TB, f *File) {
	t.Helper()
	if len(f.Src) > 0 && (len(f.Stmts) == 0 || f.Stmts[0].Pos != 0) {
		t.Fatalf("%s: first statement does not start at 0", f.Name)
	}
	for i := range f.Stmts {
		s := &f.Stmts[i]
		end := f.End(i)
		w := f.WordSpan(i)
		switch {
		case end <= s.Pos:
			t.Fatalf("%s:%d: statement %d is empty or out of order (pos %d, end %d)", f.Name, s.Line, i, s.Pos, end)
		case w.End > end || s.Args < s.Pos || s.ArgsEnd > end || s.Args > s.ArgsEnd:
			t.Fatalf("%s:%d: statement %d parts outside its span %q", f.Name, s.Line, i, f.Raw(i))
		case s.Kind != Blank && s.WordLen == 0:
			t.Fatalf("%s:%d: %v without a word", f.Name, s.Line, s.Kind)
		}
		if want := 1 + bytes.Count(f.Src[:s.Pos], []byte{'\n'}); int(s.Line) != want {
			t.Fatalf("%s: statement %d at offset %d has line %d, want %d", f.Name, i, s.Pos, s.Line, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\t.string \"abc\n\tret\n", `t.s:1:10: error: missing end quote`},
		{"\tnop\n/* never closed\n", `t.s:2:1: error: unterminated comment`},
		{"\t\"quoted\" nop\n", `t.s:1:2: error: quoted name must be followed by ':' or '='`},
		{"\tret\n\t) oops\n", `t.s:2:2: error: unexpected character ')' at start of statement`},
	}
	for _, tt := range tests {
		f, err := Parse("t.s", []byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %s", tt.in, err, tt.want)
		}
		// Even a bad file tiles, so nothing is lost.
		var b bytes.Buffer
		NewRewriter(f).WriteTo(&b)
		if b.String() != tt.in {
			t.Errorf("Parse(%q) prints back %q", tt.in, b.String())
		}
	}
}

func TestQuoteUnquote(t *testing.T) {
	tests := []struct{ in, quoted string }{
		{"plain", `"plain"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\there\n", `"tab\011here\012"`},
		{"\x00\xe9\x7f", `"\000\351\177"`},
		{".mysec,\"ax\",@progbits #", `".mysec,\"ax\",@progbits #"`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.quoted {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.quoted)
		}
		if back, err := Unquote(Quote(tt.in)); err != nil || back != tt.in {
			t.Errorf("Unquote(Quote(%q)) = %q, %v", tt.in, back, err)
		}
	}
}
