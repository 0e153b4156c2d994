package demo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/demo"
)

// TestRun builds the demo four ways with the real gcc and the optpoline
// binary, runs them, and checks the figures are consistent: every build
// prints the same checksum, retpolines cost time, and optpoline gets
// some of it back, learned at run time and from a profile (the static
// build patches nothing). The speed goals themselves live in make demo's output
// and BENCHMARKS, not here.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "optpoline")
	if out, err := exec.Command("go", "build", "-o", exe, "github.com/optpoline/optpoline/cmd/optpoline").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var lines []string
	res, err := demo.Run(demo.Options{Exe: exe, Dir: filepath.Join(dir, "b"), Runs: 3, Scale: 100,
		Progress: func(s string) { lines = append(lines, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kinds) != 4 || len(lines) < 6+12 {
		t.Fatalf("kinds %d, progress lines %d", len(res.Kinds), len(lines))
	}
	if !strings.HasPrefix(res.Kinds[0].Checked, "checksum ") {
		t.Errorf("output %q", res.Kinds[0].Checked)
	}
	plain, ret, opt, st := res.Kinds[0].Median, res.Kinds[1].Median, res.Kinds[2].Median, res.Kinds[3].Median
	t.Logf("plain %v, retpoline %v, optpoline %v, static %v, recovered %.0f%%, static %.0f%%", plain, ret, opt, st, 100*res.Recovered, 100*res.RecoveredStatic)
	if ret <= plain || opt >= ret || st >= ret || res.RecoveredStatic <= 0 {
		t.Errorf("plain %v, retpoline %v, optpoline %v, static %v: want retpoline slowest", plain, ret, opt, st)
	}
	if res.Kinds[3].Name != demo.StaticKind || res.Kinds[3].Checked != res.Kinds[0].Checked {
		t.Errorf("%s printed %q, plain %q", res.Kinds[3].Name, res.Kinds[3].Checked, res.Kinds[0].Checked)
	}
	// The static build's three sites are STATIC: nothing to patch.
	cmd := exec.Command(filepath.Join(dir, "b", "static"), "100")
	cmd.Env = append(os.Environ(), "OPTPOLINE=stats")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "3 sites") ||
		!strings.Contains(string(out), "3 static, 0 batches (0 pwrite, 0 mprotect runs") {
		t.Errorf("static, OPTPOLINE=stats: %v\n%s", err, out)
	}
	// The optpoline build carries sites and the runtime promoted them.
	cmd = exec.Command(filepath.Join(dir, "b", "optpoline"), "100")
	cmd.Env = append(os.Environ(), "OPTPOLINE=stats")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "3 sites") || !strings.Contains(string(out), "3 promoted") {
		t.Errorf("OPTPOLINE=stats: %v\n%s", err, out)
	}
	var b strings.Builder
	res.Report(&b, 3)
	if !strings.Contains(b.String(), "recovers") || !strings.Contains(b.String(), "retpoline + optpoline") {
		t.Errorf("report:\n%s", b.String())
	}
}
