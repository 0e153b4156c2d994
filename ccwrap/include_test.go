package ccwrap

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestIncludeDir: commands that preprocess C, C++ or .S get -idirafter
// DIR, passed through or promoted; links and .i/.s inputs do not.
func TestIncludeDir(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"gcc -E x.c", true},
		{"gcc -M x.c", true},
		{"gcc -S x.c", true},
		{"gcc -c x.S", true},
		{"gcc -x c -E -", true},
		{"gcc -O2 -c x.c -o x.o", true},
		{"gcc -O2 x.c -o x", true},
		{"g++ -c x.cc", true},
		{"gcc x.o -o x", false},
		{"gcc -c x.i", false},
		{"gcc -c x.s", false},
		{"gcc --version", false},
		{"gcc -nostdinc -c x.c", false},
		{"gcc -mcmodel=kernel -c x.c", false},
		{"gcc -ffreestanding -c x.c", false},
	} {
		c, err := Parse(strings.Fields(tt.line), readFile)
		if err != nil {
			t.Fatal(err)
		}
		p := &Planner{Family: GCC, Unique: "U", TempDir: func() (string, error) { return "/T", nil },
			IncludeDir: func() (string, error) { return "/INC", nil }}
		pl, err := p.Plan(c)
		if err != nil {
			t.Fatal(err)
		}
		cmds := [][]string{pl.Exec, pl.Link}
		for _, j := range pl.Jobs {
			cmds = append(cmds, j.Compile)
		}
		got := false
		for _, cmd := range cmds {
			if i := slices.Index(cmd, "-idirafter"); i >= 0 && i+1 < len(cmd) && cmd[i+1] == "/INC" {
				got = true
			}
		}
		if got != tt.want {
			t.Errorf("%s: -idirafter /INC given %v, want %v: %q", tt.line, got, tt.want, cmds)
		}
	}
}

// TestIncludeCache extracts the headers once, by rename.
func TestIncludeCache(t *testing.T) {
	dir := t.TempDir()
	a, err := IncludeCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := IncludeCache(dir)
	if err != nil || a != b {
		t.Fatalf("second extraction: %q, %v; first %q", b, err, a)
	}
	if _, err := os.Stat(filepath.Join(a, "optpoline", "static_call.h")); err != nil {
		t.Error(err)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "include"))
	if len(ents) != 1 {
		t.Errorf("include cache holds %d entries, want 1 (no temporaries left)", len(ents))
	}
}
