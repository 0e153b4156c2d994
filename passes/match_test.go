package passes

import (
	"slices"
	"testing"

	"github.com/optpoline/optpoline/parser"
)

func TestMatchAny(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{".init.text", true},
		{".init.text.unlikely", true},
		{".text.__x86_indirect_thunk_rax", true},
		{".text", false},
		{".text.init", false},
		{".sched.text", false},
	} {
		if got := MatchAny(tt.name, SkipSections); got != tt.want {
			t.Errorf("MatchAny(%q, SkipSections) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{`foo`: "foo", `"a b"`: "a b", `"x\"y"`: `x"y`, `"open`: `"open`} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHasCSPrefix(t *testing.T) {
	src := "\tcs\n\tcall\t__x86_indirect_thunk_rax\n\tcs jmp\t__x86_indirect_thunk_rcx\n\tcall\t*%rax\n\tcs\n\tnop\n\n\tcall\t*%rdx\n"
	f, err := parser.Parse("t.s", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Instr {
			got = append(got, HasCSPrefix(f, i))
		}
	}
	want := []bool{true, true, false, true, false} // cs call, cs jmp, call *%rax, cs nop, call *%rdx
	if len(got) != len(want) {
		t.Fatalf("%d instructions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("instruction %d: HasCSPrefix = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestDocFromComment(t *testing.T) {
	src := "// Package x does y.\n//\n//\tindented\n//no space\npackage x\n"
	want := "Package x does y.\n\n\tindented\nno space\n"
	if got := DocFromComment(src); got != want {
		t.Errorf("DocFromComment = %q, want %q", got, want)
	}
}

func TestByGroup(t *testing.T) {
	type site struct {
		n int
		g string
	}
	sites := []site{{0, ""}, {1, "f"}, {2, ""}, {3, "g"}, {4, "f"}}
	groups, by := ByGroup(sites, func(s site) string { return s.g })
	if want := []string{"", "f", "g"}; !slices.Equal(groups, want) {
		t.Errorf("groups %q, want %q (first-appearance order)", groups, want)
	}
	for g, want := range map[string][]int{"": {0, 2}, "f": {1, 4}, "g": {3}} {
		var got []int
		for _, s := range by[g] {
			got = append(got, s.n)
		}
		if !slices.Equal(got, want) {
			t.Errorf("group %q: sites %v, want %v", g, got, want)
		}
	}
}
