package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scProgram uses <optpoline/static_call.h>.
const scProgram = `#include <stdio.h>
#include <optpoline/static_call.h>
static int add1(int x) { return x + 1; }
static int add2(int x) { return x + 2; }
DEFINE_STATIC_CALL(op, add1);
int main(void) {
	int a = static_call(op)(10);
	static_call_update(op, add2);
	printf("%d %d\n", a, static_call(op)(10));
	return 0;
}
`

// scCxxProgram: C++, a target in a namespace (a mangled name in the
// trampoline) and a static call with no target.
const scCxxProgram = `#include <cstdio>
#include <optpoline/static_call.h>
namespace ns {
int add1(int x) { return x + 1; }
int add2(int x) { return x + 2; }
}
DEFINE_STATIC_CALL(op, ns::add1);
DEFINE_STATIC_CALL_NULL(hook, void(int));
static int seen;
static void h(int x) { seen = x; }
int main() {
	int a = static_call(op)(10);
	static_call_update(op, ns::add2);
	static_call_cond(hook)(3);
	static_call_update(hook, h);
	static_call_cond(hook)(4);
	std::printf("%d %d %d\n", a, static_call(op)(10), seen);
}
`

// TestCCStaticCall: print-include-dir extracts the headers into the cache;
// optpoline cc finds <optpoline/static_call.h> by itself in compiles and
// in the commands it passes through (-E, -M, -S), links the
// implementation with the runtime, and leaves inputs that are not
// preprocessed without the option (clang -Werror would reject it unused).
func TestCCStaticCall(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sc.c"), []byte(scProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sc.cc"), []byte(scCxxProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append([]string{"XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}, wrapperEnv...)
	exe, _ := os.Executable()
	r := runCmd(t, dir, env, nil, exe, "print-include-dir")
	inc := strings.TrimSpace(r.stdout)
	if r.status != 0 || !strings.HasPrefix(inc, filepath.Join(dir, "cache", "optpoline", "include")) {
		t.Fatalf("print-include-dir: %+v", r)
	}
	for _, f := range []string{"static_call.h", "static_call.c", "textpoke.h"} {
		if _, err := os.Stat(filepath.Join(inc, "optpoline", f)); err != nil {
			t.Errorf("print-include-dir: %v", err)
		}
	}
	cc := func(args ...string) ccResult {
		t.Helper()
		r := runCmd(t, dir, env, nil, wrapperArgv(t, args...)...)
		if r.status != 0 {
			t.Fatalf("optpoline cc %s: %+v", strings.Join(args, " "), r)
		}
		return r
	}
	for _, c := range []string{"gcc", "clang"} {
		cc(c, "-O2", "-Wall", "-Werror", "sc.c", "-o", "sc-"+c)
		if out := runCmd(t, dir, nil, nil, filepath.Join(dir, "sc-"+c)); out.status != 0 || out.stdout != "11 12\n" {
			t.Errorf("%s: %+v", c, out)
		}
		if r := cc(c, "-E", "sc.c"); !strings.Contains(r.stdout, "struct static_call_key") {
			t.Errorf("%s -E: the header was not found", c)
		}
		if r := cc(c, "-M", "sc.c"); !strings.Contains(r.stdout, filepath.Join(inc, "optpoline", "static_call.h")) {
			t.Errorf("%s -M: %q lacks the header", c, r.stdout)
		}
		cc(c, "-S", "-O2", "sc.c", "-o", "sc-"+c+".s")
		cc(c, "-E", "sc.c", "-o", "sc.i")
		cc(c, "-Werror", "-O2", "-c", "sc.i", "-o", "sc-i.o") // no -idirafter for a .i
	}
	for _, c := range []string{"g++", "clang++"} {
		cc(c, "-O2", "-Wall", "-Werror", "sc.cc", "-o", "cxx-"+c)
		if out := runCmd(t, dir, nil, nil, filepath.Join(dir, "cxx-"+c)); out.status != 0 || out.stdout != "11 12 4\n" {
			t.Errorf("%s: %+v", c, out)
		}
	}
	// Without the wrapper: -I the extracted directory and compile
	// static_call.c into the program.
	r = runCmd(t, dir, nil, nil, "gcc", "-O2", "-pthread", "-I", inc, "sc.c", filepath.Join(inc, "optpoline", "static_call.c"), "-o", "plain")
	if r.status != 0 {
		t.Fatalf("gcc: %+v", r)
	}
	if out := runCmd(t, dir, nil, nil, filepath.Join(dir, "plain")); out.stdout != "11 12\n" {
		t.Errorf("plain: %+v", out)
	}
}
