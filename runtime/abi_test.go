package optruntime_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/abi"
)

// TestHeaderMatchesABI compiles a C program that prints optpoline.h's
// constants, sizes and offsets and compares them with package abi.
func TestHeaderMatchesABI(t *testing.T) {
	const prog = `#include <stdio.h>
#include "optpoline.h"
#define P(x) printf(#x " %llu\n", (unsigned long long)(x))
int main(void) {
	P(OPTPOLINE_MAGIC); P(OPTPOLINE_VERSION); P(OPTPOLINE_HEADER_SIZE); P(OPTPOLINE_ENTRY_SIZE);
	P(OPTPOLINE_ALIGN); P(OPTPOLINE_SENTINEL);
	P(sizeof(struct optpoline_header)); P(sizeof(struct optpoline_entry));
	P(offsetof(struct optpoline_header, magic)); P(offsetof(struct optpoline_header, version));
	P(offsetof(struct optpoline_header, entry_size)); P(offsetof(struct optpoline_header, nentries));
	P(offsetof(struct optpoline_header, name));
	P(offsetof(struct optpoline_entry, site)); P(offsetof(struct optpoline_entry, call));
	P(offsetof(struct optpoline_entry, slot)); P(offsetof(struct optpoline_entry, outline));
	P(offsetof(struct optpoline_entry, reg)); P(offsetof(struct optpoline_entry, flags));
	P(offsetof(struct optpoline_entry, nout)); P(offsetof(struct optpoline_entry, reserved));
	P(offsetof(struct optpoline_entry, id));
	P(OPTPOLINE_F_TAIL); P(OPTPOLINE_F_FROM_MEM); P(OPTPOLINE_F_FROM_THUNK); P(OPTPOLINE_F_KERNEL);
	P(OPTPOLINE_F_STATIC); P(OPTPOLINE_F_NOTRACK); P(OPTPOLINE_F_DISPATCH);
	printf("sections %s %s %s\n", OPTPOLINE_TABLE_SECTION, OPTPOLINE_SLOT_SECTION, OPTPOLINE_OUTLINE_SECTION);
	return 0;
}
`
	want := []struct {
		name string
		v    uint64
	}{
		{"OPTPOLINE_MAGIC", uint64(abi.Magic)}, {"OPTPOLINE_VERSION", abi.Version},
		{"OPTPOLINE_HEADER_SIZE", abi.HeaderSize}, {"OPTPOLINE_ENTRY_SIZE", abi.EntrySize},
		{"OPTPOLINE_ALIGN", abi.Align}, {"OPTPOLINE_SENTINEL", abi.Sentinel},
		{"sizeof(struct optpoline_header)", abi.HeaderSize}, {"sizeof(struct optpoline_entry)", abi.EntrySize},
		// The field order is abi.Decode's.
		{"offsetof(struct optpoline_header, magic)", 0}, {"offsetof(struct optpoline_header, version)", 4},
		{"offsetof(struct optpoline_header, entry_size)", 6}, {"offsetof(struct optpoline_header, nentries)", 8},
		{"offsetof(struct optpoline_header, name)", 12},
		{"offsetof(struct optpoline_entry, site)", 0}, {"offsetof(struct optpoline_entry, call)", 4},
		{"offsetof(struct optpoline_entry, slot)", 8}, {"offsetof(struct optpoline_entry, outline)", 12},
		{"offsetof(struct optpoline_entry, reg)", 16}, {"offsetof(struct optpoline_entry, flags)", 17},
		{"offsetof(struct optpoline_entry, nout)", 18}, {"offsetof(struct optpoline_entry, reserved)", 19},
		{"offsetof(struct optpoline_entry, id)", 20},
		{"OPTPOLINE_F_TAIL", abi.FlagTail}, {"OPTPOLINE_F_FROM_MEM", abi.FlagFromMem},
		{"OPTPOLINE_F_FROM_THUNK", abi.FlagFromThunk}, {"OPTPOLINE_F_KERNEL", abi.FlagKernel},
		{"OPTPOLINE_F_STATIC", abi.FlagStatic}, {"OPTPOLINE_F_NOTRACK", abi.FlagNotrack},
		{"OPTPOLINE_F_DISPATCH", abi.FlagDispatch},
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "abi.c")
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	here, _ := filepath.Abs("src")
	exe := filepath.Join(dir, "abi")
	run(t, "", "gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", here, "-o", exe, src)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(run(t, "", exe)), "\n") {
		i := strings.LastIndexByte(line, ' ')
		got[line[:i]] = line[i+1:]
	}
	for _, w := range want {
		if g := got[w.name]; g != fmt.Sprint(w.v) {
			t.Errorf("%s = %s, package abi says %d", w.name, g, w.v)
		}
	}
	if g, w := got["sections "+abi.TableSection+" "+abi.SlotSection], abi.OutlineSection; g != w {
		t.Errorf("section names: got %q, want %s %s %s", g, abi.TableSection, abi.SlotSection, abi.OutlineSection)
	}
}

// run runs a command in dir and returns its stdout; it fails the test
// with the combined output on error.
func run(t testing.TB, dir string, name string, args ...string) string {
	t.Helper()
	return runEnv(t, dir, nil, name, args...)
}

func runEnv(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func execCommand(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
