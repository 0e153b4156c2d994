package optruntime_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/staticcall"
)

// Static calls (optpoline/static_call.h): the out-of-line mode, built with
// the plain compilers and src/include/optpoline/static_call.c, no wrapper.

const scSemantics = `null: hits 0 query 1
hook: hits 1 last 3 query 1
null again: hits 1 last 3
ret0: 0 0 query 1
twice: 14 14
ret0 again: 0 0
op: 11 11
op: 12 12 query 1
op_if: 12 0
`

var scFlags = []string{"-O2", "-pthread", "-Wall", "-Wextra", "-Werror"}

// scBuild compiles testdata/NAME.c with cc and static_call.c (out of line)
// into dir/NAME; extra goes after the sources (libraries).
func scBuild(t *testing.T, cc, dir, name string, extra ...string) string {
	t.Helper()
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs(filepath.Join("testdata", name+".c"))
	prog := filepath.Join(dir, name)
	args := append(append(append([]string{}, scFlags...), "-I", inc, "-o", prog, src, filepath.Join(inc, "optpoline", "static_call.c")), extra...)
	run(t, "", cc, args...)
	return prog
}

// scFarLib builds the stress test's far target, a shared object.
func scFarLib(t *testing.T, cc, dir string) []string {
	t.Helper()
	src, _ := filepath.Abs("testdata/sc_far.c")
	run(t, "", cc, "-O2", "-fPIC", "-shared", "-o", filepath.Join(dir, "libscfar.so"), src)
	return []string{"-L", dir, "-lscfar", "-Wl,-rpath," + dir, "-rdynamic"}
}

var scStressRe = regexp.MustCompile(`^updates (\d+) calls (\d+) bad 0 queryfails 0 far 1\n$`)

// checkStress runs a stress program: 4 threads call while the main thread
// retargets for at most a second; no call may reach a target other than
// the old or new one of its update window, some calls must go through the
// far path.
func checkStress(t *testing.T, prog string) {
	t.Helper()
	out := run(t, "", prog, "100000", "1")
	m := scStressRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stress: %q", out)
	}
	t.Logf("%s", strings.TrimSpace(out))
	if u, _ := strconv.Atoi(m[1]); u < 100 {
		t.Errorf("%s updates in a second, want ≥ 100", m[1])
	}
	if c, _ := strconv.Atoi(m[2]); c < 100000 {
		t.Errorf("%s calls, want ≥ 100000", m[2])
	}
}

// trampoline checks the trampoline of static call name in prog: in
// .static_call.text, jmp rel32 with the rel32 4-aligned.
func trampoline(t *testing.T, prog, name string) {
	t.Helper()
	sym := "__SCT__" + name
	dis := run(t, "", "objdump", "-d", "-j", ".static_call.text", prog)
	m := regexp.MustCompile(`(?m)^([0-9a-f]+) <` + sym + `>:\n\s+[0-9a-f]+:\s+e9 `).FindStringSubmatch(dis)
	if m == nil {
		t.Fatalf("%s: no %s starting with jmp rel32 in .static_call.text:\n%s", prog, sym, dis)
	}
	if a, _ := strconv.ParseUint(m[1], 16, 64); (a+1)%4 != 0 {
		t.Errorf("%s at %#x: rel32 not 4-aligned", sym, a)
	}
}

func TestStaticCallOutOfLine(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		t.Run(cc, func(t *testing.T) {
			dir := t.TempDir()
			prog := scBuild(t, cc, dir, "sc_stress", scFarLib(t, cc, dir)...)
			trampoline(t, prog, "sc")
			checkStress(t, prog)
			sem := scBuild(t, cc, dir, "sc_semantics")
			for _, n := range []string{"hook", "calc", "op"} {
				trampoline(t, sem, n)
			}
			if out := run(t, "", sem); out != scSemantics {
				t.Errorf("semantics:\n%s\nwant\n%s", out, scSemantics)
			}
		})
	}
}

// TestStaticCallImplementationMacro builds with the implementation pulled
// in by OPTPOLINE_STATIC_CALL_IMPLEMENTATION instead of static_call.c.
func TestStaticCallImplementationMacro(t *testing.T) {
	dir := t.TempDir()
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs("testdata/sc_semantics.c")
	prog := filepath.Join(dir, "sem")
	run(t, "", "gcc", append(append([]string{}, scFlags...), "-DOPTPOLINE_STATIC_CALL_IMPLEMENTATION", "-I", inc, "-o", prog, src)...)
	if out := run(t, "", prog); out != scSemantics {
		t.Errorf("semantics:\n%s\nwant\n%s", out, scSemantics)
	}
}

// TestStaticCallSignature: static_call_update with a function of another
// type is a compile-time error in C (gcc, clang) and C++ (g++, clang++);
// the right type compiles warning-free under -Wpedantic.
func TestStaticCallSignature(t *testing.T) {
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs("testdata/sc_badsig.c")
	for _, cc := range []struct{ name, lang, std, want string }{
		{"gcc", "c", "-std=c11", `error: static assertion failed: "static_call_update: function type does not match the static call"`},
		{"clang", "c", "-std=c11", `error: static_assert failed "static_call_update: function type does not match the static call"`},
		{"g++", "c++", "-std=c++17", `error: invalid conversion from .long int \(\*\)\(int\). to .int \(\*\)\(int\).`},
		{"clang++", "c++", "-std=c++17", `error: cannot initialize a variable of type .*int \(\*\)\(int\).* with an lvalue of type 'long \(int\)'`},
	} {
		t.Run(cc.name, func(t *testing.T) {
			obj := filepath.Join(t.TempDir(), "x.o")
			args := []string{"-O2", cc.std, "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I", inc, "-x", cc.lang, "-c", "-o", obj, src}
			run(t, "", cc.name, args...) // the right type compiles
			out, err := exec.Command(cc.name, append([]string{"-DBAD"}, args...)...).CombinedOutput()
			if err == nil {
				t.Fatalf("a wrong signature compiled")
			}
			if !regexp.MustCompile(cc.want).Match(out) {
				t.Errorf("error output lacks %s:\n%s", cc.want, out)
			}
		})
	}
}

// Inline mode: the markup pipeline (with the staticcall pass) over the
// compiler's assembly, linked with the runtime (which holds static_call.c).

var scBranchRe = regexp.MustCompile(`^\s+(?:callq?|jmpq?|j[a-z]+)\s+__SCT__\w+(?:@PLT)?\s*(?:#.*)?$`)

// scBranches counts the calls and jumps to trampolines in compiler output,
// outside inline asm.
func scBranches(asm string) int {
	n, app := 0, false
	for _, l := range strings.Split(asm, "\n") {
		switch t := strings.TrimSpace(l); {
		case t == "#APP":
			app = true
		case t == "#NO_APP":
			app = false
		case !app && scBranchRe.MatchString(l):
			n++
		}
	}
	return n
}

// scInline builds testdata/NAME.c in inline mode with cc into dir/OUT;
// cflags go to the compile and the link, extra to the link only. It checks that the pass
// recorded every branch to a trampoline of the compiler's output and that
// the linked table has as many entries, and returns that number.
func scInline(t *testing.T, cc, dir, name, out string, objs, cflags []string, extra ...string) (string, int) {
	t.Helper()
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs(filepath.Join("testdata", name+".c"))
	asm := filepath.Join(dir, out+".s")
	run(t, "", cc, append(append(append([]string{}, scFlags...), cflags...), "-I", inc, "-S", "-o", asm, src)...)
	text, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	want := scBranches(string(text))
	f, err := parser.ParseChecked(asm, text)
	if err != nil {
		t.Fatal(err)
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f), Config: passes.Config{Outline: 4, Runtime: true}}
	if err := passes.Run(markup.Pipeline, u); err != nil {
		t.Fatal(err)
	}
	res := u.Results[staticcall.Pass].(*staticcall.Result)
	if len(res.Sites) != want || len(res.Skipped) != 0 {
		t.Errorf("%s: %d sites recorded, %v skipped; the compiler wrote %d branches to trampolines", name, len(res.Sites), res.Skipped, want)
	}
	var b bytes.Buffer
	if _, err := u.Rewriter.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	marked := filepath.Join(dir, out+".opt.s")
	if err := os.WriteFile(marked, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, out)
	args := append(append(append([]string{"-O2", "-pthread"}, cflags...), "-o", prog, marked), objs...)
	run(t, "", cc, append(args, extra...)...)
	if n := scTableEntries(t, prog); n != want {
		t.Errorf("%s: %d static_call_sites entries, want %d", prog, n, want)
	}
	return prog, want
}

// scTableEntries is the number of static_call_sites entries in a binary.
func scTableEntries(t *testing.T, bin string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*\d+\s+static_call_sites\s+([0-9a-f]+)`).FindStringSubmatch(run(t, "", "objdump", "-h", bin))
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseUint(m[1], 16, 64)
	return int(n / 8)
}

func TestStaticCallInline(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		t.Run(cc, func(t *testing.T) {
			dir := t.TempDir()
			objs := buildRuntime(t, cc, dir)
			prog, n := scInline(t, cc, dir, "sc_stress", "stress", objs, nil, scFarLib(t, cc, dir)...)
			if n < 2 {
				t.Errorf("sc_stress: %d sites, want the call and the tail jmp at least", n)
			}
			checkStress(t, prog)

			// Every site goes straight to the target: none, return 0 and
			// functions, calls, tail jumps and (clang -Os) conditional
			// tail jumps; -fPIC and non-PIE too.
			for _, flags := range [][]string{nil, {"-fPIC"}, {"-fno-pic"}, {"-Os"}} {
				var link []string
				if len(flags) > 0 && flags[0] == "-fno-pic" {
					link = []string{"-no-pie"}
				}
				sem, n := scInline(t, cc, dir, "sc_semantics", "sem"+strings.Join(flags, ""), objs, append([]string{"-DSC_INLINE"}, flags...), link...)
				want := scSemantics + fmt.Sprintf("inline: %d sites, %d direct, %d registered\n", n, n, n)
				if out := run(t, "", sem); out != want {
					t.Errorf("%v: semantics:\n%s\nwant\n%s", flags, out, want)
				}
			}

			// dlopen/dlclose, twice: the plugin's sites of the
			// executable's op are registered while it is loaded and
			// forgotten after (the update after dlclose succeeds).
			plugin, np := scInline(t, cc, dir, "sc_plugin", "libplugin.so", objs, []string{"-fPIC"}, "-shared")
			if np != 2 {
				t.Errorf("sc_plugin: %d sites, want 2", np)
			}
			dlmain, _ := scInline(t, cc, dir, "sc_dlmain", "dlmain", objs, nil, "-rdynamic", "-ldl")
			want := "round 0: 12 13 103 op sites +1 pop sites 1\nafter dlclose: op sites +0 update 0 call 2\n" +
				"round 1: 12 13 103 op sites +1 pop sites 1\nafter dlclose: op sites +0 update 0 call 2\n"
			if out := run(t, "", dlmain, plugin); out != want {
				t.Errorf("dlopen:\n%s\nwant\n%s", out, want)
			}
		})
	}
}

// scCosts builds testdata/sc_bench.c (gcc, retpolines, ref_* left alone by
// the markup) and returns its ns/call per kind.
func scCosts(t testing.TB) (map[string]float64, string) {
	dir, err := os.MkdirTemp("", "scbench-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	objs := buildRuntime(t, "gcc", dir)
	inc, _ := filepath.Abs("src/include")
	asm := filepath.Join(dir, "sc_bench.s")
	run(t, "", "gcc", append(append([]string{"-O2", "-Wall", "-Werror", "-I", inc, "-S", "-o", asm}, gccThunk...), "testdata/sc_bench.c")...)
	text, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseChecked(asm, text)
	if err != nil {
		t.Fatal(err)
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f),
		Config: passes.Config{Outline: 4, Runtime: true, SkipFunctions: []string{"ref_*"}}}
	if err := passes.Run(markup.Pipeline, u); err != nil {
		t.Fatal(err)
	}
	if res := u.Results[staticcall.Pass].(*staticcall.Result); len(res.Sites) != 1 {
		t.Fatalf("sc_bench: %d inline sites, want 1 (site_static)", len(res.Sites))
	}
	var b bytes.Buffer
	if _, err := u.Rewriter.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	marked := filepath.Join(dir, "sc_bench.opt.s")
	if err := os.WriteFile(marked, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "sc_bench")
	run(t, "", "gcc", append([]string{"-O2", "-pthread", "-rdynamic", "-o", prog, marked}, objs...)...)
	out := runEnv(t, "", []string{"OPTPOLINE=off"}, prog)
	v := map[string]float64{}
	fs := strings.Fields(out)
	for i := 0; i+1 < len(fs); i += 2 {
		v[fs[i]], _ = strconv.ParseFloat(fs[i+1], 64)
	}
	if len(v) != 5 {
		t.Fatalf("sc_bench: %q", out)
	}
	return v, out
}

// TestStaticCallBench checks that the benchmark builds and runs and that a
// static call, either way, beats a retpoline; the figures are
// BenchmarkStaticCall's.
func TestStaticCallBench(t *testing.T) {
	v, out := scCosts(t)
	t.Logf("ns/call: %s", out)
	if v["static_inline"] >= v["retpoline"] || v["static_ool"] >= v["retpoline"] {
		t.Errorf("a static call is not faster than a retpoline: %s", out)
	}
}

// BenchmarkStaticCall reports ns/call of a direct call, a function
// pointer, a retpolined one and a static call out of line and inline (one
// process, side by side) and the static calls' ratios to the direct call;
// with OPTPOLINE_BENCH_STATICCALL_JSON=FILE it writes them there (make
// bench: bench-results/staticcall.json). Goals: inline ≤ 1.05 × direct,
// out of line ≤ 1.25 × direct.
func BenchmarkStaticCall(b *testing.B) {
	var v map[string]float64
	for range b.N {
		v, _ = scCosts(b)
	}
	type row struct {
		Kind     string  `json:"kind"`
		NsCall   float64 `json:"ns_per_call"`
		VsDirect float64 `json:"vs_direct"`
	}
	var rows []row
	for _, k := range []string{"direct", "indirect", "retpoline", "static_ool", "static_inline"} {
		b.ReportMetric(v[k], "ns/"+k)
		rows = append(rows, row{k, v[k], v[k] / v["direct"]})
	}
	b.ReportMetric(v["static_inline"]/v["direct"], "inline/direct")
	b.ReportMetric(v["static_ool"]/v["direct"], "ool/direct")
	if path := os.Getenv("OPTPOLINE_BENCH_STATICCALL_JSON"); path != "" {
		data, _ := json.MarshalIndent(map[string]any{"bench": "staticcall", "unit": "ns/call",
			"goal_inline_vs_direct": 1.05, "goal_ool_vs_direct": 1.25, "rows": rows}, "", "  ")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
