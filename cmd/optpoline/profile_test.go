package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/e2e"
)

// staticProgram has a dispatch site with three targets (two local, one a
// global of other.c that this file references) and a site with one; it
// reports on stderr how many of its mappings are writable and executable.
const staticProgram = `#include <stdio.h>
#include <stdlib.h>
long ext_mul(long, long);
static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long (*volatile ops[3])(long, long) = {add, sub, ext_mul};
__attribute__((noinline)) static long dispatch(int i, long a, long b) { return ops[i](a, b) + 1; }
__attribute__((noinline)) long apply(long (*f)(long, long), long a) { return f(a, 3) * 2; }
static int wx(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char l[1024], p[8];
	int n = 0;
	while (f && fgets(l, sizeof l, f))
		if (sscanf(l, "%*s %7s", p) == 1 && p[1] == 'w' && p[2] == 'x')
			n++;
	if (f)
		fclose(f);
	return n;
}
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000, s = 0;
	for (long i = 0; i < n; i++) {
		s += dispatch(i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2, i, s & 0xff);
		s += apply(ops[0], i);
	}
	printf("%ld\n", s);
	fprintf(stderr, "wx mappings %d\n", wx());
	return 0;
}
`

const otherFile = "long ext_mul(long a, long b) { return a * b; }\n"

// TestStaticProfile: learn once with OPTPOLINE=profile=DIR, export, rebuild
// through optpoline cc --optpoline-profile: the program prints the same,
// its sites are STATIC, the runtime patches nothing (its counters) and no
// mapping is writable and executable; with OPTPOLINE=off it still runs
// promoted. A profile applied to changed sources reports the stale sites.
func TestStaticProfile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("static.c", staticProgram)
	write("other.c", otherFile)
	env := append([]string{"XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}, wrapperEnv...)
	opt := func(args ...string) ccResult {
		t.Helper()
		exe, _ := os.Executable()
		r := runCmd(t, dir, env, nil, append([]string{exe}, args...)...)
		if r.status != 0 {
			t.Fatalf("optpoline %s: %+v", strings.Join(args, " "), r)
		}
		return r
	}
	retpoline := []string{"-mindirect-branch=thunk-extern", "-mindirect-branch-register"}
	build := func(out string, extra ...string) ccResult {
		t.Helper()
		return opt(append(append(append([]string{"cc"}, extra...), "gcc", "-O2"), append(retpoline, "static.c", "other.c", "-o", out)...)...)
	}
	if r := runCmd(t, dir, nil, nil, "gcc", "-O2", "-o", "ref", "static.c", "other.c"); r.status != 0 {
		t.Fatalf("gcc: %+v", r)
	}
	want := runCmd(t, dir, nil, nil, "./ref").stdout

	build("learned")
	prof := filepath.Join(dir, "prof")
	if r := runCmd(t, dir, []string{"OPTPOLINE=profile=" + prof}, nil, "./learned"); r.status != 0 || r.stdout != want {
		t.Fatalf("learned, profiling: %+v, want %q", r, want)
	}
	opt("profile", "export", "-o", "p.prof", prof)
	text, _ := os.ReadFile(filepath.Join(dir, "p.prof"))
	t.Logf("p.prof:\n%s", text)
	show := opt("profile", "show", "p.prof").stdout
	if !regexp.MustCompile(`(?m)dispatch\S*#0 \(static.c\) → add [56]\d% sub [23]\d% ext_mul 1?\d%$`).MatchString(show) {
		t.Errorf("profile show:\n%s", show)
	}

	r := opt(append(append([]string{"cc", "--optpoline-profile=p.prof", "gcc", "-O2", "-save-temps"}, retpoline...), "static.c", "other.c", "-o", "static")...)
	if r.stderr != "" {
		t.Errorf("static build: stderr %q", r.stderr)
	}
	// The marked-up assembly (-save-temps keeps what was assembled) passes
	// the validator, STATIC sites included.
	if c := opt("check", "static-static.s"); c.stdout != "" || c.stderr != "" {
		t.Errorf("optpoline check static-static.s: %+v", c)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "static-static.s")); !regexp.MustCompile(`(?m)^\.Lopt_slot_\d+:\n\t\.quad\tadd$`).Match(b) {
		t.Errorf("static-static.s: no slot initialised to add")
	}
	rep, err := e2e.VerifyBinary(filepath.Join(dir, "static"))
	if err != nil || len(rep.Problems) > 0 || rep.ByFlag["static"] != 2 {
		t.Fatalf("static: %v, %d STATIC entries, problems:\n%s", err, rep.ByFlag["static"], strings.Join(rep.Problems, "\n"))
	}
	dis := runCmd(t, dir, nil, nil, "objdump", "-d", "--no-show-raw-insn", "static").stdout
	for _, re := range []string{`call\s+[0-9a-f]+ <add>`, `je\s+[0-9a-f]+ <sub>`, `je\s+[0-9a-f]+ <ext_mul>`} {
		if !regexp.MustCompile(re).MatchString(dis) {
			t.Errorf("static: no %s in the code", re)
		}
	}
	for _, mode := range []string{"stats", "off"} {
		for _, patch := range []string{"pwrite", "mprotect"} {
			r := runCmd(t, dir, []string{"OPTPOLINE=" + mode, "OPTPOLINE_PATCH=" + patch, "OPTPOLINE_PERIOD_MS=1"}, nil, "./static")
			if r.status != 0 || r.stdout != want || !strings.Contains(r.stderr, "wx mappings 0\n") {
				t.Errorf("static, OPTPOLINE=%s %s: %+v, want %q and no wx mapping", mode, patch, r, want)
			}
			if mode == "stats" && !regexp.MustCompile(`(?m)^optpoline: 2 sites, \d+ samples, 0 promoted, 0 outlined, 0 far, 0 undecodable, 2 static, 0 batches \(0 pwrite, 0 mprotect runs`).MatchString(r.stderr) {
				t.Errorf("static: the runtime patched something or did not see STATIC sites:\n%s", r.stderr)
			}
		}
	}
	// The learned build, for contrast, does patch.
	if r := runCmd(t, dir, []string{"OPTPOLINE=stats", "OPTPOLINE_PERIOD_MS=1"}, nil, "./learned"); !regexp.MustCompile(`\([1-9]\d* pwrite`).MatchString(r.stderr) {
		t.Errorf("learned: no code written?\n%s", r.stderr)
	}

	// A changed source: dispatch has a second site, sub is renamed.
	changed := strings.Replace(staticProgram, "return ops[i](a, b) + 1;", "return ops[i](a, b) + ops[(i + 1) % 3](b, a);", 1)
	changed = strings.NewReplacer("sub(", "sub2(", "sub,", "sub2,").Replace(changed)
	write("static.c", changed)
	r = build("stale", "--optpoline-profile=p.prof")
	if !regexp.MustCompile(`(?m)^static\.c\.s:\d+: warning: stale profile: dispatch\S* had 1 sites when profiled and has 2 now: site #0 is not promoted statically$`).MatchString(r.stderr) {
		t.Errorf("stale build: stderr\n%s", r.stderr)
	}
	if r := runCmd(t, dir, nil, nil, "gcc", "-O2", "-o", "ref2", "static.c", "other.c"); r.status != 0 {
		t.Fatalf("gcc: %+v", r)
	}
	want2 := runCmd(t, dir, nil, nil, "./ref2").stdout
	if r := runCmd(t, dir, []string{"OPTPOLINE=off"}, nil, "./stale"); r.stdout != want2 {
		t.Errorf("stale: %+v, want %q", r, want2)
	}
	// Only the target is gone: that site keeps its other targets.
	write("static.c", strings.NewReplacer("sub(", "sub2(", "sub,", "sub2,").Replace(staticProgram))
	r = build("stale2", "--optpoline-profile=p.prof")
	if !regexp.MustCompile(`(?m)^static\.c\.s:\d+: warning: stale profile: target sub of dispatch\S*'s site #0 is not defined in this file any more$`).MatchString(r.stderr) {
		t.Errorf("renamed target: stderr\n%s", r.stderr)
	}
}
