package optruntime_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Static calls (optpoline/static_call.h): the out-of-line mode, built with
// the plain compilers and src/include/optpoline/static_call.c, no wrapper.

const scSemantics = `null: hits 0 query 1
hook: hits 1 last 3 query 1
null again: hits 1 last 3
ret0: 0 0 query 1
twice: 14 14
ret0 again: 0 0
op: 11 11
op: 12 12 query 1
`

var scFlags = []string{"-O2", "-pthread", "-Wall", "-Wextra", "-Werror"}

// scBuild compiles testdata/NAME.c with cc and static_call.c (out of line)
// into dir/NAME; extra goes after the sources (libraries).
func scBuild(t *testing.T, cc, dir, name string, extra ...string) string {
	t.Helper()
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs(filepath.Join("testdata", name+".c"))
	prog := filepath.Join(dir, name)
	args := append(append(append([]string{}, scFlags...), "-I", inc, "-o", prog, src, filepath.Join(inc, "optpoline", "static_call.c")), extra...)
	run(t, "", cc, args...)
	return prog
}

// scFarLib builds the stress test's far target, a shared object.
func scFarLib(t *testing.T, cc, dir string) []string {
	t.Helper()
	src, _ := filepath.Abs("testdata/sc_far.c")
	run(t, "", cc, "-O2", "-fPIC", "-shared", "-o", filepath.Join(dir, "libscfar.so"), src)
	return []string{"-L", dir, "-lscfar", "-Wl,-rpath," + dir, "-rdynamic"}
}

var scStressRe = regexp.MustCompile(`^updates (\d+) calls (\d+) bad 0 queryfails 0 far 1\n$`)

// checkStress runs a stress program: 4 threads call while the main thread
// retargets for at most a second; no call may reach a target other than
// the old or new one of its update window, some calls must go through the
// far path.
func checkStress(t *testing.T, prog string) {
	t.Helper()
	out := run(t, "", prog, "100000", "1")
	m := scStressRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stress: %q", out)
	}
	t.Logf("%s", strings.TrimSpace(out))
	if u, _ := strconv.Atoi(m[1]); u < 100 {
		t.Errorf("%s updates in a second, want ≥ 100", m[1])
	}
	if c, _ := strconv.Atoi(m[2]); c < 100000 {
		t.Errorf("%s calls, want ≥ 100000", m[2])
	}
}

// trampoline checks the trampoline of static call name in prog: in
// .static_call.text, jmp rel32 with the rel32 4-aligned.
func trampoline(t *testing.T, prog, name string) {
	t.Helper()
	sym := "__SCT__" + name
	dis := run(t, "", "objdump", "-d", "-j", ".static_call.text", prog)
	m := regexp.MustCompile(`(?m)^([0-9a-f]+) <` + sym + `>:\n\s+[0-9a-f]+:\s+e9 `).FindStringSubmatch(dis)
	if m == nil {
		t.Fatalf("%s: no %s starting with jmp rel32 in .static_call.text:\n%s", prog, sym, dis)
	}
	if a, _ := strconv.ParseUint(m[1], 16, 64); (a+1)%4 != 0 {
		t.Errorf("%s at %#x: rel32 not 4-aligned", sym, a)
	}
}

func TestStaticCallOutOfLine(t *testing.T) {
	for _, cc := range []string{"gcc", "clang"} {
		t.Run(cc, func(t *testing.T) {
			dir := t.TempDir()
			prog := scBuild(t, cc, dir, "sc_stress", scFarLib(t, cc, dir)...)
			trampoline(t, prog, "sc")
			checkStress(t, prog)
			sem := scBuild(t, cc, dir, "sc_semantics")
			for _, n := range []string{"hook", "calc", "op"} {
				trampoline(t, sem, n)
			}
			if out := run(t, "", sem); out != scSemantics {
				t.Errorf("semantics:\n%s\nwant\n%s", out, scSemantics)
			}
		})
	}
}

// TestStaticCallImplementationMacro builds with the implementation pulled
// in by OPTPOLINE_STATIC_CALL_IMPLEMENTATION instead of static_call.c.
func TestStaticCallImplementationMacro(t *testing.T) {
	dir := t.TempDir()
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs("testdata/sc_semantics.c")
	prog := filepath.Join(dir, "sem")
	run(t, "", "gcc", append(append([]string{}, scFlags...), "-DOPTPOLINE_STATIC_CALL_IMPLEMENTATION", "-I", inc, "-o", prog, src)...)
	if out := run(t, "", prog); out != scSemantics {
		t.Errorf("semantics:\n%s\nwant\n%s", out, scSemantics)
	}
}

// TestStaticCallSignature: static_call_update with a function of another
// type is a compile-time error in C (gcc, clang) and C++ (g++, clang++).
func TestStaticCallSignature(t *testing.T) {
	inc, _ := filepath.Abs("src/include")
	src, _ := filepath.Abs("testdata/sc_badsig.c")
	for _, cc := range []struct{ name, lang, want string }{
		{"gcc", "c", `error: static assertion failed: "static_call_update: function type does not match the static call"`},
		{"clang", "c", `error: static_assert failed "static_call_update: function type does not match the static call"`},
		{"g++", "c++", `error: invalid conversion from .long int \(\*\)\(int\). to .int \(\*\)\(int\).`},
		{"clang++", "c++", `error: cannot initialize a variable of type .*int \(\*\)\(int\).* with an lvalue of type 'long \(int\)'`},
	} {
		t.Run(cc.name, func(t *testing.T) {
			obj := filepath.Join(t.TempDir(), "x.o")
			args := []string{"-O2", "-Wall", "-Werror", "-I", inc, "-x", cc.lang, "-c", "-o", obj, src}
			run(t, "", cc.name, args...) // the right type compiles
			out, err := exec.Command(cc.name, append([]string{"-DBAD"}, args...)...).CombinedOutput()
			if err == nil {
				t.Fatalf("a wrong signature compiled")
			}
			if !regexp.MustCompile(cc.want).Match(out) {
				t.Errorf("error output lacks %s:\n%s", cc.want, out)
			}
		})
	}
}
