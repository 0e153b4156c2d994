package optruntime_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/e2e"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
)

// dispatchProgram marks up asm (a .s file) with cfg, links it with the C
// sources and the runtime's objects and checks its table; it returns the
// program and the dispatch sites' count.
func dispatchProgram(t *testing.T, dir, name, asm string, cfg passes.Config, objs []string, csrc ...string) (string, int) {
	t.Helper()
	in, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := markup.FileAll(asm, in, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Dispatch.Sites) == 0 {
		t.Fatalf("%s: no dispatch sites (%s)", name, res.Dispatch.Summary())
	}
	marked := filepath.Join(dir, name+".s")
	if err := os.WriteFile(marked, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, name)
	args := append([]string{"-O2", "-pthread", "-rdynamic", "-o", prog, marked}, csrc...)
	run(t, "", "gcc", append(args, objs...)...)
	rep, err := e2e.VerifyBinary(prog)
	if err != nil {
		t.Fatal(err)
	}
	n := len(res.Dispatch.Sites) + len(res.Calls.Sites)
	if len(rep.Problems) > 0 || rep.Entries != n || rep.ByFlag["dispatch"] != len(res.Dispatch.Sites) {
		t.Fatalf("%s: %d entries (%d dispatch) for %d sites; table problems:\n%s", name, rep.Entries, rep.ByFlag["dispatch"], n, strings.Join(rep.Problems, "\n"))
	}
	return prog, len(res.Dispatch.Sites)
}

var dispatchLine = regexp.MustCompile(`(?m)^optpoline: site walk\+0x[0-9a-f]+ .*misses (\d+).*promoted -(?:, outline (.*))?$`)

// TestDispatchOutsideSet runs testdata/outside.s, whose two thunk jumps
// have the label set {.La, .Lb, .Lc} while 40% of the second's targets are
// walk_out, a label outside the set: the funnel and the learned entries
// must send it through the fallback. Learned, the runtime promotes the
// hot labels of the set into the first site's entries and never walk_out
// (a target outside the set is never promoted, however hot).
func TestDispatchOutsideSet(t *testing.T) {
	dir := t.TempDir()
	objs := buildRuntime(t, "gcc", t.TempDir())
	asm, _ := filepath.Abs("testdata/outside.s")
	main, _ := filepath.Abs("testdata/outside.c")
	for _, strat := range []passes.Dispatch{passes.DispatchFunnel, passes.DispatchLearned} {
		cfg := passes.Config{Outline: 4, Runtime: true, Dispatch: strat}
		prog, n := dispatchProgram(t, dir, "outside-"+strat.String(), asm, cfg, objs, main)
		if n != 2 {
			t.Errorf("%s: %d dispatch sites, want 2", strat, n)
		}
		for _, env := range [][]string{{"OPTPOLINE=off"}, append([]string{"OPTPOLINE=stats"}, fast...)} {
			out, stats := runStats(t, env, prog, "3000")
			if !strings.HasPrefix(out, "ok ") {
				t.Fatalf("%s %v: %s%s", strat, env, out, stats)
			}
			if env[0] != "OPTPOLINE=stats" {
				continue
			}
			if strings.Contains(stats, "walk_out") {
				t.Errorf("%s: walk_out, outside the label set, was promoted:\n%s", strat, stats)
			}
			lines := dispatchLine.FindAllStringSubmatch(stats, -1)
			if strat == passes.DispatchFunnel {
				if len(lines) != 0 {
					t.Errorf("funnel: sites reported as learning:\n%s", stats)
				}
				continue
			}
			promoted := 0
			for _, l := range lines {
				promoted += strings.Count(l[2], "walk+")
			}
			if len(lines) != 2 || promoted != 3 {
				t.Errorf("learned: %d dispatch sites with misses, %d labels promoted; want 2 and 3 (.La .Lb .Lc):\n%s", len(lines), promoted, stats)
			}
			t.Logf("learned:\n%s", stats)
		}
	}
}

// TestDispatchInterpreter builds the corpus's computed-goto interpreter
// (testdata/c/cgoto.c) with gcc retpolines, both strategies, and runs it
// like the plain build.
func TestDispatchInterpreter(t *testing.T) {
	dir := t.TempDir()
	objs := buildRuntime(t, "gcc", t.TempDir())
	src, _ := filepath.Abs("../testdata/c/cgoto.c")
	ref := filepath.Join(dir, "ref")
	run(t, "", "gcc", "-O2", "-o", ref, src)
	want := run(t, "", ref)
	asm := filepath.Join(dir, "cgoto.s")
	run(t, "", "gcc", append([]string{"-O2", "-S", "-o", asm, src}, gccThunk...)...)
	for _, strat := range []passes.Dispatch{passes.DispatchFunnel, passes.DispatchLearned} {
		cfg := passes.Config{Outline: 4, Runtime: true, Dispatch: strat}
		prog, _ := dispatchProgram(t, dir, "cgoto-"+strat.String(), asm, cfg, objs)
		for _, env := range [][]string{{"OPTPOLINE=off"}, append([]string{"OPTPOLINE=stats"}, fast...)} {
			if out, stats := runStats(t, env, prog); out != want {
				t.Errorf("%s %v: output\n%s\nwant\n%s\n%s", strat, env, out, want, stats)
			}
		}
	}
}
