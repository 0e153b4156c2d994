package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hotProgram calls through a function pointer whose target changes every
// 2^20 calls: the runtime must learn both targets.
const hotProgram = `#include <stdio.h>
static long add(long a) { return a + 1; }
static long dbl(long a) { return a * 2; }
long (*volatile fp[2])(long) = {add, dbl};
int main(void) {
	long s = 0;
	for (long i = 0; i < 20000000; i++)
		s += fp[(i >> 20) & 1](i);
	printf("%ld\n", s);
	return 0;
}
`

// TestCCRuntime builds programs through the wrapper and runs them: links
// get the runtime (built once into the cache), which learns the site's
// targets and patches them in; -c objects linked by a separate wrapper
// command work the same; --optpoline-no-runtime gives self-contained
// objects and plain links.
func TestCCRuntime(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hot.c"), []byte(hotProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append([]string{"XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}, wrapperEnv...)
	cc := func(args ...string) {
		t.Helper()
		if r := runCmd(t, dir, env, nil, wrapperArgv(t, args...)...); r.status != 0 {
			t.Fatalf("optpoline cc %s: %+v", strings.Join(args, " "), r)
		}
	}
	ref := runCmd(t, dir, nil, nil, "gcc", "-O2", "-o", filepath.Join(dir, "ref"), filepath.Join(dir, "hot.c"))
	if ref.status != 0 {
		t.Fatalf("gcc: %+v", ref)
	}
	want := runCmd(t, dir, nil, nil, filepath.Join(dir, "ref")).stdout
	retpoline := []string{"-mindirect-branch=thunk-extern", "-mindirect-branch-register"}

	cc("gcc", "-O2", "-c", "hot.c", "-o", "hot.o")
	cc("gcc", "-O2", "hot.o", "-o", "split")
	cc(append([]string{"gcc", "-O2"}, append(retpoline, "hot.c", "-o", "thunk")...)...)
	cc("clang", "-O2", "-mretpoline-external-thunk", "hot.c", "-o", "clang")
	cc("g++", "-O2", "-x", "c++", "hot.c", "-o", "cxx") // a C++ driver builds the C runtime as C
	promoted := regexp.MustCompile(`(?m)^optpoline: 1 sites, \d+ samples, 1 promoted, 1 outlined`)
	for _, prog := range []string{"split", "thunk", "clang", "cxx"} {
		r := runCmd(t, dir, []string{"OPTPOLINE=stats", "OPTPOLINE_PERIOD_MS=1"}, nil, filepath.Join(dir, prog))
		if r.status != 0 || r.stdout != want {
			t.Errorf("%s: %+v, want stdout %q", prog, r, want)
		}
		if !promoted.MatchString(r.stderr) {
			t.Errorf("%s: stats do not show the site promoted with one outline entry:\n%s", prog, r.stderr)
		}
		off := runCmd(t, dir, []string{"OPTPOLINE=off"}, nil, filepath.Join(dir, prog))
		if off.status != 0 || off.stdout != want || off.stderr != "" {
			t.Errorf("%s with OPTPOLINE=off: %+v", prog, off)
		}
	}
	// One runtime build per compiler, reused.
	objs, _ := filepath.Glob(filepath.Join(dir, "cache", "optpoline", "runtime", "*", "optpoline-rt.o"))
	if len(objs) != 3 {
		t.Errorf("runtime objects in the cache: %q, want one each for gcc, clang and g++", objs)
	}

	// No usable cache home (package builds run with HOME=/nonexistent):
	// the runtime is built under $TMPDIR instead.
	// (A file as HOME: even root cannot make directories under it.)
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home-is-a-file")
	if err := os.WriteFile(home, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, dir, append([]string{"XDG_CACHE_HOME=", "HOME=" + home, "TMPDIR=" + tmp}, wrapperEnv...), nil,
		wrapperArgv(t, "gcc", "-O2", "hot.c", "-o", "nohome")...)
	if r.status != 0 {
		t.Fatalf("HOME=/nonexistent: %+v", r)
	}
	if objs, _ := filepath.Glob(filepath.Join(tmp, "optpoline-*", "runtime", "*", "optpoline-rt.o")); len(objs) != 1 {
		t.Errorf("HOME=/nonexistent: runtime objects under TMPDIR: %q", objs)
	}

	cc("gcc", "--optpoline-no-runtime", "-O2", "hot.c", "-o", "self")
	nm := runCmd(t, dir, nil, nil, "nm", filepath.Join(dir, "self"))
	if strings.Contains(nm.stdout, "optpoline_register_module") || !strings.Contains(nm.stdout, "optpoline.jmp.rax") {
		t.Errorf("--optpoline-no-runtime: want a self-contained program without the runtime; nm:\n%s", nm.stdout)
	}
	if r := runCmd(t, dir, nil, nil, filepath.Join(dir, "self")); r.status != 0 || r.stdout != want {
		t.Errorf("self: %+v", r)
	}
}
