// Package markup runs the markup pipeline over one assembly file.
package markup

import (
	"io"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/callmarkup"
	"github.com/optpoline/optpoline/passes/dispatch"
	"github.com/optpoline/optpoline/passes/staticcall"
)

// Pipeline is the list of passes "optpoline markup" runs, in order.
// staticcall reads the piece's section state before callmarkup advances it.
var Pipeline = []*passes.Pass{staticcall.Pass, callmarkup.Pass, dispatch.Pass}

// File parses src, runs the pipeline and writes the rewritten file to w.
// Nothing is written when src has errors. A file with nothing to promote
// is written byte for byte. The result is the call pass's; FileAll gives
// every pass's.
func File(name string, src []byte, cfg passes.Config, w io.Writer) (*callmarkup.Result, error) {
	r, err := FileAll(name, src, cfg, w)
	if err != nil {
		return nil, err
	}
	return r.Calls, nil
}

// FileAll is File, returning the results of every pass.
func FileAll(name string, src []byte, cfg passes.Config, w io.Writer) (*Results, error) {
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
	return &Results{Calls: u.Results[callmarkup.Pass].(*callmarkup.Result), Dispatch: u.Results[dispatch.Pass].(*dispatch.Result)}, nil
}
