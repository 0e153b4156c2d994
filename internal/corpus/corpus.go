// Package corpus compiles the C and C++ programs in testdata/c with every
// configuration in Matrix, giving tests a corpus of real compiler output.
//
// The result is cached under os.UserCacheDir()/optpoline/corpus/<key>,
// where key hashes the sources, the matrix and the compilers' --version
// output, so only the first run after a change pays for the compiles.
package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A Unit is one compiled assembly file.
type Unit struct {
	Name     string   // short unique id, e.g. "gcc-O2-thunk-extern/interp.c"
	Path     string   // absolute path of the .s file
	Source   string   // absolute path of the C/C++ source
	Compiler string   // "gcc", "g++", "clang", "clang++"
	Flags    []string // the flags used (not including -S -o)
	Config   Config   // the configuration the unit was built with
}

// Family is "gcc" for gcc and g++, "clang" for clang and clang++.
func (u Unit) Family() string { return family(u.Compiler) }

// GasOK reports whether GNU as 2.40 assembles the unit as is.
func (u Unit) GasOK() bool { return slices.Contains(u.Config.GasOK, u.Family()) }

// Runs reports whether the unit's program is run by the tests.
func (u Unit) Runs() bool {
	return u.Config.Runs && !slices.Contains(u.Config.NoRun, filepath.Base(u.Source))
}

// Reference reports whether the unit's program output is the expected
// output for its source (the gcc/g++ build in ReferenceConfig).
func (u Unit) Reference() bool { return u.Config.Name == ReferenceConfig && u.Family() == "gcc" }

// SupportDir is the directory under the program directory holding helper
// files that are not programs (thunks.s).
const SupportDir = "support"

// ThunksFile is the support file defining the external thunks.
const ThunksFile = "thunks.s"

// cacheVersion changes whenever the cache layout or compile commands change.
const cacheVersion = "corpus-v1"

func family(compiler string) string {
	if strings.HasPrefix(compiler, "clang") {
		return "clang"
	}
	return "gcc"
}

// compilerFor returns the driver for a family and a source file.
func compilerFor(fam, src string) string {
	cxx := IsCXX(src)
	switch {
	case fam == "gcc" && cxx:
		return "g++"
	case fam == "gcc":
		return "gcc"
	case cxx:
		return "clang++"
	default:
		return "clang"
	}
}

// IsCXX reports whether a source file is C++.
func IsCXX(src string) bool {
	switch filepath.Ext(src) {
	case ".cc", ".cpp", ".cxx":
		return true
	}
	return false
}

// GCCOnly reports whether a source uses gcc extensions clang lacks (nested functions).
func GCCOnly(src string) bool { return strings.HasSuffix(src, ".gcc.c") }

// Sources returns the absolute paths of the programs in dir, sorted.
func Sources(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var srcs []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !(filepath.Ext(n) == ".c" || IsCXX(n)) {
			continue
		}
		srcs = append(srcs, filepath.Join(abs, n))
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("corpus: no C or C++ sources in %s", abs)
	}
	sort.Strings(srcs)
	return srcs, nil
}

// plan lists the units Build produces, without compiling anything.
func plan(srcs []string, root string) []Unit {
	var units []Unit
	for _, cfg := range Matrix {
		for _, fam := range cfg.Compilers {
			for _, src := range srcs {
				if fam != "gcc" && GCCOnly(src) {
					continue
				}
				base := filepath.Base(src)
				dir := fam + "-" + cfg.Name
				units = append(units, Unit{
					Name:     dir + "/" + base,
					Path:     filepath.Join(root, dir, base+".s"),
					Source:   src,
					Compiler: compilerFor(fam, src),
					Flags:    slices.Clone(cfg.Flags),
					Config:   cfg,
				})
			}
		}
	}
	return units
}

// versions runs every compiler's --version. A missing compiler is an error.
func versions() (map[string]string, error) {
	names := []string{"gcc", "g++", "clang", "clang++"}
	outs := make([]string, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, c := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := exec.Command(c, "--version").Output()
			if err != nil {
				err = fmt.Errorf("corpus: %s --version: %v (is %s installed?)", c, err, c)
			}
			outs[i], errs[i] = string(b), err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m := map[string]string{}
	for i, c := range names {
		m[c] = outs[i]
	}
	return m, nil
}

// key hashes everything that determines the output.
func key(srcs []string, vers map[string]string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", cacheVersion)
	for _, c := range []string{"gcc", "g++", "clang", "clang++"} {
		fmt.Fprintf(h, "%s %q\n", c, vers[c])
	}
	m, err := json.Marshal(Matrix)
	if err != nil {
		return "", err
	}
	h.Write(m)
	for _, s := range srcs {
		b, err := os.ReadFile(s)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\n%s %d\n", s, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// CacheRoot is the directory holding all cached corpora.
func CacheRoot() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "optpoline", "corpus"), nil
}

// Build compiles every program in dir with every configuration in Matrix
// and returns the units. A cached result is reused when the sources, the
// matrix and the compilers are unchanged.
func Build(dir string) ([]Unit, error) {
	srcs, err := Sources(dir)
	if err != nil {
		return nil, err
	}
	vers, err := versions()
	if err != nil {
		return nil, err
	}
	k, err := key(srcs, vers)
	if err != nil {
		return nil, err
	}
	cache, err := CacheRoot()
	if err != nil {
		return nil, err
	}
	final := filepath.Join(cache, k)
	if _, err := os.Stat(filepath.Join(final, "done")); err == nil {
		return plan(srcs, final), nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	// One process builds a corpus; others (go test runs several packages
	// at once) wait for it and then use its result.
	unlock, err := lock(filepath.Join(cache, k+".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(final, "done")); err == nil {
		return plan(srcs, final), nil
	}
	// Directories left by a process that was killed while building.
	stale, _ := filepath.Glob(filepath.Join(cache, k+".tmp-*"))
	for _, d := range stale {
		if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
			os.RemoveAll(d)
		}
	}
	os.RemoveAll(final) // an incomplete result, without "done"
	tmp, err := os.MkdirTemp(cache, k+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	if err := compileAll(plan(srcs, tmp)); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "done"), nil, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, err
	}
	return plan(srcs, final), nil
}

// lock takes an exclusive flock on path, waiting for other processes.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("corpus: lock %s: %v", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// compileAll runs the compiles NumCPU at a time and joins their errors.
func compileAll(units []Unit) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	work := make(chan Unit)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if err := compile(ctx, u); err != nil {
					mu.Lock()
					errs = append(errs, err)
					if len(errs) >= 20 {
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, u := range units {
		if ctx.Err() != nil {
			break
		}
		work <- u
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

func compile(ctx context.Context, u Unit) error {
	if err := os.MkdirAll(filepath.Dir(u.Path), 0o755); err != nil {
		return err
	}
	args := append(slices.Clone(u.Flags), "-S", "-o", u.Path, u.Source)
	cmd := exec.CommandContext(ctx, u.Compiler, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("corpus: %s: %s %s: %v\n%s", u.Name, u.Compiler, strings.Join(args, " "), err, stderr.Bytes())
	}
	return nil
}

// ModuleRoot walks up from the working directory to the directory holding go.mod.
func ModuleRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		p := filepath.Dir(d)
		if p == d {
			return "", errors.New("corpus: go.mod not found above the working directory")
		}
		d = p
	}
}

// Dir returns the absolute path of testdata/c in the module.
func Dir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "c"), nil
}

// BuildT builds the corpus for a test or benchmark and fails it on error.
func BuildT(t testing.TB) []Unit {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	units, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	return units
}

// Link assembles and links the assembly file asm (the unit's own .s, or a
// rewritten copy of it) into prog with the unit's compiler driver, adding
// what the unit's configuration needs: the support thunks, its link flags,
// and libstdc++ for C++ (the C++ drivers add it only for C++ input).
func Link(u Unit, asm, prog string) error {
	args := []string{"-x", "assembler", asm}
	if u.Config.Thunks {
		args = append(args, filepath.Join(filepath.Dir(u.Source), SupportDir, ThunksFile))
	}
	args = append(args, u.Config.LinkFlags...)
	if IsCXX(u.Source) {
		args = append(args, "-lstdc++")
	}
	args = append(args, "-o", prog)
	if out, err := exec.Command(u.Compiler, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", u.Compiler, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// Parallel calls f for every unit, on as many goroutines as there are CPUs,
// and returns when all calls have.
func Parallel(units []Unit, f func(i int, u Unit)) {
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, u := range units {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i, u)
		}()
	}
	wg.Wait()
}

// Result is what running a program gave.
type Result struct {
	Stdout, Stderr string
	Status         int   // exit status; -1 when killed or not started
	Err            error // the program could not run or timed out
}

// Run runs prog with a 30-second limit and collects its output.
func Run(prog string) Result {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.Err, r.Status = fmt.Errorf("%s: timed out", prog), -1
	case errors.As(err, &ee):
		r.Status = ee.ExitCode()
		if r.Status == -1 {
			r.Stderr += "\n(" + ee.String() + ")"
		}
	case err != nil:
		r.Err, r.Status = err, -1
	}
	return r
}
