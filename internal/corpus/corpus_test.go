package corpus

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMatrix(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Matrix {
		if c.Name == "" || strings.ContainsAny(c.Name, "/ ") || seen[c.Name] {
			t.Errorf("bad or duplicate config name %q", c.Name)
		}
		seen[c.Name] = true
		if len(c.Compilers) == 0 {
			t.Errorf("%s: no compilers", c.Name)
		}
		for _, f := range c.Compilers {
			if f != "gcc" && f != "clang" {
				t.Errorf("%s: unknown compiler family %q", c.Name, f)
			}
		}
		if c.Runs && !c.Links {
			t.Errorf("%s: runs but does not link", c.Name)
		}
		t.Logf("%-36s %-9s links=%-5v runs=%-5v gas=%v %s", c.Name, strings.Join(c.Compilers, ","),
			c.Links, c.Runs, c.GasOK, strings.Join(c.Flags, " "))
	}
	if !seen[ReferenceConfig] || !slices.Contains(Matrix[slices.IndexFunc(Matrix, func(c Config) bool {
		return c.Name == ReferenceConfig
	})].Compilers, "gcc") {
		t.Fatalf("reference config %s with gcc missing", ReferenceConfig)
	}
}

func TestBuild(t *testing.T) {
	start := time.Now()
	units := BuildT(t)
	t.Logf("Build: %d units in %v", len(units), time.Since(start))
	start = time.Now()
	units = BuildT(t)
	t.Logf("Build again (cached): %v", time.Since(start))

	names := map[string]bool{}
	refs := map[string]bool{}
	var total int64
	var largest Unit
	var largestSize int64
	for _, u := range units {
		if names[u.Name] {
			t.Errorf("duplicate unit name %s", u.Name)
		}
		names[u.Name] = true
		if u.Reference() {
			refs[u.Source] = true
		}
		fi, err := os.Stat(u.Path)
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			continue
		}
		if fi.Size() == 0 {
			t.Errorf("%s: %s is empty", u.Name, u.Path)
		}
		total += fi.Size()
		if fi.Size() > largestSize {
			largest, largestSize = u, fi.Size()
		}
	}
	for _, u := range units {
		if !refs[u.Source] {
			t.Errorf("%s: no reference build of %s", u.Name, u.Source)
		}
	}
	t.Logf("corpus: %.1f MB; largest %s (%.2f MB)", float64(total)/1e6, largest.Name, float64(largestSize)/1e6)
}

// TestGas checks Config.GasOK: GNU as assembles exactly the units it claims,
// and clang output is rejected for its .addrsig directive.
func TestGas(t *testing.T) {
	units := BuildT(t)
	start := time.Now()
	tmp := t.TempDir()
	Parallel(units, func(i int, u Unit) {
		cmd := exec.Command("as", "--64", "-o", filepath.Join(tmp, "u"+strconv.Itoa(i)+".o"), u.Path)
		out, err := cmd.CombinedOutput()
		switch {
		case u.GasOK() && err != nil:
			t.Errorf("%s: GNU as rejects it: %v\n%s", u.Name, err, firstLines(out, 5))
		case !u.GasOK() && err == nil:
			t.Errorf("%s: GNU as accepts it but the config does not say GasOK", u.Name)
		case !u.GasOK() && u.Family() == "clang" && !bytes.Contains(out, []byte(".addrsig")):
			t.Errorf("%s: GNU as rejects it, but not for .addrsig:\n%s", u.Name, firstLines(out, 5))
		}
	})
	t.Logf("assembled %d units with GNU as in %v", len(units), time.Since(start))
}

// TestRun links every linkable unit with its own compiler driver and runs
// it, comparing stdout with the gcc -O0 build of the same source. With
// -short it runs only calls.c and virt.cc in each config.
func TestRun(t *testing.T) {
	units := BuildT(t)
	if testing.Short() {
		units = slices.DeleteFunc(units, func(u Unit) bool {
			b := filepath.Base(u.Source)
			return b != "calls.c" && b != "virt.cc"
		})
	}
	tmp := t.TempDir()

	start := time.Now()
	want := map[string]string{}
	var mu sync.Mutex
	var refs []Unit
	for _, u := range units {
		if u.Reference() {
			refs = append(refs, u)
		}
	}
	Parallel(refs, func(i int, u Unit) {
		out, err := linkRun(u, filepath.Join(tmp, "ref"+strconv.Itoa(i)))
		if err != nil {
			t.Errorf("reference %s: %v", u.Name, err)
			return
		}
		mu.Lock()
		want[u.Source] = out
		mu.Unlock()
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("references: %d programs in %v", len(refs), time.Since(start))

	start = time.Now()
	var linked, ran int
	Parallel(units, func(i int, u Unit) {
		if !u.Config.Links || u.Reference() {
			return
		}
		prog := filepath.Join(tmp, "p"+strconv.Itoa(i))
		if !u.Runs() {
			if err := Link(u, u.Path, prog); err != nil {
				t.Errorf("%s: %v", u.Name, err)
			}
			mu.Lock()
			linked++
			mu.Unlock()
			return
		}
		got, err := linkRun(u, prog)
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			return
		}
		mu.Lock()
		linked++
		ran++
		mu.Unlock()
		if got != want[u.Source] {
			t.Errorf("%s: output differs from %s build\ngot:\n%s\nwant:\n%s", u.Name, ReferenceConfig, got, want[u.Source])
		}
	})
	t.Logf("linked %d, ran %d programs in %v", linked, ran, time.Since(start))
}

// linkRun links u into prog, runs it and returns its output; a failure or
// a non-zero exit status is an error.
func linkRun(u Unit, prog string) (string, error) {
	if err := Link(u, u.Path, prog); err != nil {
		return "", err
	}
	r := Run(prog)
	if r.Err == nil && r.Status != 0 {
		r.Err = fmt.Errorf("exit status %d", r.Status)
	}
	if r.Err != nil {
		return "", &cmdError{prog, r.Err, []byte(r.Stderr)}
	}
	return r.Stdout, nil
}

type cmdError struct {
	cmd string
	err error
	out []byte
}

func (e *cmdError) Error() string { return e.cmd + ": " + e.err.Error() + "\n" + firstLines(e.out, 10) }

// forEach runs f over units with GOMAXPROCS workers.
func firstLines(b []byte, n int) string {
	lines := strings.SplitAfterN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...\n")
	}
	return strings.Join(lines, "")
}
