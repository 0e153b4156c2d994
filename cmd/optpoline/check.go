package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/optpoline/optpoline/objtoolcheck"
	"github.com/optpoline/optpoline/objtoolcheck/report"
)

// maxFindings is how many findings a file reports unless -e, like cmd/asm's error cap.
const maxFindings = 10

// modeFlags are the objtool-style booleans that turn one check on.
var modeFlags = []struct{ flag, id, usage string }{
	{"retpoline", objtoolcheck.Retpoline, "flag indirect calls and jumps (objtool --retpoline)"},
	{"rethunk", objtoolcheck.Rethunk, "flag bare ret (objtool --rethunk)"},
	{"sls", objtoolcheck.SLS, "flag ret and indirect jmp without a following int3 (objtool --sls)"},
	{"frame-pointer", objtoolcheck.FramePointer, "flag calls before the frame pointer is set up (objtool --stackval)"},
}

const checkDoc = `Validate GCC/Clang x86-64 assembly the way the kernel's objtool validates
objects: stack state on every path, reachability, fall-through, ELF sizes,
retpoline/rethunk/SLS safety, CFI, sections and optpoline's site table
("--list" shows the checks, "--explain ID" what one means). "-" reads stdin.

Findings go to stdout (text: "file:line:col: warning: message [id]", one a
line), so they can be piped; input errors and notes go to stderr.
Exit status: 0 no findings, 1 findings (also with --werror), 2 usage error
or a file that cannot be read or parsed (the other files are still checked).`

func runCheck(e *env, args []string) int {
	fs := newFlagSet("check", "FILE.s…", checkDoc)
	format := fs.String("format", "text", "output `FORMAT`: text, json (an array of findings) or sarif (SARIF 2.1.0)")
	enable := fs.StringSlice("enable", nil, "also run the checks `IDs` (comma-separated; \"all\": every check)")
	disable := fs.StringSlice("disable", nil, "do not run the checks `IDs` (comma-separated; \"all\": every check)")
	modes := make([]*bool, len(modeFlags))
	for i, m := range modeFlags {
		modes[i] = fs.Bool(m.flag, false, m.usage+"; same as --enable="+m.id)
	}
	kernel := fs.Bool("kernel", false, "apply the kernel's rules (.init.text exempt from --retpoline)")
	noreturn := fs.StringSlice("noreturn", nil, "treat `SYM` as a function that never returns (repeatable)")
	werror := fs.Bool("werror", false, "report findings as errors")
	noLimit := fs.BoolP("no-limit", "e", false, fmt.Sprintf("report every finding (default: at most %d per file)", maxFindings))
	explain := fs.String("explain", "", "describe the check `ID` and exit")
	list := fs.Bool("list", false, "list every check and exit")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "optpoline check: "+format+"\n", args...)
		return 2
	}
	switch {
	case *list:
		listChecks(e.stdout)
		return 0
	case fs.Changed("explain"):
		c, ok := objtoolcheck.Lookup(*explain)
		if !ok {
			return usageErr("--explain: unknown check %q (known: %s)", *explain, strings.Join(objtoolcheck.IDs(), ", "))
		}
		explainCheck(e.stdout, c)
		return 0
	}
	var write func(w io.Writer, findings []objtoolcheck.Finding, files []string) error
	switch *format {
	case "text":
		write = func(w io.Writer, f []objtoolcheck.Finding, _ []string) error { return report.Text(w, f) }
	case "json":
		write = func(w io.Writer, f []objtoolcheck.Finding, _ []string) error { return report.JSON(w, f) }
	case "sarif":
		write = report.SARIF
	default:
		return usageErr("--format=%s: want text, json or sarif", *format)
	}
	set, err := objtoolcheck.EnabledSet(*enable, *disable)
	if err != nil {
		return usageErr("%v", err)
	}
	for i, m := range modeFlags {
		if *modes[i] {
			set[m.id] = true // after --disable: "--disable=all --sls" runs sls alone
		}
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageErr("no input files")
	}
	cfg := objtoolcheck.Config{Enabled: set, Noreturn: *noreturn, Kernel: *kernel, Werror: *werror}

	status := 0
	var all []objtoolcheck.Finding
	var checked []string
	for _, name := range files {
		findings, err := checkFile(e, name, cfg)
		if err != nil {
			reportErrors(e, "check", err)
			status = 2
			continue
		}
		if name == "-" {
			name = stdinName
		}
		checked = append(checked, name)
		if len(findings) > 0 && status == 0 {
			status = 1
		}
		more := 0
		if len(findings) > maxFindings && !*noLimit {
			findings, more = findings[:maxFindings], len(findings)-maxFindings
		}
		if *format != "text" {
			all = append(all, findings...)
			continue
		}
		// Text streams, file by file; the note follows the file's findings.
		if err := write(e.stdout, findings, nil); err != nil {
			fmt.Fprintf(e.stderr, "optpoline check: %v\n", err)
			return 2
		}
		if more > 0 {
			fmt.Fprintf(e.stderr, "%s: too many findings (%d more)\n", name, more)
		}
	}
	if *format != "text" {
		if err := write(e.stdout, all, checked); err != nil {
			fmt.Fprintf(e.stderr, "optpoline check: %v\n", err)
			return 2
		}
	}
	return status
}

// stdinName is what findings and errors call the standard input.
const stdinName = "<stdin>"

// checkFile reads and checks one file ("-": stdin). The error is a
// parser.ErrorList for bad input, or the read error.
func checkFile(e *env, name string, cfg objtoolcheck.Config) ([]objtoolcheck.Finding, error) {
	var src []byte
	var err error
	if name == "-" {
		name = stdinName
		src, err = io.ReadAll(e.stdin)
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	return objtoolcheck.File(name, src, cfg)
}

// listChecks prints one line per check: ID, on/off by default, summary.
func listChecks(w io.Writer) {
	width := 0
	for _, c := range objtoolcheck.Checks {
		width = max(width, len(c.ID))
	}
	for _, c := range objtoolcheck.Checks {
		fmt.Fprintf(w, "%-*s  %-3s  %s\n", width, c.ID, onOff(c.Default), c.Summary)
	}
}

// explainCheck prints what --explain shows: the ID and summary, objtool's
// wording, the default and how to change it, and the doc.
func explainCheck(w io.Writer, c *objtoolcheck.Check) {
	fmt.Fprintf(w, "%s: %s\n", c.ID, c.Summary)
	if c.Objtool != "" {
		fmt.Fprintf(w, "objtool: %s\n", c.Objtool)
	} else {
		fmt.Fprintf(w, "objtool: (no equivalent)\n")
	}
	how := "--disable=" + c.ID
	if !c.Default {
		how = "--enable=" + c.ID
		for _, m := range modeFlags {
			if m.id == c.ID {
				how += " or --" + m.flag
			}
		}
	}
	fmt.Fprintf(w, "default: %s (%s)\n\n%s\n", onOff(c.Default), how, c.Doc)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
