// Package demo builds a bundled interpreter-like C program (src/prog.c:
// a bytecode VM dispatching through a handler table, a sort with a
// comparator callback, an event bus with listener callbacks) four ways
// with the system's gcc, runs each several times and reports the median
// times: plain, with retpolines, with retpolines + optpoline (the runtime
// learns each site's hot targets and patches them in), and with
// retpolines + optpoline from a profile (the learned build is run once
// with OPTPOLINE=profile=DIR, the profile exported and the program rebuilt
// with optpoline cc --optpoline-profile; it runs with OPTPOLINE=off: no
// code is patched at run time).
package demo

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	optruntime "github.com/optpoline/optpoline/runtime"
)

//go:embed src/prog.c
var program []byte

// Options configure a run.
type Options struct {
	Exe   string // the optpoline executable (for "optpoline cc")
	CC    string // the C compiler, "gcc" by default
	Dir   string // where to build; a temporary directory when ""
	Runs  int    // runs of each build (median taken)
	Scale int    // the program's work scale
	// Progress, when set, receives a one-line status while building and
	// running.
	Progress func(string)
}

// A Kind is one way of building the program.
type Kind struct {
	Name    string
	Times   []time.Duration
	Median  time.Duration
	Checked string // the program's output
}

// Result is what the demo measured.
type Result struct {
	Kinds []*Kind // plain, retpoline, retpoline + optpoline, … (static profile)
	// Recovered is the share of the retpoline overhead that optpoline
	// gives back: (t_retpoline − t_optpoline) / (t_retpoline − t_plain);
	// RecoveredStatic the same for the statically promoted build.
	Recovered, RecoveredStatic float64
}

// StaticKind is the name of the statically promoted build.
const StaticKind = "retpoline + optpoline (static profile)"

var retpoline = []string{"-mindirect-branch=thunk-extern", "-mindirect-branch-register"}

// Run builds and runs the program.
func Run(o Options) (*Result, error) {
	if o.CC == "" {
		o.CC = "gcc"
	}
	if o.Runs <= 0 {
		o.Runs = 5
	}
	if o.Scale <= 0 {
		o.Scale = 300
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string) {}
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "optpoline-demo-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	src := filepath.Join(dir, "prog.c")
	if err := os.WriteFile(src, program, 0o644); err != nil {
		return nil, err
	}
	thunks, err := optruntime.Sources.ReadFile("src/thunks.S")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "thunks.S"), thunks, 0o644); err != nil {
		return nil, err
	}
	prof := filepath.Join(dir, "profile")
	os.RemoveAll(prof)
	builds := []struct {
		kind string
		argv []string
		env  []string
	}{
		{"plain", []string{o.CC, "-O2", "-o", "plain", "prog.c"}, nil},
		{"retpoline", append(append([]string{o.CC, "-O2"}, retpoline...), "-o", "retpoline", "prog.c", "thunks.S"), nil},
		{"retpoline + optpoline", append(append([]string{o.Exe, "cc", o.CC, "-O2"}, retpoline...), "-o", "optpoline", "prog.c"), nil},
		// Learn once (a tenth of the work is plenty of samples), export,
		// rebuild with the profile.
		{"", []string{"./optpoline", strconv.Itoa(max(1, o.Scale/10))}, []string{"OPTPOLINE=profile=" + prof}},
		{"", []string{o.Exe, "profile", "export", "-o", "prog.prof", prof}, nil},
		{StaticKind, append(append([]string{o.Exe, "cc", "--optpoline-profile=prog.prof", o.CC, "-O2"}, retpoline...), "-o", "static", "prog.c"), nil},
	}
	res := &Result{}
	for _, b := range builds {
		what := "building " + b.kind
		if b.kind == "" {
			what = "profiling"
		}
		progress(fmt.Sprintf("%s: %s%s", what, strings.Join(b.env, " "), strings.Join(append([]string{filepath.Base(b.argv[0])}, b.argv[1:]...), " ")))
		cmd := exec.Command(b.argv[0], b.argv[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), b.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", what, err, out)
		}
		if b.kind == StaticKind && len(out) > 0 {
			// Stale-profile warnings: the profile was taken from this very source.
			return nil, fmt.Errorf("%s: %s", what, out)
		}
		if b.kind != "" {
			res.Kinds = append(res.Kinds, &Kind{Name: b.kind})
		}
	}
	bins := []string{"plain", "retpoline", "optpoline", "static"}
	// The static build runs with the runtime off: nothing is patched.
	envs := [][]string{nil, nil, nil, {"OPTPOLINE=off"}}
	// In turn, A B C A B C …, so that drift in the machine's speed hits
	// every build alike.
	for r := 0; r < o.Runs; r++ {
		for i, k := range res.Kinds {
			progress(fmt.Sprintf("run %d/%d: %s", r+1, o.Runs, k.Name))
			t, out, err := timeRun(filepath.Join(dir, bins[i]), o.Scale, envs[i])
			if err != nil {
				return nil, fmt.Errorf("running %s: %v", k.Name, err)
			}
			if k.Checked == "" {
				k.Checked = out
			} else if out != k.Checked {
				return nil, fmt.Errorf("%s printed %q, then %q", k.Name, k.Checked, out)
			}
			k.Times = append(k.Times, t)
		}
	}
	for _, k := range res.Kinds {
		if k.Checked != res.Kinds[0].Checked {
			return nil, fmt.Errorf("%s printed %q, the plain build %q", k.Name, k.Checked, res.Kinds[0].Checked)
		}
		k.Median = median(k.Times)
	}
	p, r, x, st := res.Kinds[0].Median, res.Kinds[1].Median, res.Kinds[2].Median, res.Kinds[3].Median
	if r > p {
		res.Recovered = float64(r-x) / float64(r-p)
		res.RecoveredStatic = float64(r-st) / float64(r-p)
	}
	return res, nil
}

func timeRun(bin string, scale int, env []string) (time.Duration, string, error) {
	cmd := exec.Command(bin, strconv.Itoa(scale))
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return 0, "", fmt.Errorf("%v", ee)
	}
	return d, out.String(), err
}

func median(ts []time.Duration) time.Duration {
	s := slices.Clone(ts)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Report writes the table of medians and ratios.
func (r *Result) Report(w io.Writer, runs int) {
	plain := r.Kinds[0].Median
	fmt.Fprintf(w, "%-40s %10s %10s\n", fmt.Sprintf("build (median of %d)", runs), "time", "vs plain")
	for _, k := range r.Kinds {
		fmt.Fprintf(w, "%-40s %9.3fs %9.2fx\n", k.Name, k.Median.Seconds(), float64(k.Median)/float64(plain))
	}
	fmt.Fprintf(w, "\noptpoline recovers %.0f%% of the retpoline overhead: (t_retpoline - t_optpoline) / (t_retpoline - t_plain)\n", 100*r.Recovered)
	if len(r.Kinds) > 3 {
		fmt.Fprintf(w, "from a profile, with no code patched at run time (OPTPOLINE=off): %.0f%%\n", 100*r.RecoveredStatic)
	}
	fmt.Fprintf(w, "every build printed: %s", r.Kinds[0].Checked)
}
