package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestMain lets the test binary act as optpoline, so scripts run the real
// command (flags, exit codes, files) in a process of its own.
func TestMain(m *testing.M) {
	if os.Getenv("OPTPOLINE_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestScripts runs testdata/script/*.txtar: the archive's comment is a
// script, its files are the work directory. Commands:
//
//	[!] exec optpoline ARGS…   run optpoline; ! expects a non-zero exit
//	status N                   the last exec exited with N
//	stdin FILE                 the next exec reads FILE
//	[!] stdout|stderr REGEXP   the last exec's output matches (multi-line mode)
//	[!] cmp A B                files (or "stdout"/"stderr") are byte-identical
//	[!] exists FILE
//	env NAME=VALUE             set for the following execs
//
// Arguments may be 'quoted'; $WORK is the work directory.
func TestScripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/script/*.txtar")
	if len(files) == 0 {
		t.Fatal("no scripts")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			for _, f := range ar.Files {
				p := filepath.Join(work, f.Name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := &script{t: t, exe: exe, work: work}
			for i, line := range strings.Split(string(ar.Comment), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				s.line = fmt.Sprintf("%s:%d", file, i+1)
				s.do(line)
			}
		})
	}
}

type script struct {
	t              *testing.T
	exe, work      string
	line           string
	stdin          string
	stdout, stderr string
	status         int
	env            []string
}

func (s *script) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("%s: %s\nstdout:\n%s\nstderr:\n%s", s.line, fmt.Sprintf(format, args...), s.stdout, s.stderr)
}

func (s *script) do(line string) {
	s.t.Helper()
	neg := strings.HasPrefix(line, "! ")
	if neg {
		line = line[2:]
	}
	args := splitArgs(strings.ReplaceAll(line, "$WORK", s.work))
	switch args[0] {
	case "exec":
		if len(args) < 2 || args[1] != "optpoline" {
			s.fatalf("exec runs only optpoline")
		}
		cmd := exec.Command(s.exe, args[2:]...)
		cmd.Dir = s.work
		cmd.Env = append(os.Environ(), "OPTPOLINE_TEST_MAIN=1", "OPTPOLINE_FLAGS=")
		cmd.Env = append(cmd.Env, s.env...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if s.stdin != "" {
			in, err := os.Open(filepath.Join(s.work, s.stdin))
			if err != nil {
				s.fatalf("%v", err)
			}
			defer in.Close()
			cmd.Stdin = in
			s.stdin = ""
		}
		err := cmd.Run()
		s.stdout, s.stderr, s.status = out.String(), errb.String(), cmd.ProcessState.ExitCode()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			s.fatalf("%v", err)
		}
		if neg != (s.status != 0) {
			s.fatalf("exit status %d", s.status)
		}
	case "status":
		if want, _ := strconv.Atoi(args[1]); s.status != want {
			s.fatalf("exit status %d, want %d", s.status, want)
		}
	case "stdin":
		s.stdin = args[1]
	case "stdout", "stderr":
		text := s.stdout
		if args[0] == "stderr" {
			text = s.stderr
		}
		re, err := regexp.Compile("(?m)" + args[1])
		if err != nil {
			s.fatalf("%v", err)
		}
		if re.MatchString(text) == neg {
			s.fatalf("%s %s %q: not as expected", map[bool]string{true: "!", false: ""}[neg], args[0], args[1])
		}
	case "cmp":
		if a, b := s.read(args[1]), s.read(args[2]); (a != b) != neg {
			s.fatalf("%s and %s: want equal %v:\n%q\n%q", args[1], args[2], !neg, a, b)
		}
	case "env":
		s.env = append(s.env, args[1])
	case "exists":
		_, err := os.Stat(filepath.Join(s.work, args[1]))
		if (err == nil) == neg {
			s.fatalf("exists %s: %v", args[1], err)
		}
	default:
		s.fatalf("unknown command %q", args[0])
	}
}

func (s *script) read(name string) string {
	switch name {
	case "stdout":
		return s.stdout
	case "stderr":
		return s.stderr
	}
	b, err := os.ReadFile(filepath.Join(s.work, name))
	if err != nil {
		s.fatalf("%v", err)
	}
	return string(b)
}

// splitArgs splits on blanks, honouring 'single quotes'.
func splitArgs(line string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			inQuote, have = !inQuote, true
		case !inQuote && (r == ' ' || r == '\t'):
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}
