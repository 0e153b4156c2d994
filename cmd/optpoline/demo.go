package main

import (
	"fmt"
	"os"

	"github.com/optpoline/optpoline/demo"
)

func runDemo(e *env, args []string) int {
	fs := newFlagSet("demo", "", "Build a bundled interpreter-like C program with gcc four ways (plain, with\nretpolines, with retpolines + optpoline, and with retpolines + optpoline\npromoted statically from a profile of one run), run each several times in\nturn and print the median times and how much of the retpoline overhead\noptpoline recovers.")
	keep := fs.String("keep", "", "build in `DIR` and leave the builds there")
	runs := fs.Int("runs", 5, "runs of each build")
	scale := fs.Int("scale", 300, "the program's work scale")
	cc := fs.String("cc", "gcc", "the C compiler")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline demo: %v\n", err)
		return 1
	}
	// A progress line on a terminal; elsewhere (logs, CI) one line per step.
	tty := false
	if f, ok := e.stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	progress := func(s string) { fmt.Fprintf(e.stderr, "optpoline demo: %s\n", s) }
	if tty {
		progress = func(s string) { fmt.Fprintf(e.stderr, "\r\033[K%s", s) }
	}
	res, err := demo.Run(demo.Options{Exe: exe, CC: *cc, Dir: *keep, Runs: *runs, Scale: *scale, Progress: progress})
	if tty {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline demo: %v\n", err)
		return 1
	}
	res.Report(e.stdout, *runs)
	if *keep != "" {
		fmt.Fprintf(e.stdout, "builds kept in %s (plain, retpoline, optpoline, static, prog.prof; run one with OPTPOLINE=stats)\n", *keep)
	}
	return 0
}
