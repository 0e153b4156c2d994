// Command optpoline promotes indirect calls in GCC and Clang assembly to
// direct calls patched at run time.
//
//	optpoline markup [-i] [-o OUT] [--promote=all|none] FILE.s…
//	optpoline check [--format=text|json|sarif] FILE.s…
//	optpoline cc [--optpoline-flags…] COMPILER ARGS…
//	optpoline profile show|export|merge [-o OUT] FILE|DIR…
//	optpoline demo
//	optpoline print-include-dir
//
// Run "optpoline COMMAND --help" for a command's flags.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/optpoline/optpoline/internal/version"
)

// A command is one subcommand: it parses its own flags and returns the exit code.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) int
}

// env is what a command may touch: its streams. Only this package prints.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands []command

func init() {
	commands = []command{
		{"markup", "rewrite indirect calls in assembly files into promoted sites", runMarkup},
		{"check", "validate assembly files (objtool-class checks)", runCheck},
		{"cc", "drop-in compiler wrapper: compile, mark up, assemble", runCC},
		{"profile", "read, merge and export run-time profiles", runProfile},
		{"demo", "build a bundled program several ways and show the gain", runDemo},
		{"print-include-dir", "print the directory of <optpoline/static_call.h>", runPrintIncludeDir},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", runHelp},
	}
}

func main() {
	os.Exit(run(&env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help":
		usage(e.stdout)
		return 0
	case "--version":
		return runVersion(e, nil)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "optpoline: unknown command %q\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "optpoline %s: direct-call speed for indirect calls, at the assembly level\n\nUsage: optpoline COMMAND [flags] [args]\n\nCommands:\n", version.Version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-17s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun \"optpoline COMMAND --help\" for a command's flags.\n")
}

func runVersion(e *env, args []string) int {
	fs := newFlagSet("version", "", "print optpoline's version and the site-table ABI it writes")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	fmt.Fprintf(e.stdout, "optpoline %s (site ABI v%d)\n", version.Version, version.ABI)
	return 0
}

func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return 0
	}
	return run(e, []string{args[0], "--help"})
}
