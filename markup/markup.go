// Package markup runs the markup pipeline over one assembly file.
package markup

import (
	"io"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/callmarkup"
	"github.com/optpoline/optpoline/passes/staticcall"
)

// Pipeline is the list of passes "optpoline markup" runs, in order.
// staticcall reads the piece's section state before callmarkup advances it.
var Pipeline = []*passes.Pass{staticcall.Pass, callmarkup.Pass}

// File parses src, runs the pipeline and writes the rewritten file to w.
// Nothing is written when src has errors. A file with nothing to promote
// is written byte for byte.
func File(name string, src []byte, cfg passes.Config, w io.Writer) (*callmarkup.Result, error) {
	f, err := parser.ParseChecked(name, src)
	if err != nil {
		return nil, err
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f), Config: cfg}
	if err := passes.Run(Pipeline, u); err != nil {
		return nil, err
	}
	if _, err := u.Rewriter.WriteTo(w); err != nil {
		return nil, err
	}
	return u.Results[callmarkup.Pass].(*callmarkup.Result), nil
}
