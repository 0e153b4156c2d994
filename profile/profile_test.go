package profile_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/profile"
	optruntime "github.com/optpoline/optpoline/runtime"
)

func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// runtimeObjects builds the runtime from its embedded sources.
func runtimeObjects(t *testing.T, dir string) []string {
	t.Helper()
	if err := os.CopyFS(dir, optruntime.Sources); err != nil {
		t.Fatal(err)
	}
	var objs []string
	for _, o := range optruntime.Objects {
		obj := filepath.Join(dir, filepath.Base(o.Source)+".o")
		run(t, nil, "gcc", append(append(append([]string{}, optruntime.CFlags...), o.Flags...), "-c", "-o", obj, filepath.Join(dir, o.Source))...)
		objs = append(objs, obj)
	}
	return objs
}

// markedAsm compiles src with gcc and retpolines and marks it up for the runtime.
func markedAsm(t *testing.T, dir, src string, flags ...string) string {
	t.Helper()
	base := strings.TrimSuffix(filepath.Base(src), ".c")
	asm := filepath.Join(dir, base+".s")
	run(t, nil, "gcc", append([]string{"-O2", "-mindirect-branch=thunk-extern", "-mindirect-branch-register", "-S", "-o", asm, src}, flags...)...)
	in, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := markup.File(asm, in, passes.Config{Outline: 4, Runtime: true}, &out); err != nil {
		t.Fatal(err)
	}
	marked := filepath.Join(dir, base+".opt.s")
	if err := os.WriteFile(marked, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return marked
}

// build links testdata/prog.c (PIE) with testdata/lib.c (a shared object),
// both marked up and linked with the runtime.
func build(t *testing.T, dir string) string {
	t.Helper()
	objs := runtimeObjects(t, filepath.Join(dir, "rt"))
	lib := filepath.Join(dir, "libp.so")
	run(t, nil, "gcc", append([]string{"-shared", "-o", lib, markedAsm(t, dir, "testdata/lib.c", "-fPIC")}, objs...)...)
	prog := filepath.Join(dir, "prog")
	run(t, nil, "gcc", append([]string{"-pie", "-o", prog, markedAsm(t, dir, "testdata/prog.c", "-fPIE"), lib, "-Wl,-rpath," + dir,
		"-Wl,--export-dynamic-symbol=optpoline_*"}, objs...)...)
	return prog
}

func readDumps(t *testing.T, dir string) []*profile.Dump {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.dump"))
	var ds []*profile.Dump
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, p, err := profile.Parse(f, b)
		if err != nil || p != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ds = append(ds, d)
	}
	return ds
}

// TestExportMerge profiles a PIE and a shared object twice, exports each
// dump and both, and checks names, ordinals, counts (merged = sum) and
// the profile format's round trip.
func TestExportMerge(t *testing.T) {
	dir := t.TempDir()
	prog := build(t, dir)
	env := []string{"OPTPOLINE_PERIOD_MS=1"}
	d1, d2 := filepath.Join(dir, "d1"), filepath.Join(dir, "d2")
	out1 := run(t, append(env, "OPTPOLINE=profile="+d1), prog, "200000")
	out2 := run(t, append(env, "OPTPOLINE=profile="+d2), prog, "100000")
	if out1 == out2 {
		t.Fatalf("runs of different sizes print the same: %q", out1)
	}
	dumps1, dumps2 := readDumps(t, d1), readDumps(t, d2)
	// One file per module at its unregistration (the executable's and the
	// library's destructors run before the exit handler), or one at exit.
	if len(dumps1) == 0 || len(dumps2) == 0 {
		t.Fatalf("%d and %d dumps", len(dumps1), len(dumps2))
	}
	p1, rep, err := profile.Export(dumps1)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := profile.Export(dumps2)
	if err != nil {
		t.Fatal(err)
	}
	both, _, err := profile.Export(append(dumps1, dumps2...))
	if err != nil {
		t.Fatal(err)
	}
	var show bytes.Buffer
	p1.Show(&show, 10)
	t.Logf("report %+v\n%s", rep, show.String())

	apply := p1.Funcs[profile.FuncKey{File: "prog.c", Name: "apply"}]
	if apply == nil || apply.Local || apply.Sites != 1 || apply.Site[0] == nil || len(apply.Site[0].Targets) != 1 ||
		apply.Site[0].Targets[0] != (profile.Target{Name: "op_add", Local: true, File: "prog.c", Calls: apply.Site[0].Targets[0].Calls}) {
		t.Fatalf("apply: %+v", apply)
	}
	var disp *profile.Func
	for k, f := range p1.Funcs {
		if strings.HasPrefix(k.Name, "dispatch") {
			disp = f
		}
	}
	if disp == nil || !disp.Local || disp.Site[0] == nil || len(disp.Site[0].Targets) != 3 {
		t.Fatalf("dispatch: %+v", disp)
	}
	var names []string
	for _, tg := range disp.Site[0].Targets {
		names = append(names, tg.Name)
	}
	if !cmp.Equal(names, []string{"op_add", "op_sub", "op_mul"}) || disp.Site[0].Targets[2].Local {
		t.Errorf("dispatch's targets, hottest first: %v (op_mul global)", disp.Site[0].Targets)
	}
	// The shared object's site: its own inc is named; main's twice is in
	// another module.
	var each *profile.Func
	for k, f := range p1.Funcs {
		if k.File == "lib.c" {
			each = f
		}
	}
	if each == nil || len(each.Site[0].Targets) != 1 || each.Site[0].Targets[0].Name != "inc" || rep.OtherModule == 0 {
		t.Errorf("lib.c's site: %+v, calls to other modules %d", each, rep.OtherModule)
	}
	// Merged counts are sums.
	for k, f := range both.Funcs {
		for id, s := range f.Site {
			a, b := site(p1, k, id), site(p2, k, id)
			if s.Calls != a.Calls+b.Calls {
				t.Errorf("%s#%d: merged %d calls, %d + %d", k.Name, id, s.Calls, a.Calls, b.Calls)
			}
			for _, tg := range s.Targets {
				if tg.Calls != calls(a, tg.Name)+calls(b, tg.Name) {
					t.Errorf("%s#%d → %s: merged %d, %d + %d", k.Name, id, tg.Name, tg.Calls, calls(a, tg.Name), calls(b, tg.Name))
				}
			}
		}
	}
	// Merge of profiles is Export of both dumps.
	m := profile.New()
	if err := m.Merge(p1); err != nil {
		t.Fatal(err)
	}
	if err := m.Merge(p2); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(both, m); d != "" {
		t.Errorf("Merge(p1, p2) differs from Export(d1, d2):\n%s", d)
	}
	// Round trip.
	var b bytes.Buffer
	if err := both.Write(&b); err != nil {
		t.Fatal(err)
	}
	_, back, err := profile.Parse("p.prof", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if d := cmp.Diff(both, back); d != "" {
		t.Errorf("round trip:\n%s\n%s", d, b.String())
	}
	// A rebuilt binary no longer matches the dump's build-id.
	run(t, nil, "gcc", "-O2", "-o", prog, "testdata/prog.c", filepath.Join(dir, "libp.so"))
	if _, _, err := profile.Export(dumps1); err == nil || !strings.Contains(err.Error(), ": error: ") || !strings.Contains(err.Error(), "build-id") {
		t.Errorf("export after a rebuild: %v", err)
	}
}

// site is function k's site id in p, or an empty one.
func site(p *profile.Profile, k profile.FuncKey, id int) *profile.Site {
	if f := p.Funcs[k]; f != nil && f.Site[id] != nil {
		return f.Site[id]
	}
	return &profile.Site{}
}

func calls(s *profile.Site, name string) uint64 {
	for _, t := range s.Targets {
		if t.Name == name {
			return t.Calls
		}
	}
	return 0
}

// TestParseErrors: bad input is reported as FILE:LINE: error.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hello\n", `x:1: error: not an optpoline dump or profile`},
		{"# c\n\noptpoline profile 2\nend\n", `x:3: error: profile version 2, this optpoline reads version 1`},
		{"optpoline profile 1\nfunc \"f\" global file \"a.c\" sites 1\n\tsite 0 calls 5\n", `x:4: error: `},
		{"optpoline profile 1\nfunc \"f\" global file \"a.c\" sites 1\n\tsite 1 calls 5\nend\n", `x:3: error: site 1 of f, which has 1 sites`},
		{"optpoline profile 1\nfunc \"f\" global file \"a.c\" sites 1\n\tsite 0 calls 5\n\t\ttarget \"g\" hidden calls 1\nend\n", `x:4: error: `},
		{"optpoline profile 1\nfunc \"f\" global file \"a.c\" sites 1\n\tsite 0 calls 99999999999999999999\nend\n", `x:3: error: 99999999999999999999: not a 64-bit unsigned number`},
		{"optpoline profile 1\nfunc \"f\" global file \"a.c\" sites 1\nfunc \"f\" global file \"a.c\" sites 2\nend\n", `x:3: error: function f (a.c) has 2 sites here and 1 in another input`},
		{"optpoline dump 1\npid 1\nsite 0 0x10 id 0 flags 0 file \"a.c\" samples 1 calls 1\nend\n", `x:3: error: module 0 is not defined before its use`},
		{"optpoline dump 1\nmodule 0 \"a\" build-id \"\"\nmodule 0 \"b\" build-id \"\"\nend\n", `x:3: error: module 0 is defined twice`},
		{"optpoline dump 1\nmodule 0 \"a\nend\n", `x:2: error: `},
		{"optpoline dump 1\nsite - 0x10 id 0 flags 0x100 file \"a.c\" samples 1 calls 1\nend\n", `x:2: error: 0x100: not a 8-bit unsigned number`},
	} {
		_, _, err := profile.Parse("x", []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestDispatchProfile profiles a computed-goto interpreter built with
// learned dispatch sites (testdata/vm.c: run has a dispatch site and a
// call site), exports the dump, checks the dispatch record (label set
// size, the hot labels' shares; the function's "sites" counts its call
// site only), rebuilds with the profile and checks that the funnel starts
// with the hottest label and that the program still prints what gcc's
// build prints.
func TestDispatchProfile(t *testing.T) {
	dir := t.TempDir()
	objs := runtimeObjects(t, filepath.Join(dir, "rt"))
	asm := filepath.Join(dir, "vm.s")
	run(t, nil, "gcc", "-O2", "-fPIE", "-mindirect-branch=thunk-extern", "-mindirect-branch-register", "-S", "-o", asm, "testdata/vm.c")
	src, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	// build marks src up with cfg, links it and returns the program and
	// the markup's output.
	build := func(name string, cfg passes.Config) (string, *markup.Results, string) {
		var out bytes.Buffer
		res, err := markup.FileAll(asm, src, cfg, &out)
		if err != nil {
			t.Fatal(err)
		}
		marked := filepath.Join(dir, name+".s")
		if err := os.WriteFile(marked, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		prog := filepath.Join(dir, name)
		run(t, nil, "gcc", append([]string{"-pie", "-o", prog, marked, "-Wl,--export-dynamic-symbol=optpoline_*"}, objs...)...)
		return prog, res, out.String()
	}
	learned, res, _ := build("learned", passes.Config{Outline: 4, Runtime: true, Dispatch: passes.DispatchLearned})
	nd := res.Dispatch.Learned // gcc may duplicate the computed goto
	if nd == 0 || res.Dispatch.Funnels != 0 {
		t.Fatalf("learned build: %s", res.Dispatch.Summary())
	}
	d := filepath.Join(dir, "dumps")
	got := run(t, []string{"OPTPOLINE_PERIOD_MS=1", "OPTPOLINE=profile=" + d}, learned, "20000")
	want := run(t, nil, "sh", "-c", "gcc -O2 -o "+filepath.Join(dir, "plain")+" testdata/vm.c && "+filepath.Join(dir, "plain")+" 20000")
	if got != want {
		t.Fatalf("learned build prints %q, gcc's %q", got, want)
	}
	p, rep, err := profile.Export(readDumps(t, d))
	if err != nil {
		t.Fatal(err)
	}
	fn := p.Funcs[profile.FuncKey{File: "vm.c", Name: "run"}]
	if fn == nil || fn.Sites != 1 || len(fn.Dispatch) == 0 || rep.Dispatch != len(fn.Dispatch) {
		t.Fatalf("run: %+v, report %+v", fn, rep)
	}
	// Over every dispatch site of run: 20000 runs of 100 opcodes and a
	// halt: xor 60%, inc 30%, hook 10% of the opcodes.
	all := map[int]uint64{}
	var total uint64
	hot := map[int]int{} // dispatch ordinal → its hottest label
	for id, dp := range fn.Dispatch {
		if dp.Labels != 6 {
			t.Fatalf("dispatch site %d of run: %d labels, want 6", id, dp.Labels)
		}
		hot[id] = -1
		for k, n := range dp.Label {
			all[k] += n
			total += n
			if hot[id] < 0 || n > dp.Label[hot[id]] {
				hot[id] = k
			}
		}
	}
	var shares []float64
	for _, n := range all {
		shares = append(shares, float64(n)/float64(total))
	}
	slices.Sort(shares)
	slices.Reverse(shares)
	if len(shares) < 3 || len(shares) > 4 || shares[0] < 0.5 || shares[0] > 0.7 || shares[1] < 0.2 || shares[1] > 0.4 {
		t.Fatalf("run's labels: shares %v (%+v)", shares, fn.Dispatch)
	}
	// Round trip of the dispatch record.
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	_, back, err := profile.Parse("p.prof", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if d := cmp.Diff(p, back); d != "" {
		t.Errorf("round trip:\n%s\n%s", d, b.String())
	}
	// Rebuilt with the profile: a funnel whose first compare is the hot label.
	funnel, res, out := build("funnel", passes.Config{Outline: 4, Runtime: true, Profile: back})
	if res.Dispatch.Funnels != nd || res.Dispatch.Profiled != len(hot) || len(res.Calls.Warnings) != 0 {
		t.Fatalf("profiled build: %s, warnings %v", res.Dispatch.Summary(), res.Calls.Warnings)
	}
	t.Logf("hottest labels by dispatch site %v; profile:\n%s", hot, b.String())
	for id, k := range hot {
		// One function: its dispatch site #id is the file's site id.
		first := fmt.Sprintf(".Lopt_dsite_%d:\n\tcmpq\t.Lopt_dlab_0_%d(%%rip)", id, k)
		if !strings.Contains(out, first) {
			i := strings.Index(out, fmt.Sprintf(".Lopt_dsite_%d:", id))
			t.Errorf("funnel %d does not start with label %d, the hottest:\n%s", id, k, out[max(i, 0):min(len(out), max(i, 0)+200)])
		}
	}
	if got := run(t, nil, funnel, "20000"); got != want {
		t.Errorf("profiled funnel build prints %q, gcc's %q", got, want)
	}
}
