package demo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/demo"
)

// TestRun builds the demo three ways with the real gcc and the optpoline
// binary, runs them, and checks the figures are consistent: every build
// prints the same checksum, retpolines cost time, and optpoline gets
// some of it back. The speed goals themselves live in make demo's output
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
	if len(res.Kinds) != 3 || len(lines) < 3+9 {
		t.Fatalf("kinds %d, progress lines %d", len(res.Kinds), len(lines))
	}
	if !strings.HasPrefix(res.Kinds[0].Checked, "checksum ") {
		t.Errorf("output %q", res.Kinds[0].Checked)
	}
	plain, ret, opt := res.Kinds[0].Median, res.Kinds[1].Median, res.Kinds[2].Median
	t.Logf("plain %v, retpoline %v, optpoline %v, recovered %.0f%%", plain, ret, opt, 100*res.Recovered)
	if ret <= plain || opt >= ret {
		t.Errorf("plain %v, retpoline %v, optpoline %v: want retpoline slowest", plain, ret, opt)
	}
	// The optpoline build carries sites and the runtime promoted them.
	cmd := exec.Command(filepath.Join(dir, "b", "optpoline"), "100")
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
