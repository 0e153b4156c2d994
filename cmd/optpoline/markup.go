package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/optpoline/optpoline/internal/atomicfile"
	"github.com/optpoline/optpoline/parser"
)

// maxErrors is how many errors a file reports before "too many errors", as in cmd/asm.
const maxErrors = 10

func runMarkup(e *env, args []string) int {
	fs := newFlagSet("markup", "FILE.s…", "Rewrite every indirect call and tail call in GCC/Clang x86-64 assembly into a\npromoted site (design/sites.md). Output goes to stdout unless -o or -i.")
	inPlace := fs.BoolP("in-place", "i", false, "rewrite each FILE in place (atomically)")
	out := fs.StringP("output", "o", "", "write the result to `OUT` (one input only; \"-\" is stdout)")
	promote := fs.String("promote", "all", "which sites to promote: all, or none (print the parsed file back unchanged)")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	files := fs.Args()
	usageErr := func(msg string) int {
		fmt.Fprintf(e.stderr, "optpoline markup: %s\n", msg)
		return 2
	}
	switch {
	case len(files) == 0:
		return usageErr("no input files")
	case *inPlace && *out != "":
		return usageErr("-i and -o are mutually exclusive")
	case *out != "" && len(files) > 1:
		return usageErr("-o takes one input file")
	case *promote != "all" && *promote != "none":
		return usageErr(fmt.Sprintf("--promote=%s: want all or none", *promote))
	case *promote == "all":
		fmt.Fprintln(e.stderr, "optpoline markup: the call-markup pass is not built yet (issue 4); use --promote=none")
		return 2
	}
	status := 0
	for _, name := range files {
		dst := *out
		if *inPlace {
			dst = name
		}
		if err := markupFile(e, name, dst); err != nil {
			reportErrors(e, "markup", err)
			status = 1
		}
	}
	return status
}

// markupFile parses name piece by piece and writes the result to dst (""
// or "-": stdout). A file destination is replaced atomically and only when
// the whole input is free of errors.
func markupFile(e *env, name, dst string) error {
	in := e.stdin
	if name == "-" {
		name = "<stdin>"
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		in = fh
	}
	process := func(w io.Writer) error {
		var errs parser.ErrorList
		c := parser.NewChunker(name, in, pieceSize)
		for {
			f, err := c.Next()
			if err == io.EOF {
				break
			}
			var list parser.ErrorList
			if err != nil && !errors.As(err, &list) {
				return err
			}
			errs = append(errs, list...)
			if err := f.CheckOperands(); err != nil {
				errs = append(errs, err.(parser.ErrorList)...)
			}
			if len(errs) > maxErrors {
				break
			}
			if len(errs) > 0 {
				continue // keep reporting; write nothing more
			}
			if _, err := parser.NewRewriter(f).WriteTo(w); err != nil {
				return err
			}
		}
		parser.SortErrors(errs)
		return errs.Err()
	}
	if dst == "" || dst == "-" {
		return process(e.stdout)
	}
	return atomicfile.Write(dst, process)
}

// pieceSize is how much input markup parses at a time.
const pieceSize = 1 << 20

// reportErrors prints err gcc-style: one line per parser error, capped.
func reportErrors(e *env, cmd string, err error) {
	var list parser.ErrorList
	var one *parser.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = parser.ErrorList{one}
	default:
		fmt.Fprintf(e.stderr, "optpoline %s: %v\n", cmd, err)
		return
	}
	for i, pe := range list {
		if i == maxErrors {
			fmt.Fprintf(e.stderr, "%s: too many errors\n", pe.Pos.Filename)
			break
		}
		fmt.Fprintln(e.stderr, pe.Error())
	}
}
