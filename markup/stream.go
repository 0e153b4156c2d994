package markup

import (
	"errors"
	"io"
	"maps"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/callmarkup"
	"github.com/optpoline/optpoline/passes/dispatch"
)

// Stream is File for long inputs: it works piece by piece, so memory
// follows the largest function rather than the file. open must return the
// input from its start; it is called twice. The first pass checks the file
// and gathers the file-wide facts (address-taken labels, CFI, the source
// name); the second rewrites whole functions at a time and writes as it
// goes. Nothing is written when the input has errors.
func Stream(name string, open func() (io.ReadCloser, error), cfg passes.Config, w io.Writer, pieceSize int) (*callmarkup.Result, error) {
	r, err := StreamAll(name, open, cfg, w, pieceSize)
	if r == nil {
		return nil, err
	}
	return r.Calls, err
}

// Results are the results of every pass over a file.
type Results struct {
	Calls    *callmarkup.Result
	Dispatch *dispatch.Result
}

// StreamAll is Stream, returning the results of every pass.
func StreamAll(name string, open func() (io.ReadCloser, error), cfg passes.Config, w io.Writer, pieceSize int) (*Results, error) {
	facts := callmarkup.Facts{Symbols: cfg.Profile != nil}
	var errs parser.ErrorList
	err := pieces(name, open, pieceSize, func(c *parser.Chunker, f *parser.File, scanErrs parser.ErrorList) error {
		errs = append(errs, scanErrs...)
		if err := f.CheckOperands(); err != nil {
			errs = append(errs, err.(parser.ErrorList)...)
		}
		facts.Add(f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		parser.SortErrors(errs)
		return nil, errs
	}

	pc := facts.Piece(name)
	total := &callmarkup.Result{}
	disp := &dispatch.Result{}
	err = pieces(name, open, pieceSize, func(c *parser.Chunker, f *parser.File, _ parser.ErrorList) error {
		cut := len(f.Stmts)
		if !c.Last() {
			if cut = cutPoint(f, pc); cut == 0 {
				c.More()
				return nil
			}
			c.Unread(cut)
		}
		sub := &parser.File{Name: f.Name, Src: f.Src[:f.End(cut-1)], Stmts: f.Stmts[:cut]}
		u := &passes.Unit{File: sub, Rewriter: parser.NewRewriter(sub), Config: cfg, Piece: pc}
		if err := passes.Run(Pipeline, u); err != nil {
			return err
		}
		if _, err := u.Rewriter.WriteTo(w); err != nil {
			return err
		}
		res := u.Results[callmarkup.Pass].(*callmarkup.Result)
		total.Sites = append(total.Sites, res.Sites...)
		total.Skipped = append(total.Skipped, res.Skipped...)
		total.Warnings = append(total.Warnings, res.Warnings...)
		for k, n := range res.ByKind {
			total.ByKind[k] += n
		}
		d := u.Results[dispatch.Pass].(*dispatch.Result)
		disp.Sites = append(disp.Sites, d.Sites...)
		disp.Skipped = append(disp.Skipped, d.Skipped...)
		for k, n := range d.ByKind {
			disp.ByKind[k] += n
		}
		disp.Funnels += d.Funnels
		disp.Learned += d.Learned
		disp.NLabels += d.NLabels
		return nil
	})
	return &Results{Calls: total, Dispatch: disp}, err
}

// pieces calls fn for every piece of the input.
func pieces(name string, open func() (io.ReadCloser, error), size int, fn func(*parser.Chunker, *parser.File, parser.ErrorList) error) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	c := parser.NewChunker(name, r, size)
	for {
		f, err := c.Next()
		if err == io.EOF {
			return nil
		}
		var scanErrs parser.ErrorList
		if err != nil && !errors.As(err, &scanErrs) {
			return err
		}
		if err := fn(c, f, scanErrs); err != nil {
			return err
		}
	}
}

// cutPoint is where the piece f can be cut so that every function before
// the cut is whole: just past the last function that ends (with its .size
// or .cfi_endproc) with no function straddling the cut; or, when every
// function of the piece ends, after the data that follows them (debug info
// makes up most of a -g file), short of anything that may open the next
// function. 0 means no such place.
func cutPoint(f *parser.File, pc *passes.Piece) int {
	ss := pc.Sections
	fns, err := analysis.FuncsFrom(f, &ss, maps.Clone(pc.Groups))
	if err != nil {
		return 0
	}
	closed := func(c int) bool {
		if c <= 0 || c >= len(f.Stmts) || f.Stmts[c-1].Kind != parser.Directive ||
			!f.WordIs(c-1, ".size") && !f.WordIs(c-1, ".cfi_endproc") {
			return false
		}
		for _, g := range fns {
			if g.Label < c && g.End > c {
				return false
			}
		}
		return true
	}
	tail := len(f.Stmts)
	for tail > 0 && preamble(f, tail-1) {
		tail--
	}
	if len(fns) == 0 || closed(fns[len(fns)-1].End) && fns[len(fns)-1].End <= tail {
		if tail > 0 {
			return tail
		}
	}
	for k := len(fns) - 1; k >= 0; k-- {
		if c := fns[k].End; closed(c) {
			return c
		}
	}
	return 0
}

// preamble reports a statement that may belong to the start of a function
// whose label comes later: labels, symbol and alignment directives, section
// switches, CFI openings, blanks.
func preamble(f *parser.File, i int) bool {
	switch f.Stmts[i].Kind {
	case parser.Blank, parser.Label, parser.Prefix:
		return true
	case parser.Directive:
		switch f.Word(i) {
		case ".type", ".globl", ".global", ".weak", ".hidden", ".local", ".internal", ".protected",
			".p2align", ".align", ".balign", ".section", ".text", ".pushsection", ".popsection", ".previous",
			".cfi_startproc", ".cfi_sections", ".file", ".loc", ".set":
			return true
		}
	}
	return false
}
