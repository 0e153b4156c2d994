package objtoolcheck

import (
	"fmt"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
)

// checker holds one file's state while its checks run.
type checker struct {
	f        *parser.File
	cfg      *Config
	funcs    []analysis.Func
	findings []Finding
}

func newChecker(f *parser.File, cfg *Config) *checker {
	return &checker{f: f, cfg: cfg}
}

// report records a finding at statement i.
func (c *checker) report(i int, fn string, id, format string, args ...any) {
	if !c.cfg.on(id) {
		return
	}
	sev := Warning
	if c.cfg.Werror {
		sev = Error
	}
	st := &c.f.Stmts[i]
	off := st.Pos
	if st.WordLen > 0 {
		off = st.Pos + uint32(st.WordOff)
	}
	p := c.f.Position(off)
	c.findings = append(c.findings, Finding{
		File: p.Filename, Line: p.Line, Col: p.Col, ID: id, Severity: sev,
		Message: fmt.Sprintf(format, args...), Function: fn,
	})
}

func (c *checker) run() {
	c.funcs, _ = analysis.Funcs(c.f)
}
