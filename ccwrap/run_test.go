package ccwrap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shJob is a job whose compiler is sh: compile writes asm to the .s, the
// assembler copies the marked-up file to the object.
func shJob(dir, name, asm string) Job {
	tmp := filepath.Join(dir, "tmp")
	return Job{
		Source:   name + ".c",
		Compile:  []string{"sh", "-c", `printf '%s' "$1" > "$0"`, filepath.Join(tmp, name+".s"), asm},
		Asm:      filepath.Join(tmp, name+".s"),
		Marked:   filepath.Join(tmp, name+".opt.s"),
		Assemble: []string{"cp", filepath.Join(tmp, name+".opt.s"), filepath.Join(dir, "."+name+".o.tmp")},
		Tmp:      filepath.Join(dir, "."+name+".o.tmp"),
		Out:      filepath.Join(dir, name+".o"),
	}
}

const (
	goodAsm = "\t.text\n\t.globl f\n\t.type f, @function\nf:\n\tcall *%rax\n\tret\n\t.size f, .-f\n"
	badAsm  = "\t.text\nf:\n\tcall *%foo\n"
)

func runPlan(t *testing.T, opts Options, jobs ...Job) (*Runner, int, error) {
	t.Helper()
	p := &Plan{Jobs: jobs, Dir: filepath.Join(filepath.Dir(jobs[0].Out), "tmp")}
	if err := os.Mkdir(p.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Options: opts}
	status, err := r.Run(p)
	if _, serr := os.Stat(p.Dir); serr == nil {
		t.Error("temporary directory left behind")
	}
	return r, status, err
}

func TestRunMarksUp(t *testing.T) {
	dir := t.TempDir()
	_, status, err := runPlan(t, DefaultOptions(), shJob(dir, "a", goodAsm))
	if status != 0 || err != nil {
		t.Fatalf("status %d, err %v", status, err)
	}
	out, err := os.ReadFile(filepath.Join(dir, "a.o"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "optpoline_sites") {
		t.Errorf("not marked up:\n%s", out)
	}
}

func TestRunMarkupError(t *testing.T) {
	dir := t.TempDir()
	_, status, err := runPlan(t, DefaultOptions(), shJob(dir, "a", badAsm))
	var me *MarkupError
	if status != 1 || !errors.As(err, &me) || me.Source != "a.c" ||
		!strings.Contains(err.Error(), `a.c: a.c.s:3:8: error: bad register name "%foo"`) {
		t.Fatalf("status %d, err %v", status, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("files left: %v", ents)
	}
}

func TestRunFallback(t *testing.T) {
	dir := t.TempDir()
	opts := DefaultOptions()
	opts.Fallback = true
	var told []string
	p := &Plan{Jobs: []Job{shJob(dir, "a", badAsm), shJob(dir, "b", badAsm)}, Dir: filepath.Join(dir, "tmp")}
	os.Mkdir(p.Dir, 0o700)
	r := &Runner{Options: opts, Fallback: func(me *MarkupError) { told = append(told, me.Source) }}
	if status, err := r.Run(p); status != 0 || err != nil {
		t.Fatalf("status %d, err %v", status, err)
	}
	if strings.Join(told, " ") != "a.c b.c" {
		t.Errorf("told of %q, want a.c b.c", told)
	}
	if out, _ := os.ReadFile(filepath.Join(dir, "a.o")); string(out) != badAsm {
		t.Errorf("a.o = %q, want the unmodified assembly", out)
	}
}

// A failing compile fails the run with its status; the other inputs of
// a -c command are still compiled, as the compiler does; the link is not run.
func TestRunStatus(t *testing.T) {
	dir := t.TempDir()
	bad := shJob(dir, "a", goodAsm)
	bad.Compile = []string{"sh", "-c", "echo oops >&2; exit 3"}
	p := &Plan{Jobs: []Job{bad, shJob(dir, "b", goodAsm)}, Dir: filepath.Join(dir, "tmp"),
		Link: []string{"touch", filepath.Join(dir, "linked")}}
	os.Mkdir(p.Dir, 0o700)
	var stderr strings.Builder
	r := &Runner{Stderr: &stderr}
	if status, err := r.Run(p); status != 3 || err != nil {
		t.Fatalf("status %d, err %v", status, err)
	}
	if stderr.String() != "oops\n" {
		t.Errorf("stderr %q", stderr.String())
	}
	for name, want := range map[string]bool{"a.o": false, "b.o": true, "linked": false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", name, err == nil, want)
		}
	}
}
