package parser

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/optpoline/optpoline/internal/corpus"
)

// Arguments as gcc 12 and clang 14 write them (-ffunction-sections,
// -fdata-sections, C++ templates, __attribute__((section)), -pg
// -mrecord-mcount, -fpatchable-function-entry, -g), plus as's other
// spellings.
var sectionArgsTests = []struct {
	args  string
	push  bool
	want  SectionArgs
	canon string // String(); "" means args itself
}{
	{args: `.text.unlikely`, want: SectionArgs{Name: ".text.unlikely"}},
	{args: `.text.unlikely.`, want: SectionArgs{Name: ".text.unlikely."}},
	{args: `.text.startup,"ax",@progbits`, want: SectionArgs{Name: ".text.startup", Flags: "ax", Type: "progbits"}},
	{args: `.note.GNU-stack,"",@progbits`, want: SectionArgs{Name: ".note.GNU-stack", Type: "progbits"}},
	{args: `".note.GNU-stack","",@progbits`, want: SectionArgs{Name: ".note.GNU-stack", Type: "progbits"},
		canon: `.note.GNU-stack,"",@progbits`},
	{args: `.rodata.str1.1,"aMS",@progbits,1`, want: SectionArgs{Name: ".rodata.str1.1", Flags: "aMS", Type: "progbits", EntSize: "1"}},
	{args: `.rodata.cst16,"aM",@progbits,16`, want: SectionArgs{Name: ".rodata.cst16", Flags: "aM", Type: "progbits", EntSize: "16"}},
	{args: `.rodata._Z1sv.str1.1,"aMS",@progbits,1`, want: SectionArgs{Name: ".rodata._Z1sv.str1.1", Flags: "aMS", Type: "progbits", EntSize: "1"}},
	{args: `.text._Z3tswILi3EEiii,"axG",@progbits,_Z3tswILi3EEiii,comdat`,
		want: SectionArgs{Name: ".text._Z3tswILi3EEiii", Flags: "axG", Type: "progbits", Group: "_Z3tswILi3EEiii", Linkage: "comdat"}},
	{args: `.rodata._Z3tswILi3EEiiii,"aG",@progbits,_Z3tswILi3EEiiii,comdat`,
		want: SectionArgs{Name: ".rodata._Z3tswILi3EEiiii", Flags: "aG", Type: "progbits", Group: "_Z3tswILi3EEiiii", Linkage: "comdat"}},
	{args: `.data.rel.ro.local._ZTV1A,"awG",@progbits,_ZTV1A,comdat`,
		want: SectionArgs{Name: ".data.rel.ro.local._ZTV1A", Flags: "awG", Type: "progbits", Group: "_ZTV1A", Linkage: "comdat"}},
	{args: `.tbss._ZGVZ1fvE1x,"awTG",@nobits,_ZGVZ1fvE1x,comdat`,
		want: SectionArgs{Name: ".tbss._ZGVZ1fvE1x", Flags: "awTG", Type: "nobits", Group: "_ZGVZ1fvE1x", Linkage: "comdat"}},
	{args: `.debug_info,"",@progbits`, want: SectionArgs{Name: ".debug_info", Type: "progbits"}},
	{args: `.debug_str,"MS",@progbits,1`, want: SectionArgs{Name: ".debug_str", Flags: "MS", Type: "progbits", EntSize: "1"}},
	{args: `.debug_line_str,"MS",@progbits,1`, want: SectionArgs{Name: ".debug_line_str", Flags: "MS", Type: "progbits", EntSize: "1"}},
	{args: `.note.gnu.property,"a"`, want: SectionArgs{Name: ".note.gnu.property", Flags: "a"}},
	{args: `.note.gnu.property,"a",@note`, want: SectionArgs{Name: ".note.gnu.property", Flags: "a", Type: "note"}},
	{args: `.init_array,"aw"`, want: SectionArgs{Name: ".init_array", Flags: "aw"}},
	{args: `.init_array,"aw",@init_array`, want: SectionArgs{Name: ".init_array", Flags: "aw", Type: "init_array"}},
	{args: `.eh_frame,"a",@unwind`, want: SectionArgs{Name: ".eh_frame", Flags: "a", Type: "unwind"}},
	{args: `.bss.counter,"aw",@nobits`, want: SectionArgs{Name: ".bss.counter", Flags: "aw", Type: "nobits"}},
	{args: `.gcc_except_table,"a",@progbits`, want: SectionArgs{Name: ".gcc_except_table", Flags: "a", Type: "progbits"}},
	{args: `mydata,"aw"`, want: SectionArgs{Name: "mydata", Flags: "aw"}},
	{args: `.init.text,"ax",@progbits`, want: SectionArgs{Name: ".init.text", Flags: "ax", Type: "progbits"}},
	{args: `".mysec,\"ax\",@progbits #","ax",@progbits`,
		want: SectionArgs{Name: `.mysec,"ax",@progbits #`, Flags: "ax", Type: "progbits"}},
	{args: `__mcount_loc, "a", @progbits`, push: true, want: SectionArgs{Name: "__mcount_loc", Flags: "a", Type: "progbits"},
		canon: `__mcount_loc,"a",@progbits`},
	{args: `__mcount_loc, "a",@progbits`, want: SectionArgs{Name: "__mcount_loc", Flags: "a", Type: "progbits"},
		canon: `__mcount_loc,"a",@progbits`},
	{args: `__patchable_function_entries,"awo",@progbits,.LPFE1`,
		want: SectionArgs{Name: "__patchable_function_entries", Flags: "awo", Type: "progbits", LinkedTo: ".LPFE1"}},
	{args: `__patchable_function_entries,"awo",@progbits,_Z5weirdv`,
		want: SectionArgs{Name: "__patchable_function_entries", Flags: "awo", Type: "progbits", LinkedTo: "_Z5weirdv"}},
	// as order: linked-to symbol, then group.
	{args: `__patchable_function_entries,"awoG",@progbits,_Z3tswILi3EEiiii,_Z3tswILi3EEiiii,comdat`,
		want: SectionArgs{Name: "__patchable_function_entries", Flags: "awoG", Type: "progbits",
			LinkedTo: "_Z3tswILi3EEiiii", Group: "_Z3tswILi3EEiiii", Linkage: "comdat"}},
	// clang 14 order: group, comdat, then linked-to symbol (as rejects it).
	{args: `__patchable_function_entries,"aGwo",@progbits,grp,comdat,_Z3tswILi3EEiiii`,
		want: SectionArgs{Name: "__patchable_function_entries", Flags: "aGwo", Type: "progbits",
			LinkedTo: "_Z3tswILi3EEiiii", Group: "grp", Linkage: "comdat"},
		canon: `__patchable_function_entries,"aGwo",@progbits,_Z3tswILi3EEiiii,grp,comdat`},
	{args: `.text.x,"ax",@progbits,unique,2`, want: SectionArgs{Name: ".text.x", Flags: "ax", Type: "progbits", Unique: "2"}},
	{args: `.rodata.str1.1,"aMSG",@progbits,1,grp2,comdat,unique,3`,
		want: SectionArgs{Name: ".rodata.str1.1", Flags: "aMSG", Type: "progbits", EntSize: "1", Group: "grp2", Linkage: "comdat", Unique: "3"}},
	{args: `.text.f,"axG",@progbits,grp`, want: SectionArgs{Name: ".text.f", Flags: "axG", Type: "progbits", Group: "grp"}},
	{args: `.text.f,"ax?",@progbits`, want: SectionArgs{Name: ".text.f", Flags: "ax?", Type: "progbits"}},
	{args: `.text.f,"ax",%progbits`, want: SectionArgs{Name: ".text.f", Flags: "ax", Type: "progbits"}, canon: `.text.f,"ax",@progbits`},
	{args: `.text.f,"ax","progbits"`, want: SectionArgs{Name: ".text.f", Flags: "ax", Type: "progbits"}, canon: `.text.f,"ax",@progbits`},
	{args: `.text.f , "ax" , @progbits`, want: SectionArgs{Name: ".text.f", Flags: "ax", Type: "progbits"}, canon: `.text.f,"ax",@progbits`},
	{args: `.text.f,1`, push: true, want: SectionArgs{Name: ".text.f", Subsection: "1"}},
	{args: `.text.f,2,"ax",@progbits`, push: true, want: SectionArgs{Name: ".text.f", Subsection: "2", Flags: "ax", Type: "progbits"}},
	{args: `"a b\\c\101\x42"`, want: SectionArgs{Name: `a b\cAB`}, canon: `"a b\\cAB"`},
	{args: `.group.x,"aG",@progbits,"odd group",comdat`,
		want: SectionArgs{Name: ".group.x", Flags: "aG", Type: "progbits", Group: "odd group", Linkage: "comdat"}},
	{args: `.text.f,"ax",@0x70000001`, want: SectionArgs{Name: ".text.f", Flags: "ax", Type: "0x70000001"}},
}

func TestParseSectionArgs(t *testing.T) {
	for _, tt := range sectionArgsTests {
		got, err := ParseSectionArgs(tt.args, tt.push)
		if err != nil {
			t.Errorf("ParseSectionArgs(%q, %v): %v", tt.args, tt.push, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSectionArgs(%q, %v) mismatch (-want +got):\n%s", tt.args, tt.push, diff)
		}
		canon := tt.canon
		if canon == "" {
			canon = tt.args
		}
		if s := got.String(); s != canon {
			t.Errorf("ParseSectionArgs(%q).String() = %q, want %q", tt.args, s, canon)
		}
		again, err := ParseSectionArgs(got.String(), tt.push)
		if err != nil || again != got {
			t.Errorf("reparse of %q: %+v, %v; want %+v", got.String(), again, err, got)
		}
	}
}

func TestParseSectionArgsErrors(t *testing.T) {
	for _, tt := range []struct {
		args string
		push bool
		off  int
		msg  string
	}{
		{`".mysec`, false, 0, "missing end quote"},
		{`.text.f,"ax`, false, 8, "missing end quote"},
		{`.text.f,"ax",@progbits,`, false, 22, "missing argument after ','"},
		{`.text.f,`, false, 7, "missing argument after ','"},
		{`.text.f,ax`, false, 8, "section flags must be a quoted string, found ax"},
		{`.text.f,1`, false, 8, "section flags must be a quoted string, found 1"},
		{`.text.f,@progbits`, false, 8, "section flags must be a quoted string, found @progbits"},
		{`.text.f,"ax",progbits`, false, 13, `section type must be @type, %type or "type", found progbits`},
		{`.text.f,"ax",""`, false, 13, "empty section type"},
		{`.text.f,"ax",@`, false, 13, ""},
		{`.text.f,,"ax"`, false, 8, "missing argument before ','"},
		{``, false, 0, "missing section name"},
		{`   `, false, 0, "missing section name"},
		{`,"ax"`, false, 0, ""},
		{`.rodata.str1.1,"aMS",@progbits,x`, false, 31, "entity size must be a number, found x"},
		{`.text.f,"ax",@progbits,foo`, false, 23, "junk at end of section arguments: foo"},
		{`.text.f,"axG",@progbits,grp,linkonce`, false, 28, "junk at end of section arguments: linkonce"},
		{`.text.f,"ax",@progbits,unique`, false, 23, "unique must be followed by a number"},
		{`.text.f,"ax",@progbits,unique,x`, false, 23, "unique must be followed by a number"},
		{`.text.f,"awo",@progbits,@foo`, false, 24, "bad linked-to symbol @foo: not a symbol"},
		{`.text.f,1x,"ax"`, true, 8, "bad subsection number 1x"},
		{`"a\"`, false, 0, "missing end quote"},
		{`.text.f "ax"`, false, 8, ""},
	} {
		_, err := ParseSectionArgs(tt.args, tt.push)
		var ae *ArgsError
		if !errors.As(err, &ae) {
			t.Errorf("ParseSectionArgs(%q, %v) = %v, want an *ArgsError", tt.args, tt.push, err)
			continue
		}
		if ae.Off != tt.off || tt.msg != "" && ae.Msg != tt.msg {
			t.Errorf("ParseSectionArgs(%q, %v): error at %d %q, want at %d %q", tt.args, tt.push, ae.Off, ae.Msg, tt.off, tt.msg)
		}
	}
}

// TestParseSectionArgsCorpus parses the arguments of every .section and
// .pushsection in the corpus, inline asm included.
func TestParseSectionArgsCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the corpus")
	}
	seen := map[string]bool{}
	n := 0
	for _, u := range corpus.BuildT(t) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Parse(u.Path, src)
		for i := range f.Stmts {
			push := f.WordIs(i, ".pushsection")
			if f.Stmts[i].Kind != Directive || !push && !f.WordIs(i, ".section") {
				continue
			}
			n++
			args := f.Args(i)
			if seen[args] {
				continue
			}
			seen[args] = true
			a, err := ParseSectionArgs(args, push)
			if err != nil {
				t.Errorf("%s: %s %s: %v", f.StmtPosition(i), f.Word(i), args, err)
				continue
			}
			if b, err := ParseSectionArgs(a.String(), push); err != nil || b != a {
				t.Errorf("%s: %s %s: String %s parses as %+v, %v; want %+v", f.StmtPosition(i), f.Word(i), args, a.String(), b, err, a)
			}
		}
	}
	t.Logf("%d section directives, %d distinct argument lists", n, len(seen))
	if len(seen) < 20 {
		t.Errorf("only %d distinct section argument lists in the corpus", len(seen))
	}
}

func FuzzParseSectionArgs(f *testing.F) {
	for _, tt := range sectionArgsTests {
		f.Add(tt.args, tt.push)
	}
	f.Add(`"a\`, false)
	f.Add(`x,"\x"`, false)
	f.Add(`x,"o",@p,"",unique,1`, false)
	f.Fuzz(func(t *testing.T, args string, push bool) {
		a, err := ParseSectionArgs(args, push)
		if err != nil {
			var ae *ArgsError
			if !errors.As(err, &ae) || ae.Off < 0 || ae.Off > len(args) {
				t.Fatalf("ParseSectionArgs(%q, %v): bad error %#v", args, push, err)
			}
			return
		}
		s := a.String()
		b, err := ParseSectionArgs(s, push)
		if err != nil {
			t.Fatalf("ParseSectionArgs(%q, %v) = %+v, whose String %q does not parse: %v", args, push, a, s, err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("ParseSectionArgs(%q, %v): String %q parses differently (-first +second):\n%s", args, push, s, diff)
		}
	})
}
