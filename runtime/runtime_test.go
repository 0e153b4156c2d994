package optruntime_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/e2e"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
	optruntime "github.com/optpoline/optpoline/runtime"
)

// buildRuntime compiles the runtime's objects with cc into dir.
func buildRuntime(t testing.TB, cc, dir string) []string {
	t.Helper()
	var objs []string
	for _, o := range optruntime.Objects {
		src, _ := filepath.Abs(o.Source)
		obj := filepath.Join(dir, strings.TrimSuffix(filepath.Base(o.Source), filepath.Ext(o.Source))+".o")
		args := append(append(append([]string{}, optruntime.CFlags...), o.Flags...), "-c", "-o", obj, src)
		run(t, "", cc, args...)
		objs = append(objs, obj)
	}
	return objs
}

// TestRuntimeBuilds builds the runtime warning-free with gcc and clang.
func TestRuntimeBuilds(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		objs := buildRuntime(t, cc, t.TempDir())
		// ring.o must not touch vector or x87 state (the stubs save GPRs only).
		dis := run(t, "", "objdump", "-d", objs[2])
		if regexp.MustCompile(`%[xyz]mm|%st`).MatchString(dis) {
			t.Errorf("%s: ring.o uses vector or x87 registers:\n%s", cc, dis)
		}
	}
}

var (
	siteLine  = regexp.MustCompile(`(?m)^optpoline: site (\w+)\+0x[0-9a-f]+ .*promoted ([\w.+]+)(?:, outline (.*))?$`)
	syncRe    = regexp.MustCompile(`(\d+) batches \(.*, (\d+) sync_core\)`)
	summaryRe = regexp.MustCompile(`(?m)^optpoline: (\d+) sites, (\d+) samples, (\d+) promoted, (\d+) outlined`)
)

// program builds testdata/NAME.c marked up and linked with the runtime,
// and the plain reference build; it returns both paths.
func program(t testing.TB, dir, name string, objs []string, thunk bool) (prog, ref string) {
	t.Helper()
	return programCfg(t, dir, name, objs, thunk, passes.Config{Outline: 4})
}

func programCfg(t testing.TB, dir, name string, objs []string, thunk bool, cfg passes.Config) (prog, ref string) {
	t.Helper()
	var extra []string
	if thunk {
		extra = gccThunk
	}
	return programCC(t, "gcc", dir, name, objs, extra, cfg)
}

var gccThunk = []string{"-mindirect-branch=thunk-extern", "-mindirect-branch-register"}

// programCC builds with cc and extra flags (retpolines).
func programCC(t testing.TB, cc, dir, name string, objs []string, extra []string, cfg passes.Config) (prog, ref string) {
	t.Helper()
	src, _ := filepath.Abs(filepath.Join("testdata", name+".c"))
	inc, _ := filepath.Abs("src")
	flags := []string{"-O2", "-pthread", "-Wall", "-Wextra", "-Werror"}
	ref = filepath.Join(dir, name+".ref")
	run(t, "", "gcc", append(append([]string{}, flags...), "-o", ref, src)...)
	flags = append(flags, extra...)
	asm := filepath.Join(dir, name+".s")
	run(t, "", cc, append(append([]string{}, flags...), "-DOPTPOLINE_RT", "-I", inc, "-S", "-o", asm, src)...)
	in, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cfg.Runtime = true
	res, err := markup.File(asm, in, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sites) == 0 {
		t.Fatalf("%s: no sites", name)
	}
	text := out.String()
	// Every miss path learns: no call site's branch (call, or an outline
	// je/jmp reached by call) goes to a plain jmp stub; tail sites keep
	// them as the placeholders of their hit jmp and outline entries.
	if regexp.MustCompile(`(?m)^\t(?:cs\n\t)?call\toptpoline\.jmp\.`).MatchString(text) {
		t.Fatalf("%s: a call to optpoline.jmp.* is left", name)
	}
	marked := filepath.Join(dir, name+".opt.s")
	if err := os.WriteFile(marked, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	prog = filepath.Join(dir, name)
	run(t, "", cc, append([]string{"-O2", "-pthread", "-rdynamic", "-o", prog, marked}, objs...)...)
	rep, err := e2e.VerifyBinary(prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.Entries != len(res.Sites) {
		t.Fatalf("%s: %d entries for %d sites; table problems:\n%s", name, rep.Entries, len(res.Sites), strings.Join(rep.Problems, "\n"))
	}
	return prog, ref
}

func runStats(t testing.TB, env []string, prog string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := execCommand(prog, args...)
	cmd.Env = append(os.Environ(), env...)
	var eb bytes.Buffer
	cmd.Stderr = &eb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s%s", prog, args, err, out, eb.String())
	}
	return string(out), eb.String()
}

// sites maps each function with a promoted site to "promoted|outline".
func sites(stats string) map[string]string {
	m := map[string]string{}
	for _, g := range siteLine.FindAllStringSubmatch(stats, -1) {
		m[g[1]] = g[2] + "|" + g[3]
	}
	return m
}

var fast = []string{"OPTPOLINE_PERIOD_MS=1", "OPTPOLINE_THRESHOLD=16"}

func TestCalls(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		objs := buildRuntime(t, cc, t.TempDir())
		flavours := map[string][]string{"plain": nil, "thunk": gccThunk}
		if cc == "clang" {
			flavours["thunk"] = []string{"-mretpoline", "-mretpoline-external-thunk"}
			flavours["llvm-thunk"] = []string{"-mretpoline"} // __llvm_retpoline_r11
		}
		for name, extra := range flavours {
			t.Run(cc+"/"+name, func(t *testing.T) { testCalls(t, cc, objs, extra) })
		}
	}
}

func testCalls(t *testing.T, cc string, objs []string, extra []string) {
	dir := t.TempDir()
	prog, ref := programCC(t, cc, dir, "calls", objs, extra, passes.Config{Outline: 4})
	want := run(t, "", ref)
	wantFork := run(t, "", ref, "fork")

	for _, patch := range []string{"pwrite", "mprotect"} {
		out, stats := runStats(t, append([]string{"OPTPOLINE=stats", "OPTPOLINE_PATCH=" + patch}, fast...), prog)
		if out != want {
			t.Fatalf("%s: output\n%s\nwant\n%s", patch, out, want)
		}
		t.Logf("%s:\n%s", patch, stats)
		got := sites(stats)
		// Inline: phase 0's hot target; the outline entries get
		// phase 1's (and, once the hot target no longer reaches
		// the stub, the cold 1/16).
		for fn, hot := range map[string]string{"apply": "op_add|op_sub", "dispatch": "op_mul|op_xor",
			"variadic": "vsum|", "fp": "dmul|", "method": "get_v|",
			"tail": "op_mul|op_xor", "tailmem": "op_sub|op_xor"} {
			inl, out, _ := strings.Cut(hot, "|")
			g, gout, _ := strings.Cut(got[fn], "|")
			if g != inl || !strings.Contains(gout, out) {
				t.Errorf("%s: site in %s: promoted %q, outline %q; want %q and %q among the outline", patch, fn, g, gout, inl, out)
			}
		}
		sum := summaryRe.FindStringSubmatch(stats)
		if sum == nil || sum[1] != "7" {
			t.Errorf("%s: summary %q, want 7 sites", patch, sum)
		}
		if m := syncRe.FindStringSubmatch(stats); m == nil || m[1] != m[2] {
			t.Errorf("%s: not one membarrier SYNC_CORE per batch:\n%s", patch, stats)
		}
		if !strings.Contains(stats, map[string]string{"pwrite": " 0 mprotect runs", "mprotect": "(0 pwrite"}[patch]) {
			t.Errorf("%s: not patched that way:\n%s", patch, stats)
		}
	}

	out, stats := runStats(t, []string{"OPTPOLINE=off"}, prog)
	if out != want || stats != "" {
		t.Errorf("OPTPOLINE=off: output\n%s\nstderr\n%s", out, stats)
	}

	out, stats = runStats(t, append([]string{"OPTPOLINE=learn"}, fast...), prog, "fork")
	if out != wantFork {
		t.Errorf("fork: output\n%s\nwant\n%s", out, wantFork)
	}
	m := regexp.MustCompile(`child: filled (\d+) slots, (\d+) sync_core`).FindStringSubmatch(stats)
	if m == nil {
		t.Fatalf("fork: no child report:\n%s", stats)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Errorf("fork: the child's promoter filled %d slots, want ≥ 2 (op_sub, op_xor)", n)
	}
	// The child registers membarrier for its own mm.
	if n, _ := strconv.Atoi(m[2]); n < 1 {
		t.Errorf("fork: no membarrier SYNC_CORE in the child")
	}
}

func TestStress(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	for _, thunk := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "thunk"}[thunk]
		t.Run(name, func(t *testing.T) {
			prog, _ := program(t, t.TempDir(), "stress", objs, thunk)
			out, stats := runStats(t, []string{"OPTPOLINE=stats", "OPTPOLINE_PERIOD_MS=1", "OPTPOLINE_THRESHOLD=8", "OPTPOLINE_MIN_SHARE=5"}, prog, "2000")
			t.Logf("%s%s", out, stats[:strings.IndexByte(stats, '\n')+1])
			if !regexp.MustCompile(` wrong 0 .* handler calls [1-9]`).MatchString(out) {
				t.Errorf("wrong dispatches: %s", out)
			}
			sum := summaryRe.FindStringSubmatch(stats)
			if sum == nil {
				t.Fatalf("no stats:\n%s", stats)
			}
			// Every 10 ms the program drops all promotions with its
			// workers parked, so the promoter patches throughout the run.
			resets := regexp.MustCompile(`resets (\d+)`).FindStringSubmatch(out)
			if r, _ := strconv.Atoi(resets[1]); r < 50 {
				t.Errorf("%d resets, want ≥ 50", r)
			}
			// At least ten rounds of all 32 sites promoted while
			// the workers call. (Not one round per reset: on a
			// loaded machine the promoter, 1 ms period, may not
			// reach every site within a 10 ms reset interval;
			// a run at load 8 made 1,517 in 207 resets.)
			if p, _ := strconv.Atoi(sum[3]); p < 32*10 {
				t.Errorf("%s inline promotions, want ≥ 32 × 10", sum[3])
			}
		})
	}
}

// callCosts builds testdata/bench.c (retpolines, the runtime, four outline
// entries) and returns its ns/call figures, measured side by side in one
// process: direct call, predicted call *%reg, retpoline, promoted inline
// hit, outline hit, a miss (4 compares, the learning stub with learning
// off, the retpoline) and a miss while learning (another run, nothing
// promoted); plus "promoted" and "outlined", the sites the warm-up filled.
func callCosts(t testing.TB) (map[string]float64, string) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	prog, _ := programCfg(t, t.TempDir(), "bench", objs, true, passes.Config{Outline: 4, SkipFunctions: []string{"ref_*"}})
	env := []string{"OPTPOLINE_PERIOD_MS=1000000"}
	out, _ := runStats(t, env, prog)
	learn, _ := runStats(t, env, prog, "learn")
	out += learn
	v := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i += 2 {
			v[f[i]], _ = strconv.ParseFloat(f[i+1], 64)
		}
	}
	if v["promoted"] != 3 || v["outlined"] != 2 {
		t.Fatalf("bench sites not promoted as planned:\n%s", out)
	}
	return v, out
}

// TestBench checks the call benchmark's sites are promoted as planned and
// that a promoted hit (inline or outline) beats a retpoline; the figures
// themselves are BenchmarkCalls's.
func TestBench(t *testing.T) {
	v, out := callCosts(t)
	t.Logf("ns/call:\n%s", out)
	if v["hit"] >= v["retpoline"] || v["outline"] >= v["retpoline"] {
		t.Errorf("a promoted hit is not faster than a retpoline:\n%s", out)
	}
}

// BenchmarkCalls reports ns/call of each kind (one process, side by side)
// and the ratios against a direct call; with OPTPOLINE_BENCH_JSON=FILE it
// also writes them there (make bench: bench-results/calls.json).
func BenchmarkCalls(b *testing.B) {
	var v map[string]float64
	for range b.N {
		v, _ = callCosts(b)
	}
	kinds := []string{"direct", "indirect", "retpoline", "hit", "outline", "miss", "learning"}
	type row struct {
		Kind     string  `json:"kind"`
		NsCall   float64 `json:"ns_per_call"`
		VsDirect float64 `json:"vs_direct"`
	}
	var rows []row
	for _, k := range kinds {
		b.ReportMetric(v[k], "ns/"+k)
		rows = append(rows, row{k, v[k], v[k] / v["direct"]})
	}
	b.ReportMetric(v["hit"]/v["direct"], "hit/direct")
	if path := os.Getenv("OPTPOLINE_BENCH_JSON"); path != "" {
		data, _ := json.MarshalIndent(map[string]any{"bench": "calls", "unit": "ns/call", "goal_hit_vs_direct": 1.25, "rows": rows}, "", "  ")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// markupAsm compiles src to assembly with flags, marks it up with its
// placeholders pointed at the learning stubs and returns the .s path.
func markupAsm(t *testing.T, dir, src string, flags []string, cfg passes.Config) string {
	t.Helper()
	inc, _ := filepath.Abs("src")
	base := strings.TrimSuffix(filepath.Base(src), ".c")
	asm := filepath.Join(dir, base+".s")
	run(t, "", "gcc", append(append([]string{}, flags...), "-DOPTPOLINE_RT", "-I", inc, "-S", "-o", asm, src)...)
	in, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cfg.Runtime = true
	if _, err := markup.File(asm, in, cfg, &out); err != nil {
		t.Fatal(err)
	}
	marked := filepath.Join(dir, base+".opt.s")
	if err := os.WriteFile(marked, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return marked
}

// TestDlopen loads, uses and unloads a marked-up shared object twice: its
// constructor registers its table with the executable's registry, the
// promoter patches its site, dlclose unregisters it; main's site, whose
// target lies in the shared object, is out of reach and stays on its
// fallback.
func TestDlopen(t *testing.T) {
	dir := t.TempDir()
	objs := buildRuntime(t, "gcc", dir)
	cfg := passes.Config{Outline: 4}
	flags := []string{"-O2", "-fPIC", "-Wall", "-Wextra", "-Werror"}
	lib := filepath.Join(dir, "dllib.so")
	run(t, "", "gcc", append([]string{"-shared", "-o", lib, markupAsm(t, dir, "testdata/dllib.c", flags, cfg)}, objs...)...)
	prog := filepath.Join(dir, "dlmain")
	run(t, "", "gcc", append([]string{"-rdynamic", "-pthread", "-o", prog, markupAsm(t, dir, "testdata/dlmain.c", flags, cfg)}, append(objs, "-ldl")...)...)
	ref := filepath.Join(dir, "dlmain.ref")
	plainLib := filepath.Join(dir, "plain.so")
	run(t, "", "gcc", "-O2", "-fPIC", "-shared", "-o", plainLib, "testdata/dllib.c")
	run(t, "", "gcc", "-O2", "-o", ref, "testdata/dlmain.c", "-ldl")
	want := run(t, "", ref, plainLib)

	out, stats := runStats(t, append([]string{"OPTPOLINE=stats"}, fast...), prog, lib)
	t.Logf("%s%s", out, stats)
	if out != want {
		t.Fatalf("output\n%s\nwant\n%s", out, want)
	}
	if n := strings.Count(stats, "promoted lib_inc"); n != 2 {
		t.Errorf("lib_site promoted to lib_inc in %d of 2 rounds", n)
	}
	if !regexp.MustCompile(`site main_site\+0x[0-9a-f]+ .*far [1-9]\d*, promoted -`).MatchString(stats) {
		t.Errorf("main_site's target is out of reach and must stay on the fallback")
	}
	locs := summaryRe.FindAllStringIndex(stats, -1)
	if len(locs) != 3 {
		t.Fatalf("%d stats reports, want 3 (two rounds, exit)", len(locs))
	}
	// After dlclose: main_site and main's two calls through lib_run.
	if last := stats[locs[2][0]:]; !strings.HasPrefix(last, "optpoline: 3 sites") || strings.Contains(last, "lib_site") {
		t.Errorf("lib_site still registered after dlclose:\n%s", last)
	}
}

// TestAsyncUnwind interrupts the miss path (outline block, learning stub,
// retpoline thunk) with a 20 kHz timer and unwinds to main from the
// signal handler every time: the stubs' and thunks' CFI is right.
func TestAsyncUnwind(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	for _, thunk := range []bool{false, true} {
		prog, _ := program(t, t.TempDir(), "unwind", objs, thunk)
		// Nothing is promoted: every call takes the miss path.
		_, stats := runStats(t, []string{"OPTPOLINE=learn", "OPTPOLINE_THRESHOLD=4000000000"}, prog, "1000")
		t.Logf("thunk=%v: %s", thunk, stats)
		m := regexp.MustCompile(`samples (\d+) in_stub (\d+) in_thunk (\d+) lost (\d+)`).FindStringSubmatch(stats)
		if m == nil {
			t.Fatalf("no report: %s", stats)
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		if n(1) < 1000 || n(2) == 0 || n(4) != 0 {
			t.Errorf("thunk=%v: %d samples, %d in stubs, %d in thunks, %d did not unwind to main", thunk, n(1), n(2), n(3), n(4))
		}
	}
}

// TestGDB takes backtraces with gdb from inside the learning stub, an
// outline block and a callee reached through a promoted site: each shows
// the calling function and main.
func TestGDB(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	for _, thunk := range []bool{false, true} {
		prog, _ := program(t, t.TempDir(), "calls", objs, thunk)
		stub := map[bool]string{false: "__optpoline_learn_rax", true: "__optpoline_learn_thunk_rax"}[thunk]
		out := runEnv(t, "", append([]string{"OPTPOLINE=stats"}, fast...), "gdb", "-batch", "-nx",
			"-ex", "set startup-with-shell off",
			"-ex", "break "+stub, "-ex", "run", "-ex", "bt", "-ex", "delete",
			"-ex", "break 'optpoline.out.0'", "-ex", "continue", "-ex", "bt", "-ex", "delete",
			// Late enough that op_add is promoted at apply's site.
			"-ex", "break op_add", "-ex", "ignore 3 5000", "-ex", "continue", "-ex", "bt",
			"-ex", "frame 1", "-ex", "x/i $pc-5", "-ex", "kill", prog)
		// The promoted hit call, patched to op_add.
		if !regexp.MustCompile(`(?m)^=?>? *0x[0-9a-f]+ <apply\+\d+>:\s+call\s+0x[0-9a-f]+ <op_add>$`).MatchString(out) {
			t.Errorf("thunk=%v: op_add not reached through the patched hit call:\n%s", thunk, out)
		}
		bts := regexp.MustCompile(`(?m)^#0 .*\n(?:#\d.*\n)*`).FindAllString(out, -1)
		if len(bts) != 3 {
			t.Fatalf("thunk=%v: %d backtraces, want 3:\n%s", thunk, len(bts), out)
		}
		// gdb shows optpoline.out.0 as "optpoline.out".
		for i, first := range []string{stub, "optpoline.out", "op_add"} {
			bt := bts[i]
			if !strings.Contains(strings.SplitN(bt, "\n", 2)[0], first) ||
				!regexp.MustCompile(`(?m)^#1 .* in (apply|dispatch|variadic|fp|method) `).MatchString(bt) ||
				!regexp.MustCompile(`(?m)^#\d+ .* in main `).MatchString(bt) {
				t.Errorf("thunk=%v: backtrace %d from %s:\n%s", thunk, i, first, bt)
			}
		}
	}
}

// TestNoOutline runs the calls program marked up with --outline=0: the
// inline fallback calls the learning stub directly, and the hot targets
// are promoted inline.
func TestNoOutline(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	for _, thunk := range []bool{false, true} {
		prog, ref := programCfg(t, t.TempDir(), "calls", objs, thunk, passes.Config{Outline: 0})
		out, stats := runStats(t, append([]string{"OPTPOLINE=stats"}, fast...), prog)
		if want := run(t, "", ref); out != want {
			t.Fatalf("thunk=%v: output\n%s\nwant\n%s", thunk, out, want)
		}
		got := sites(stats)
		for fn, hot := range map[string]string{"apply": "op_add|", "dispatch": "op_mul|", "variadic": "vsum|", "fp": "dmul|", "method": "get_v|"} {
			if got[fn] != hot {
				t.Errorf("thunk=%v: site in %s: promoted|outline %q, want %q\n%s", thunk, fn, got[fn], hot, stats)
			}
		}
	}
}

// TestPeriodicMisses runs periodic miss patterns at a sampling rate far
// below 1 in 2 (testdata/periodic.c): a sampler that takes every 2^k-th
// miss sees one phase of them, so a 64-target site looks monomorphic
// (its samples all name the same target) and the site that misses in the
// other phase is never seen. The samples must show the real mix: the
// megamorphic site stays unpromoted and the monomorphic one is promoted.
func TestPeriodicMisses(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	prog, ref := programCfg(t, t.TempDir(), "periodic", objs, true, passes.Config{Outline: 4})
	out, stats := runStats(t, append([]string{"OPTPOLINE=stats"}, fast...), prog)
	if want := run(t, "", ref); out != want {
		t.Fatalf("output\n%s\nwant\n%s", out, want)
	}
	got := sites(stats)
	if got["mono"] != "mono_target|" {
		t.Errorf("site in mono: promoted|outline %q, want %q\n%s", got["mono"], "mono_target|", stats)
	}
	if got["mega"] != "" {
		t.Errorf("site in mega: promoted|outline %q, want nothing (no target reaches the minimum share)\n%s", got["mega"], stats)
	}
}

// TestExceptions throws C++ exceptions from callees of promoted and
// outline sites and of the miss path, caught in the site's function and
// in its caller.
func TestExceptions(t *testing.T) {
	dir := t.TempDir()
	objs := buildRuntime(t, "gcc", dir)
	src, _ := filepath.Abs("testdata/exc.cc")
	for _, thunk := range []bool{false, true} {
		flags := []string{"-O2", "-Wall", "-Wextra", "-Werror"}
		if thunk {
			flags = append(flags, gccThunk...)
		}
		ref := filepath.Join(dir, "exc.ref")
		run(t, "", "g++", "-O2", "-o", ref, src)
		want := run(t, "", ref)
		asm := filepath.Join(dir, "exc.s")
		run(t, "", "g++", append(flags, "-S", "-o", asm, src)...)
		in, err := os.ReadFile(asm)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := markup.File(asm, in, passes.Config{Outline: 4, Runtime: true}, &b); err != nil {
			t.Fatal(err)
		}
		marked := filepath.Join(dir, "exc.opt.s")
		if err := os.WriteFile(marked, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		prog := filepath.Join(dir, "exc")
		run(t, "", "g++", append([]string{"-O2", "-pthread", "-rdynamic", "-o", prog, marked}, objs...)...)
		out, stats := runStats(t, append([]string{"OPTPOLINE=stats"}, fast...), prog)
		if out != want {
			t.Errorf("thunk=%v: output %q, want %q", thunk, out, want)
		}
		got := sites(stats)
		// site catches; outer's caller does, through outer's site.
		for _, fn := range []string{"_Z4sitePFllEl", "_Z5outerPFllEl"} {
			if !strings.HasPrefix(got[fn], "_Z3ok1l|") || !strings.Contains(got[fn], "_Z7throwerl") {
				t.Errorf("thunk=%v: %s's site not promoted to ok1 with thrower in its outline:\n%s", thunk, fn, stats)
			}
		}
	}
}
