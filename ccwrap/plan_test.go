package ccwrap

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/optpoline/optpoline/passes"
)

// files are the response files the tests' commands may name.
var files = map[string]string{
	"flags.rsp": "-O2 '-DMSG=\"a b\"' -I inc",
	"srcs.rsp":  "-c a.c -o a.o",
}

func readFile(name string) ([]byte, error) {
	if s, ok := files[name]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func plan(t *testing.T, opts Options, fam Family, line string) *Plan {
	t.Helper()
	c, err := Parse(strings.Fields(line), readFile)
	if err != nil {
		t.Fatal(err)
	}
	p := &Planner{Options: opts, Family: fam, Unique: "U",
		TempDir: func() (string, error) { return "/T", nil },
		Special: func(path string) bool { return path == "/dev/null" },
	}
	pl, err := p.Plan(c)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func w(s string) []string { return strings.Fields(s) }

func TestPassThrough(t *testing.T) {
	for _, tt := range []struct{ line, why, note string }{
		{"gcc --version", "--version", ""},
		{"gcc -v", "-v", ""},
		{"gcc -dumpversion", "-dumpversion", ""},
		{"gcc -print-file-name=libc.so", "-print-file-name=libc.so", ""},
		{"gcc --help", "--help", ""},
		{"gcc -E x.c", "-E", ""},
		{"gcc -E -o x.i x.c", "-E", ""},
		{"gcc -S -o - x.c", "-S", ""},
		{"gcc -M x.c", "-M", ""},
		{"gcc -MM -MF x.d x.c", "-MM", ""},
		{"gcc -fsyntax-only x.c", "-fsyntax-only", ""},
		{"gcc -c x.s", "no C or C++ input", ""},
		{"gcc -c x.S -o x.o", "no C or C++ input", ""},
		{"gcc -c -x assembler x.asm", "no C or C++ input", ""},
		{"gcc -x c - -c -o x.o", "reads stdin", ""},
		{"gcc -x assembler-with-cpp - -o /dev/null", "reads stdin", ""},
		{"gcc -m32 -c x.c", "-m32", ""},
		{"gcc -m16 -c x.c", "-m16", ""},
		{"gcc -mx32 -c x.c", "-mx32", ""},
		{"gcc -flto -c x.c", "-flto", "optpoline: -flto: LTO objects are not promoted"},
		{"gcc -flto=auto -c x.c", "-flto", "optpoline: -flto: LTO objects are not promoted"},
		{"gcc -c x.h", "input x.h is c-header", ""},
		{"gcc -c x.m", "input x.m is objective-c", ""},
		{"gcc a.o b.o -o p -lm", "no C or C++ input", ""},
		{"gcc -c a.c b.c -o x.o", "-o with -c and several inputs", ""},
		{"gcc -c", "no input files", ""},
		{"gcc -gsplit-dwarf -c x.c", "-gsplit-dwarf", ""},
		{"ccache gcc --version", "--version", ""},
		{"gcc --optpoline-stray", "no input files", ""},
		// Kbuild: the vDSO gets -mcmodel=kernel, then -mcmodel=small.
		{"gcc -D__KERNEL__ -mcmodel=kernel -mcmodel=small -fPIC -c vgetcpu.c", "-D__KERNEL__ without -mcmodel=kernel", ""},
		{"gcc -D __KERNEL__ -ffreestanding -c misc.c", "-D__KERNEL__ without -mcmodel=kernel", ""},
	} {
		p := plan(t, DefaultOptions(), GCC, tt.line)
		if p.Exec == nil {
			t.Errorf("%s: promoted, want pass-through", tt.line)
			continue
		}
		if diff := cmp.Diff(w(tt.line), p.Exec); diff != "" {
			t.Errorf("%s: Exec (-want +got):\n%s", tt.line, diff)
		}
		if p.Why != tt.why || p.Note != tt.note {
			t.Errorf("%s: why %q note %q, want %q %q", tt.line, p.Why, p.Note, tt.why, tt.note)
		}
	}
	if p := plan(t, DefaultOptions(), Clang, "clang --coverage -c x.c"); p.Exec == nil || !strings.HasPrefix(p.Why, "Clang names") {
		t.Errorf("clang --coverage: %+v", p)
	}
	if p := plan(t, DefaultOptions(), GCC, "gcc --coverage -c x.c"); p.Exec != nil {
		t.Errorf("gcc --coverage passes through: %s", p.Why)
	}
	off := DefaultOptions()
	off.Off = true
	if p := plan(t, off, GCC, "gcc -c x.c"); p.Exec == nil || p.Why != "--optpoline-off" {
		t.Errorf("--optpoline-off: %+v", p)
	}
}

func TestPlan(t *testing.T) {
	asm := DefaultOptions()
	asm.Asm = true
	kernelUser := DefaultOptions()
	kernelUser.ModeSet = true
	keep := DefaultOptions()
	keep.KeepAsm = true
	for _, tt := range []struct {
		name string
		opts Options
		fam  Family
		line string
		want Plan
	}{{
		name: "-c",
		line: "gcc -O2 -c x.c",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -O2 -S x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o .x.o.optpoline-U.tmp"),
			Tmp:      ".x.o.optpoline-U.tmp", Out: "x.o"}}},
	}, {
		name: "-c -o dir, assembler flags, launcher",
		line: "ccache gcc -c src/x.c -o obj/y.o -g -Wa,--noexecstack -Xassembler -K -m64 -I inc -pipe",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "src/x.c",
			Compile: w("ccache gcc -S src/x.c -g -Wa,--noexecstack -Xassembler -K -m64 -I inc -pipe -o /T/1-x.s"),
			Asm:     "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -g -Wa,--noexecstack -Xassembler -K -m64 -c -x assembler /T/1-x.opt.s -o obj/.y.o.optpoline-U.tmp"),
			Tmp:      "obj/.y.o.optpoline-U.tmp", Out: "obj/y.o"}}},
	}, {
		name: "-o /dev/null is written directly, clang quiets unused arguments",
		fam:  Clang,
		line: "clang -Werror -c -x c /dev/null -o /dev/null",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "/dev/null",
			Compile: w("clang -Werror -S -x c /dev/null -o /T/1-null.s"),
			Asm:     "/T/1-null.s", Marked: "/T/1-null.opt.s",
			Assemble: w("clang -Qunused-arguments -c -x assembler /T/1-null.opt.s -o /dev/null"),
			Tmp:      "/dev/null"}}},
	}, {
		name: "several sources with -c",
		line: "gcc -c a.c b.cc c.s",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "a.c",
			Compile: w("gcc -S a.c -o /T/1-a.s"), Asm: "/T/1-a.s", Marked: "/T/1-a.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-a.opt.s -o .a.o.optpoline-U.tmp"),
			Tmp:      ".a.o.optpoline-U.tmp", Out: "a.o"}, {Source: "b.cc",
			Compile: w("gcc -S b.cc -o /T/2-b.s"), Asm: "/T/2-b.s", Marked: "/T/2-b.opt.s",
			Assemble: w("gcc -c -x assembler /T/2-b.opt.s -o .b.o.optpoline-U.tmp"),
			Tmp:      ".b.o.optpoline-U.tmp", Out: "b.o"}, {Source: "c.s",
			Compile: w("gcc -c c.s")}}},
	}, {
		name: "compile and link: objects replace sources in order, -x only where needed",
		line: "gcc -O2 a.c x.o -x c b.txt -x none -lm -Wl,-z,now -shared -o p",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "a.c",
			Compile: w("gcc -O2 a.c -S -o /T/1-a.s"), Asm: "/T/1-a.s", Marked: "/T/1-a.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-a.opt.s -o /T/1-a.o"), Tmp: "/T/1-a.o"}, {Source: "b.txt",
			Compile: w("gcc -O2 -x c b.txt -S -o /T/2-b.s"), Asm: "/T/2-b.s", Marked: "/T/2-b.opt.s",
			Assemble: w("gcc -c -x assembler /T/2-b.opt.s -o /T/2-b.o"), Tmp: "/T/2-b.o"}},
			Link: w("gcc -O2 /T/1-a.o x.o /T/2-b.o -lm -Wl,-z,now -shared -o p")},
	}, {
		name: "-MD without -o",
		line: "gcc -MD -c x.c",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -MD -S x.c -MF x.d -MQ x.o -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o .x.o.optpoline-U.tmp"),
			Tmp:      ".x.o.optpoline-U.tmp", Out: "x.o"}}},
	}, {
		name: "-MMD -MP with -o, response file of flags kept",
		line: "gcc @flags.rsp -MMD -MP -c x.c -o obj/y.o",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "x.c",
			Compile: w("gcc @flags.rsp -MMD -MP -S x.c -MF obj/y.d -MQ obj/y.o -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o obj/.y.o.optpoline-U.tmp"),
			Tmp:      "obj/.y.o.optpoline-U.tmp", Out: "obj/y.o"}}},
	}, {
		name: "-MD -MF kept as given; response file with the source inlined",
		line: "gcc -MD -MF deps/x.d @srcs.rsp",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "a.c",
			Compile: w("gcc -MD -MF deps/x.d -S a.c -MQ a.o -o /T/1-a.s"), Asm: "/T/1-a.s", Marked: "/T/1-a.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-a.opt.s -o .a.o.optpoline-U.tmp"),
			Tmp:      ".a.o.optpoline-U.tmp", Out: "a.o"}}},
	}, {
		name: "compile and link with -MD, GCC without -o",
		line: "gcc -MD a.c",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "a.c",
			Compile: w("gcc -MD a.c -S -MF a-a.d -MQ a.o -o /T/1-a.s"), Asm: "/T/1-a.s", Marked: "/T/1-a.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-a.opt.s -o /T/1-a.o"), Tmp: "/T/1-a.o"}},
			Link: w("gcc -MD /T/1-a.o")},
	}, {
		name: "-save-temps with -o: GCC's dumpbase pinned, marked .s left",
		line: "gcc -save-temps -c x.c -o obj/y.o",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -save-temps -S x.c -dumpdir obj/ -dumpbase y.c -dumpbase-ext .c -o /T/1-x.s"),
			Asm:     "/T/1-x.s", Marked: "obj/y.s",
			Assemble: w("gcc -c -x assembler obj/y.s -o obj/.y.o.optpoline-U.tmp"),
			Tmp:      "obj/.y.o.optpoline-U.tmp", Out: "obj/y.o"}}},
	}, {
		name: "-save-temps, Clang: in the working directory",
		fam:  Clang,
		line: "clang -save-temps -c src/x.c -o obj/y.o",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "src/x.c",
			Compile: w("clang -save-temps -S src/x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "x.s",
			Assemble: w("clang -Qunused-arguments -c -x assembler x.s -o obj/.y.o.optpoline-U.tmp"),
			Tmp:      "obj/.y.o.optpoline-U.tmp", Out: "obj/y.o"}}},
	}, {
		name: "-mcmodel=kernel chooses kernel mode",
		line: "gcc -mcmodel=kernel -c x.c",
		want: Plan{Dir: "/T", Mode: passes.Kernel, Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -mcmodel=kernel -S x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o .x.o.optpoline-U.tmp"),
			Tmp:      ".x.o.optpoline-U.tmp", Out: "x.o"}}},
	}, {
		name: "--optpoline-keep-asm: the marked-up assembly next to the object",
		opts: keep,
		line: "gcc -c src/x.c -o obj/y.o",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "src/x.c",
			Compile: w("gcc -S src/x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "obj/y.opt.s",
			Assemble: w("gcc -c -x assembler obj/y.opt.s -o obj/.y.o.optpoline-U.tmp"),
			Tmp:      "obj/.y.o.optpoline-U.tmp", Out: "obj/y.o"}}},
	}, {
		name: "the last -mcmodel counts",
		line: "gcc -mcmodel=small -mcmodel=kernel -D__KERNEL__ -c x.c",
		want: Plan{Dir: "/T", Mode: passes.Kernel, Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -mcmodel=small -mcmodel=kernel -D__KERNEL__ -S x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o .x.o.optpoline-U.tmp"),
			Tmp:      ".x.o.optpoline-U.tmp", Out: "x.o"}}},
	}, {
		name: "--optpoline-mode=user wins over -mcmodel=kernel",
		opts: kernelUser,
		line: "gcc -mcmodel=kernel -c x.c",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "x.c",
			Compile: w("gcc -mcmodel=kernel -S x.c -o /T/1-x.s"), Asm: "/T/1-x.s", Marked: "/T/1-x.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-x.opt.s -o .x.o.optpoline-U.tmp"),
			Tmp:      ".x.o.optpoline-U.tmp", Out: "x.o"}}},
	}, {
		name: "--optpoline-asm: .s marked up as is, .S preprocessed",
		opts: asm,
		line: "gcc -c a.s b.S",
		want: Plan{Dir: "/T", Jobs: []Job{{Source: "a.s",
			Asm: "a.s", Marked: "/T/1-a.opt.s",
			Assemble: w("gcc -c -x assembler /T/1-a.opt.s -o .a.o.optpoline-U.tmp"),
			Tmp:      ".a.o.optpoline-U.tmp", Out: "a.o"}, {Source: "b.S",
			Compile: w("gcc -E b.S -o /T/2-b.s"), Asm: "/T/2-b.s", Marked: "/T/2-b.opt.s",
			Assemble: w("gcc -c -x assembler /T/2-b.opt.s -o .b.o.optpoline-U.tmp"),
			Tmp:      ".b.o.optpoline-U.tmp", Out: "b.o"}}},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts == (Options{}) {
				tt.opts = DefaultOptions()
			}
			got := plan(t, tt.opts, tt.fam, tt.line)
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreUnexported(Job{})); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestRuntimeObjectHook(t *testing.T) {
	c, _ := Parse(w("gcc a.c -o p"), readFile)
	p := &Planner{Options: DefaultOptions(), TempDir: func() (string, error) { return "/T", nil },
		RuntimeObject: func(string) (string, error) { return "/rt/optpoline.o", nil }}
	pl, err := p.Plan(c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w("gcc /T/1-a.o -o p /rt/optpoline.o -Wl,--export-dynamic-symbol=optpoline_*"), pl.Link); diff != "" {
		t.Errorf("link (-want +got):\n%s", diff)
	}
	if !pl.Runtime {
		t.Error("gcc a.c -o p: markup does not use the runtime")
	}
	// What the plan links, and whether markup points misses at the runtime.
	for _, tt := range []struct {
		line    string
		link    []string // the link, or the pass-through command
		runtime bool
	}{
		{"gcc -shared -fPIC a.c -o libp.so", w("gcc -shared -fPIC /T/1-a.o -o libp.so /rt/optpoline.o"), true},
		{"gcc a.o b.o -o p -lm", w("gcc a.o b.o -o p -lm /rt/optpoline.o -Wl,--export-dynamic-symbol=optpoline_*"), false},
		{"gcc -c a.c", nil, true},
		{"gcc -nostdlib a.c -o p", w("gcc -nostdlib /T/1-a.o -o p"), false},
		{"gcc -ffreestanding -c a.c", nil, false},
		{"gcc -r a.c -o p.o", w("gcc -r /T/1-a.o -o p.o"), false},
		{"gcc -mcmodel=kernel a.c -o p", w("gcc -mcmodel=kernel /T/1-a.o -o p"), false},
	} {
		c, _ := Parse(w(tt.line), readFile)
		pl, err := p.Plan(c)
		if err != nil {
			t.Fatal(err)
		}
		got := pl.Link
		if pl.Exec != nil {
			got = pl.Exec
		}
		if diff := cmp.Diff(tt.link, got); diff != "" {
			t.Errorf("%s: link (-want +got):\n%s", tt.line, diff)
		}
		if pl.Exec == nil && pl.Runtime != tt.runtime {
			t.Errorf("%s: Runtime = %v, want %v", tt.line, pl.Runtime, tt.runtime)
		}
	}
	p.RuntimeObject = func(string) (string, error) { return "", errors.New("no runtime") }
	if _, err := p.Plan(c); err == nil {
		t.Error("RuntimeObject's error lost")
	}
}

func TestSplitOptions(t *testing.T) {
	o, rest, err := SplitOptions("--optpoline-outline=2 --optpoline-off --optpoline-profile=a.prof", w("gcc --optpoline-mode=kernel -c --optpoline-outline=0 x.c --optpoline-asm --optpoline-fallback"))
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Mode: passes.Kernel, ModeSet: true, Outline: 0, Off: true, Asm: true, Fallback: true, Profile: "a.prof"}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(w("gcc -c x.c"), rest); diff != "" {
		t.Errorf("rest (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"--optpoline-outline=256", "--optpoline-outline=x", "--optpoline-mode=hyper", "--optpoline-off=1", "--optpoline-frob", "--optpoline-profile="} {
		if _, _, err := SplitOptions("", []string{"gcc", bad}); err == nil {
			t.Errorf("%s: no error", bad)
		}
		if _, _, err := SplitOptions(bad, []string{"gcc"}); err == nil || !strings.Contains(err.Error(), "OPTPOLINE_FLAGS") {
			t.Errorf("OPTPOLINE_FLAGS=%s: error %v", bad, err)
		}
	}
}

func TestParse(t *testing.T) {
	c, err := Parse(w("distcc gcc -I inc -Iinc2 -x c foo -x none bar.c -o out @flags.rsp @missing.rsp -lm -"), readFile)
	if err != nil {
		t.Fatal(err)
	}
	type arg struct {
		Words []string
		Input bool
		Lang  string
	}
	var got []arg
	for _, a := range c.Args {
		got = append(got, arg{a.Words, a.Input, a.Lang})
	}
	want := []arg{
		{w("-I inc"), false, ""}, {w("-Iinc2"), false, ""}, {w("-x c"), false, ""},
		{w("foo"), true, "c"}, {w("-x none"), false, ""}, {w("bar.c"), true, "c"},
		{w("-o out"), false, ""}, {w("-O2"), false, ""}, {[]string{`-DMSG="a b"`}, false, ""},
		{w("-I inc"), false, ""}, {w("@missing.rsp"), true, ""}, {w("-lm"), false, ""}, {w("-"), true, ""},
	}
	if c.Launcher != "distcc" || c.Compiler != "gcc" {
		t.Errorf("launcher %q compiler %q", c.Launcher, c.Compiler)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if _, err := Parse(nil, readFile); err == nil {
		t.Error("empty command: no error")
	}
}

func TestFamilyOf(t *testing.T) {
	for name, want := range map[string]Family{"gcc": GCC, "cc": GCC, "clang": Clang, "clang++": Clang, "/usr/bin/clang-14": Clang, "no-such-cc": GCC} {
		if got := FamilyOf(name); got != want {
			t.Errorf("FamilyOf(%s) = %v, want %v", name, got, want)
		}
	}
}
