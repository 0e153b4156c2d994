package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// ccKind is one kind of compiler invocation, run with the bare compiler
// and through the wrapper in twin directories.
type ccKind struct {
	name  string
	args  string // after the compiler, blank-separated
	stdin string // file of testdata/cc to feed on stdin
	// promoted lists objects that must carry optpoline_sites. Files of
	// a promoted kind are compared byte for byte except those in
	// promoted, differ and run; a pass-through kind compares everything.
	promoted []string
	differ   []string // files that may differ (marked-up .s, executables, LTO objects)
	// clangDiffer may differ with Clang only: GCC assembles the same
	// text either way, so an object with nothing to promote is the bare
	// one byte for byte, while Clang's integrated assembler lays out an
	// object from text and from its own code generator differently.
	clangDiffer []string
	run         string // program to run in both directories, output compared
	note        string // the wrapper's stderr starts with this line
	loose       bool   // compare only the exit status and the version line (-v)
	lines       string // object whose line table must name x.c, not a temporary
	clangPasses bool   // Clang compiles this kind unchanged: nothing promoted
	gcda        string // object whose .gcda paths must be the bare compiler's
	fails       bool   // the compiler fails, though some objects are written
}

var ccKinds = []ccKind{
	{name: "version", args: "--version"},
	{name: "dumpversion", args: "-dumpversion"},
	{name: "print-file-name", args: "-print-file-name=libc.so"},
	{name: "v", args: "-v", loose: true},
	{name: "help", args: "--help"},
	{name: "E-stdout", args: "-E x.c"},
	{name: "E-o", args: "-E x.c -o x.i"},
	{name: "S-stdout", args: "-S x.c -o -"},
	{name: "S-file", args: "-S x.c"},
	{name: "M", args: "-M x.c"},
	{name: "fsyntax-only", args: "-fsyntax-only x.c"},
	{name: "c", args: "-c x.c", promoted: []string{"x.o"}},
	{name: "c-o-dir", args: "-O2 -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "c-several", args: "-c a.c b.c x.c", promoted: []string{"a.o", "x.o"}, clangDiffer: []string{"b.o"}},
	{name: "compile-link", args: "a.c b.c -o p", promoted: []string{"p"}, run: "p"},
	{name: "nothing-to-promote", args: "-c b.c", clangDiffer: []string{"b.o"}},
	{name: "c++", args: "-O1 -c v.cc", promoted: []string{"v.o"}},
	{name: "assembler-flags", args: "-Wa,--noexecstack -Xassembler --noexecstack -gz -g -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}, lines: "sub/y.o"},
	{name: "response-file", args: "@flags.rsp -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "warning-once", args: "-c warn.c", promoted: []string{"warn.o"}},
	{name: "error", args: "-c err.c"},
	{name: "error-several", args: "-c err.c x.c", promoted: []string{"x.o"}, fails: true},
	{name: "s", args: "-c asm.s"},
	{name: "S-input", args: "-c asm.S -o sub/asm.o"},
	{name: "stdin-c", args: "-x c - -c -o stdin.o", stdin: "x.c"},
	{name: "stdin-asm-probe", args: "-c -x assembler-with-cpp - -o /dev/null", stdin: "asm.S"},
	{name: "devnull-probe", args: "-Werror -c -x c /dev/null -o probe.o", clangDiffer: []string{"probe.o"}},
	{name: "devnull-to-devnull", args: "-c -x c /dev/null -o /dev/null"},
	{name: "m32", args: "-m32 -S x.c -o m32.s"},
	{name: "lto", args: "-flto -c x.c -o lto.o", differ: []string{"lto.o"},
		note: "optpoline: -flto: LTO objects are not promoted"},
	{name: "MD", args: "-MD -c x.c", promoted: []string{"x.o"}},
	{name: "MD-o", args: "-MD -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "MMD-MP", args: "-MMD -MP -c x.c", promoted: []string{"x.o"}},
	{name: "MMD-MP-o", args: "-MMD -MP -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "MD-MF", args: "-MD -MF x.dep -c x.c", promoted: []string{"x.o"}},
	{name: "MD-MF-o", args: "-MD -MF sub/x.d -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "MD-MT", args: "-MD -MT 'my target' -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "Wp-MMD", args: "-Wp,-MMD,sub/dep.d -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}},
	{name: "Wp-MD-no-o", args: "-Wp,-MD,dep.d -c x.c", promoted: []string{"x.o"}},
	{name: "MD-link", args: "-MD a.c b.c -o p", promoted: []string{"p"}, run: "p"},
	{name: "MD-link-no-o", args: "-MD a.c b.c", promoted: []string{"a.out"}, run: "a.out"},
	{name: "save-temps", args: "-save-temps -c x.c", promoted: []string{"x.o"}, differ: []string{"x.s"}},
	{name: "save-temps-o", args: "-save-temps -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}, differ: []string{"sub/y.s", "x.s"}},
	{name: "coverage", args: "--coverage -c x.c -o sub/y.o", promoted: []string{"sub/y.o"},
		differ: []string{"sub/y.gcno"}, gcda: "sub/y.o", clangPasses: true},
	{name: "coverage-link", args: "--coverage a.c b.c -o p", promoted: []string{"p"},
		differ: []string{"p-a.gcno", "p-b.gcno", "p-a.gcda", "p-b.gcda"}, run: "p", gcda: "p", clangPasses: true},
	{name: "stack-usage", args: "-fstack-usage -c x.c -o sub/y.o", promoted: []string{"sub/y.o"}, clangPasses: true},
	{name: "g", args: "-g -c x.c -o g.o", promoted: []string{"g.o"}, lines: "g.o"},
	{name: "g-link", args: "-g -O1 a.c b.c -o p", promoted: []string{"p"}, run: "p", lines: "p"},
}

// TestCCKinds checks every kind of invocation against the bare gcc and
// clang: pass-through kinds must give identical streams, statuses and
// files; promoted ones identical streams and files apart from objects,
// which carry sites, and programs, which print the same.
func TestCCKinds(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		for _, k := range ccKinds {
			t.Run(cc+"/"+k.name, func(t *testing.T) {
				t.Parallel()
				checkKind(t, cc, k)
			})
		}
	}
}

func checkKind(t *testing.T, cc string, k ccKind) {
	root := t.TempDir()
	bare, wrap, tmp := filepath.Join(root, "bare"), filepath.Join(root, "wrap"), filepath.Join(root, "tmp")
	for _, d := range []string{bare, wrap, tmp} {
		os.Mkdir(d, 0o755)
	}
	copySources(t, bare)
	copySources(t, wrap)
	var stdin []byte
	if k.stdin != "" {
		stdin, _ = os.ReadFile(filepath.Join("testdata/cc", k.stdin))
	}
	args := splitArgs(k.args)
	if cc == "clang" {
		k.differ = append(k.differ, k.clangDiffer...)
		if k.clangPasses { // objects name the absolute .gcda path: compared below
			k.promoted, k.differ = nil, append(k.differ, k.promoted...)
		}
	}
	if cc == "clang" && k.name == "save-temps-o" {
		k.differ = []string{"x.s"} // Clang leaves its temporaries in the working directory
	}
	want := runCmd(t, bare, []string{"TMPDIR=" + tmp}, stdin, append([]string{cc}, args...)...)
	got := runCmd(t, wrap, append([]string{"TMPDIR=" + tmp}, wrapperEnv...), stdin, wrapperArgv(t, append([]string{cc}, args...)...)...)
	emptyDir(t, tmp)

	if k.note != "" {
		if !strings.HasPrefix(got.stderr, k.note+"\n") || strings.Count(got.stderr, k.note) != 1 {
			t.Errorf("stderr does not start with the note %q once:\n%s", k.note, got.stderr)
		}
		got.stderr = strings.TrimPrefix(got.stderr, k.note+"\n")
	}
	if (len(k.promoted) > 0 || k.run != "") && want.status != 0 && !k.fails {
		t.Errorf("the bare compiler failed (status %d) where the kind expects objects:\n%s", want.status, want.stderr)
	}
	if got.status != want.status {
		t.Errorf("exit status %d, want %d\nstderr:\n%s", got.status, want.status, got.stderr)
	}
	if k.loose {
		line := ""
		for _, l := range strings.Split(want.stderr, "\n") {
			if strings.Contains(l, " version ") {
				line = l
				break
			}
		}
		if line == "" || !strings.Contains(got.stderr, line) {
			t.Errorf("version line %q missing from:\n%s", line, got.stderr)
		}
		return
	}
	if got.stdout != want.stdout {
		t.Errorf("stdout differs:\n got: %q\nwant: %q", got.stdout, want.stdout)
	}
	if got.stderr != want.stderr {
		t.Errorf("stderr differs:\n got: %q\nwant: %q", got.stderr, want.stderr)
	}

	skip := map[string]bool{}
	for _, f := range append(append([]string{}, k.promoted...), k.differ...) {
		skip[f] = true
	}
	wantFiles, gotFiles := readTree(t, bare), readTree(t, wrap)
	if a, b := names(wantFiles), names(gotFiles); a != b {
		t.Errorf("files differ:\n got: %s\nwant: %s", b, a)
	}
	for name, w := range wantFiles {
		if g, ok := gotFiles[name]; ok && !skip[name] && !bytes.Equal(g, w) {
			t.Errorf("%s differs from the bare compiler's (%d bytes, want %d)", name, len(g), len(w))
		}
	}
	for _, obj := range k.promoted {
		if _, ok := gotFiles[obj]; ok && !hasSites(t, filepath.Join(wrap, obj)) {
			t.Errorf("%s: no optpoline_sites section", obj)
		}
	}
	if k.run != "" {
		w := runCmd(t, bare, nil, nil, "./"+k.run)
		g := runCmd(t, wrap, nil, nil, "./"+k.run)
		if g != w {
			t.Errorf("./%s: %+v, want %+v", k.run, g, w)
		}
		if a, b := names(readTree(t, bare)), names(readTree(t, wrap)); a != b {
			t.Errorf("files after running ./%s differ:\n got: %s\nwant: %s", k.run, b, a)
		}
	}
	if k.gcda != "" {
		w := gcdaPaths.FindAllString(string(wantFiles[k.gcda]), -1)
		g := gcdaPaths.FindAllString(strings.ReplaceAll(string(gotFiles[k.gcda]), wrap, bare), -1)
		if len(w) == 0 || strings.Join(g, " ") != strings.Join(w, " ") {
			t.Errorf("%s: .gcda paths %q, want %q", k.gcda, g, w)
		}
	}
	if k.lines != "" {
		out, err := exec.Command("readelf", "--debug-dump=line", filepath.Join(wrap, k.lines)).CombinedOutput()
		if err != nil {
			t.Fatalf("readelf: %v\n%s", err, out)
		}
		if s := string(out); !strings.Contains(s, "x.c") && !strings.Contains(s, "a.c") ||
			strings.Contains(s, ".s\n") || strings.Contains(s, "optpoline-cc") || strings.Contains(s, tmp) {
			t.Errorf("line table does not name the C source only:\n%s", s)
		}
	}
}

// gcdaPaths finds the coverage data paths an object names.
var gcdaPaths = regexp.MustCompile(`[ -~]*\.gcda`)

func names(files map[string][]byte) string {
	var ns []string
	for n := range files {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return strings.Join(ns, " ")
}
