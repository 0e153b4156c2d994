package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/optpoline/optpoline/internal/atomicfile"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
)

// maxErrors is how many errors a file reports before "too many errors", as in cmd/asm.
const maxErrors = 10

func runMarkup(e *env, args []string) int {
	fs := newFlagSet("markup", "FILE.s…", "Rewrite every indirect call and tail call in GCC/Clang x86-64 assembly into a\npromoted site (design/sites.md). Output goes to stdout unless -o or -i.")
	inPlace := fs.BoolP("in-place", "i", false, "rewrite each FILE in place (atomically)")
	out := fs.StringP("output", "o", "", "write the result to `OUT` (one input only; \"-\" is stdout)")
	promote := fs.String("promote", "all", "which sites to promote: all, or none (print the parsed file back unchanged)")
	outline := fs.Int("outline", 4, "outline-block entries per site (0: no outline block)")
	mode := fs.String("mode", "user", "user or kernel (kernel: the compiler's thunks as fallback, kernel skip list)")
	learn := fs.Bool("runtime", false, "send every site's misses to the runtime's learning stubs (the program must link the runtime; optpoline cc does)")
	disp := fs.String("dispatch", "auto", "dispatch jumps (computed goto): auto, off, learned or funnel (design/sites.md §7)")
	stats := fs.Bool("stats", false, "print per-file site counts by kind, and every skipped candidate, to stderr")
	skipSec := fs.StringSlice("skip-section", nil, "never rewrite code in sections matching `GLOB` (repeatable)")
	skipFn := fs.StringSlice("skip-function", nil, "never rewrite functions matching `GLOB` (repeatable)")
	prof := fs.String("profile", "", "promote the hot targets of profile `P` statically (a profile, a dump or a directory of dumps; optpoline profile)")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	files := fs.Args()
	usageErr := func(msg string) int {
		fmt.Fprintf(e.stderr, "optpoline markup: %s\n", msg)
		return 2
	}
	cfg := passes.Config{Outline: *outline, SkipSections: *skipSec, SkipFunctions: *skipFn, Runtime: *learn}
	var err error
	if cfg.Dispatch, err = passes.ParseDispatch(*disp); err != nil {
		return usageErr("--dispatch: " + err.Error())
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
	case *outline < 0 || *outline > 255:
		return usageErr(fmt.Sprintf("--outline=%d: want 0 to 255", *outline))
	case *mode == "kernel":
		cfg.Mode = passes.Kernel
	case *mode != "user":
		return usageErr(fmt.Sprintf("--mode=%s: want user or kernel", *mode))
	}
	if *prof != "" {
		p, _, err := loadProfiles([]string{*prof}, true)
		if err != nil {
			reportErrors(e, "markup", err)
			return 1
		}
		cfg.Profile = p
	}
	status := 0
	for _, name := range files {
		dst := *out
		if *inPlace {
			dst = name
		}
		var err error
		if *promote == "none" {
			err = printFile(e, name, dst)
		} else {
			err = markupFile(e, name, dst, cfg, *stats)
		}
		if err != nil {
			reportErrors(e, "markup", err)
			status = 1
		}
	}
	return status
}

// markupFile runs the markup pipeline on name, piece by piece, and writes
// the result to dst.
func markupFile(e *env, name, dst string, cfg passes.Config, stats bool) error {
	open := func() (io.ReadCloser, error) { return os.Open(name) }
	if name == "-" {
		// The pipeline reads its input twice: keep stdin in memory.
		src, err := io.ReadAll(e.stdin)
		if err != nil {
			return err
		}
		name = "<stdin>"
		open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil }
	} else if _, err := os.Stat(name); err != nil {
		return err
	}
	var res *markup.Results
	err := writeOutput(e, dst, func(w io.Writer) error {
		var err error
		res, err = markup.StreamAll(name, open, cfg, w, pieceSize)
		return err
	})
	if err == nil {
		for _, w := range res.Calls.Warnings {
			fmt.Fprintf(e.stderr, "%s:%d: warning: %s\n", name, w.Line, w.Msg)
		}
	}
	if err == nil && stats {
		fmt.Fprintf(e.stderr, "%s: %s\n", name, res.Calls.Summary())
		for _, s := range res.Calls.Skipped {
			fmt.Fprintf(e.stderr, "%s:%d: skipped in %s: %s\n", name, s.Line, s.Func, s.Reason)
		}
		if d := res.Dispatch; len(d.Sites)+len(d.Skipped) > 0 {
			fmt.Fprintf(e.stderr, "%s: %s\n", name, d.Summary())
			for _, s := range d.Skipped {
				fmt.Fprintf(e.stderr, "%s:%d: dispatch skipped in %s: %s\n", name, s.Line, s.Func, s.Reason)
			}
		}
	}
	return err
}

// writeOutput calls write with dst's writer: stdout for "" or "-", a
// special file (a pipe, /dev/null) directly, a regular file atomically.
func writeOutput(e *env, dst string, write func(io.Writer) error) error {
	if dst == "" || dst == "-" {
		return write(e.stdout)
	}
	if fi, err := os.Stat(dst); err == nil && !fi.Mode().IsRegular() {
		fh, err := os.OpenFile(dst, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(fh, 256<<10)
		err = write(bw)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return atomicfile.Write(dst, write)
}

// printFile parses name piece by piece and prints it back (--promote=none).
// A file destination is replaced only when the whole input is free of errors.
func printFile(e *env, name, dst string) error {
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
	return writeOutput(e, dst, func(w io.Writer) error {
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
	})
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
