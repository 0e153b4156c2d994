// Package report writes validator findings (objtoolcheck.Finding) in the
// formats of "optpoline check --format": text, JSON and SARIF 2.1.0.
//
// The writers only format: sorting, deduplication and the per-file cap are
// the caller's (objtoolcheck.File sorts and deduplicates each file).
package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/optpoline/optpoline/objtoolcheck"
)

// Text writes one finding per line, gcc style, exactly as
// Finding.String prints it: "file:line:col: warning: message [id]".
// No findings write nothing.
func Text(w io.Writer, findings []objtoolcheck.Finding) error {
	for _, f := range findings {
		if _, err := fmt.Fprintln(w, f.String()); err != nil {
			return err
		}
	}
	return nil
}

// jsonFinding is one element of the JSON output. Every key is always
// present; function is "" outside any function.
type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Function string `json:"function"`
}

// JSON writes the findings as one JSON array, indented by two spaces and
// followed by a newline, in the given order:
//
//	[
//	  {
//	    "file": "foo.s",
//	    "line": 120,
//	    "col": 2,
//	    "id": "stack-ret",
//	    "severity": "warning",
//	    "message": "return with modified stack frame",
//	    "function": "foo"
//	  }
//	]
//
// Every key is always present (function is "" outside any function);
// severity is "warning" or "error"; line and col are 1-based, col counts
// bytes. No findings write "[]".
func JSON(w io.Writer, findings []objtoolcheck.Finding) error {
	out := make([]jsonFinding, len(findings))
	for i, f := range findings {
		out[i] = jsonFinding{f.File, f.Line, f.Col, f.ID, string(f.Severity), f.Message, f.Function}
	}
	return writeIndented(w, out)
}

// writeIndented writes v as indented JSON and a newline, leaving <, > and
// & unescaped ("<stdin>").
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
