package staticcall_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/staticcall"
)

const src = `	.text
	.globl	f
	.type	f, @function
f:
	.cfi_startproc
	subq	$8, %rsp
	.cfi_def_cfa_offset 16
	call	__SCT__op
	call	__SCT__op@PLT
	call	other
	call	*%rax
	testl	%eax, %eax
	jne	__SCT__hook
#APP
	call	__SCT__op
#NO_APP
	cs
	call	__SCT__op
	addq	$8, %rsp
	.cfi_def_cfa_offset 8
	jmp	__SCT__calc@PLT
	.cfi_endproc
	.size	f, .-f
	.section	.rodata
	.quad	__SCT__op
`

func run(t *testing.T, cfg passes.Config) (*staticcall.Result, string) {
	t.Helper()
	f, err := parser.ParseChecked("x.s", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f), Config: cfg}
	if err := passes.Run([]*passes.Pass{staticcall.Pass}, u); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := u.Rewriter.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return u.Results[staticcall.Pass].(*staticcall.Result), b.String()
}

// TestSites: calls, tail jumps and conditional tail jumps to trampolines
// are recorded; inline asm and prefixed branches are not; the assembled
// object has every recorded rel32 4-aligned and a table entry for it.
func TestSites(t *testing.T) {
	res, out := run(t, passes.Config{Runtime: true})
	type site struct {
		Line int
		Name string
	}
	var got []site
	for _, s := range res.Sites {
		got = append(got, site{s.Line, s.Name})
	}
	want := []site{{8, "op"}, {9, "op"}, {13, "hook"}, {21, "calc"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sites (-want +got):\n%s", d)
	}
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, strconv.Itoa(s.Line)+": "+s.Reason)
	}
	if d := cmp.Diff([]string{"15: inline asm", "18: prefixed branch"}, skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}

	dir := t.TempDir()
	s, o := filepath.Join(dir, "x.s"), filepath.Join(dir, "x.o")
	if err := os.WriteFile(s, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("as", "-o", o, s).CombinedOutput(); err != nil {
		t.Fatalf("as: %v\n%s\n%s", err, b, out)
	}
	dump, err := exec.Command("objdump", "-dr", "-j", ".text", o).Output()
	if err != nil {
		t.Fatal(err)
	}
	relocs := regexp.MustCompile(`(?m)^\s+([0-9a-f]+): R_X86_64_PLT32\s+__SCT__(\w+)-0x4$`).FindAllStringSubmatch(string(dump), -1)
	aligned := 0
	for _, r := range relocs {
		off, _ := strconv.ParseUint(r[1], 16, 64)
		if off%4 == 0 {
			aligned++
		}
	}
	// The recorded four are aligned; the two left alone may be.
	if aligned < 4 || len(relocs) != 6 {
		t.Errorf("%d of %d branches to trampolines have a 4-aligned rel32, want the 4 recorded of 6:\n%s", aligned, len(relocs), dump)
	}
	tab, err := exec.Command("objdump", "-r", "-j", "static_call_sites", o).Output()
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`R_X86_64_GOTPCREL\s+__SCK__(\w+)`).FindAllStringSubmatch(string(tab), -1)
	var names []string
	for _, k := range keys {
		names = append(names, k[1])
	}
	if d := cmp.Diff([]string{"op", "op", "hook", "calc"}, names); d != "" {
		t.Errorf("table keys (-want +got):\n%s\n%s", d, tab)
	}
}

// TestNoRuntime: without the runtime (or in kernel mode) nothing changes.
func TestNoRuntime(t *testing.T) {
	for _, cfg := range []passes.Config{{}, {Runtime: true, Mode: passes.Kernel}} {
		res, out := run(t, cfg)
		if len(res.Sites) != 0 || out != src {
			t.Errorf("%+v: %d sites, output changed: %v", cfg, len(res.Sites), out != src)
		}
	}
}
