package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ccResult is what one command did.
type ccResult struct {
	stdout, stderr string
	status         int
}

// runCmd runs argv in dir with extra environment and stdin, and returns
// its streams and exit status.
func runCmd(t *testing.T, dir string, env []string, stdin []byte, argv ...string) ccResult {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("%q: %v", argv, err)
	}
	return ccResult{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// wrapperArgv runs this test binary as "optpoline cc ARGS…".
func wrapperArgv(t *testing.T, args ...string) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{exe, "cc"}, args...)
}

// wrapperEnv makes the test binary act as optpoline.
var wrapperEnv = []string{"OPTPOLINE_TEST_MAIN=1", "OPTPOLINE_FLAGS="}

// optpolineOnPath returns a directory holding an "optpoline" command
// that runs this test binary, for tools that look it up on PATH.
func optpolineOnPath(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nOPTPOLINE_TEST_MAIN=1 exec '" + exe + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "optpoline"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copySources copies testdata/cc into dir, with an empty sub/ beside.
func copySources(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob("testdata/cc/*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// readTree returns every regular file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// hasSites reports whether the ELF file has an optpoline_sites section.
func hasSites(t *testing.T, path string) bool {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.Section("optpoline_sites") != nil
}

// emptyDir fails unless dir has no entries.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		t.Errorf("temporary files left in %s: %s", dir, strings.Join(names, " "))
	}
}
