package optruntime_test

import (
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/abi"
	"github.com/optpoline/optpoline/passes"
)

// buildID reads a file's GNU build-id note.
func buildID(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.Section(".note.gnu.build-id")
	if s == nil {
		t.Fatalf("%s: no build-id", path)
	}
	b, err := s.Data()
	if err != nil || len(b) < 16 {
		t.Fatalf("%s: build-id note: %v", path, err)
	}
	namesz, descsz := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	off := 12 + (namesz+3)&^3
	return hex.EncodeToString(b[off : off+descsz])
}

var (
	dumpSite   = regexp.MustCompile(`(?m)^site 0 (0x[0-9a-f]+) id (\d+) flags (0x[0-9a-f]+|0) file "([^"]*)" samples (\d+) calls (\d+)$`)
	dumpTarget = regexp.MustCompile(`(?m)^\ttarget (\d+|-) (0x[0-9a-f]+) calls (\d+)( inline| outline)?$`)
)

// TestProfileDump runs the calls program four times at once with
// OPTPOLINE=profile=DIR: each process leaves one complete dump of its own
// in DIR, names the program by path and build-id, and (sampling only)
// patches nothing.
func TestProfileDump(t *testing.T) {
	objs := buildRuntime(t, "gcc", t.TempDir())
	prog, ref := programCfg(t, t.TempDir(), "calls", objs, true, passes.Config{Outline: 4})
	want := run(t, "", ref)
	dir := filepath.Join(t.TempDir(), "prof")
	const procs = 4
	var wg sync.WaitGroup
	outs := make([]string, procs)
	errs := make([]error, procs)
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(prog)
			cmd.Env = append(os.Environ(), append([]string{"OPTPOLINE=profile=" + dir}, fast...)...)
			b, err := cmd.Output()
			outs[i], errs[i] = string(b), err
		}()
	}
	wg.Wait()
	for i := range procs {
		if errs[i] != nil || outs[i] != want {
			t.Fatalf("process %d: %v, output\n%s\nwant\n%s", i, errs[i], outs[i], want)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != procs {
		t.Fatalf("%d files in the profile directory, want %d: %v", len(files), procs, files)
	}
	id := buildID(t, prog)
	pids := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := string(b)
		if !strings.HasSuffix(f, ".dump") || !strings.HasPrefix(d, "optpoline dump 1\n") || !strings.HasSuffix(d, "\nend\n") {
			t.Errorf("%s: not a complete dump:\n%s", f, d)
			continue
		}
		pid := regexp.MustCompile(`(?m)^pid (\d+)$`).FindStringSubmatch(d)
		if pid == nil || pids[pid[1]] {
			t.Errorf("%s: pid line missing or repeated", f)
		} else {
			pids[pid[1]] = true
		}
		if !strings.Contains(d, "module 0 \""+prog+"\" build-id \""+id+"\"\n") {
			t.Errorf("%s: module 0 is not %s with build-id %s:\n%s", f, prog, id, d)
		}
		sites := dumpSite.FindAllStringSubmatch(d, -1)
		if len(sites) < 5 {
			t.Errorf("%s: %d sites, want at least the program's 5 call sites:\n%s", f, len(sites), d)
		}
		for _, s := range sites {
			// Every site came from a retpoline thunk (FROM_THUNK); some
			// are tail sites or had memory operands.
			if fl, _ := strconv.ParseUint(s[3], 0, 8); s[4] != "calls.c" || fl&abi.FlagFromThunk == 0 {
				t.Errorf("%s: site %s: file %q flags %s", f, s[1], s[4], s[3])
			}
		}
		ts := dumpTarget.FindAllStringSubmatch(d, -1)
		if len(ts) < 5 {
			t.Errorf("%s: %d targets:\n%s", f, len(ts), d)
		}
		for _, tg := range ts {
			if tg[1] != "0" || tg[4] != "" {
				t.Errorf("%s: target %v: want module 0 and nothing promoted (profile alone only samples)", f, tg)
			}
		}
	}
}

// TestProfileDlclose: a shared object's sites are dumped when dlclose
// unregisters it, relative to its own base and named by its path.
func TestProfileDlclose(t *testing.T) {
	dir := t.TempDir()
	objs := buildRuntime(t, "gcc", dir)
	cfg := passes.Config{Outline: 4}
	flags := []string{"-O2", "-fPIC", "-Wall", "-Wextra", "-Werror"}
	lib := filepath.Join(dir, "dllib.so")
	run(t, "", "gcc", append([]string{"-shared", "-o", lib, markupAsm(t, dir, "testdata/dllib.c", flags, cfg)}, objs...)...)
	prog := filepath.Join(dir, "dlmain")
	run(t, "", "gcc", append([]string{"-rdynamic", "-pthread", "-o", prog, markupAsm(t, dir, "testdata/dlmain.c", flags, cfg)}, append(objs, "-ldl")...)...)
	pdir := filepath.Join(dir, "prof")
	runEnv(t, "", append([]string{"OPTPOLINE=learn,profile=" + pdir}, fast...), prog, lib)
	files, _ := filepath.Glob(filepath.Join(pdir, "*.dump"))
	libDumps := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		d := string(b)
		if strings.Contains(d, "module 0 \""+lib+"\"") {
			libDumps++
			if !regexp.MustCompile(`(?m)^\ttarget 0 0x[0-9a-f]+ calls [1-9]\d* inline$`).MatchString(d) {
				t.Errorf("%s: the library's site has no target promoted inline (learn,profile patches):\n%s", f, d)
			}
		}
	}
	// Two dlopen/dlclose rounds: two dumps of the library, plus the exit dump.
	if libDumps != 2 || len(files) != 3 {
		t.Errorf("%d dumps, %d of the library; want 3 and 2", len(files), libDumps)
	}
}
