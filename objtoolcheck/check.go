package objtoolcheck

import (
	"fmt"
	"sort"

	"github.com/optpoline/optpoline/parser"
)

// Severity of a finding.
type Severity string

const (
	Warning Severity = "warning"
	Error   Severity = "error" // with Config.Werror
)

// A Finding is one problem at one place.
type Finding struct {
	File     string
	Line     int // 1-based
	Col      int // 1-based byte column
	ID       string
	Severity Severity
	Message  string
	Function string // enclosing function, "" outside any
}

// String formats f the way gcc does: "file:line:col: warning: msg [id]".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Line, f.Col, f.Severity, f.Message, f.ID)
}

// Config says which checks run and how.
type Config struct {
	// Enabled maps check IDs to whether they run; nil means the defaults
	// (see EnabledSet).
	Enabled map[string]bool
	// Noreturn lists extra functions that never return.
	Noreturn []string
	// Kernel says the file is kernel code. No check depends on it yet:
	// .init.text is exempt from the retpoline check either way, as objtool
	// exempts it in any object that is not a module.
	Kernel bool
	// Werror reports findings as errors.
	Werror bool
}

func (c *Config) on(id string) bool {
	if c.Enabled == nil {
		k, ok := Lookup(id)
		return ok && k.Default
	}
	return c.Enabled[id]
}

// File checks one assembly file. A parse error returns the parser's
// ErrorList and no findings.
func File(name string, src []byte, cfg Config) ([]Finding, error) {
	f, err := parser.Parse(name, src)
	if err != nil {
		return nil, err
	}
	return Parsed(f, cfg), nil
}

// Parsed checks an already parsed file.
func Parsed(f *parser.File, cfg Config) []Finding {
	c := newChecker(f, &cfg)
	c.run()
	return c.finish()
}

// finish sorts and deduplicates the findings (the caller caps them: it
// says how many it cut).
func (c *checker) finish() []Finding {
	fs := c.findings
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		if fs[i].Col != fs[j].Col {
			return fs[i].Col < fs[j].Col
		}
		return fs[i].ID < fs[j].ID
	})
	out := fs[:0]
	for i, x := range fs {
		if i > 0 && x == fs[i-1] {
			continue
		}
		out = append(out, x)
	}
	return out
}
