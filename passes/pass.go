// Package passes is the framework of optpoline's rewriting passes, in the
// style of golang.org/x/tools/go/analysis: each pass is a declared value
// with a name, a doc, the passes it requires and a Run function, in a
// package of its own (passes/callmarkup, …). A pipeline is a plain list.
package passes

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/optpoline/optpoline/parser"
)

// A Pass rewrites or inspects one assembly file.
type Pass struct {
	Name     string  // short identifier: lowercase letters and digits
	Doc      string  // first line is a one-sentence summary
	Requires []*Pass // passes whose results Run reads from Unit.Results
	Run      func(*Unit) (any, error)
}

// Mode selects user-space or kernel conventions.
type Mode uint8

const (
	User Mode = iota
	Kernel
)

func (m Mode) String() string {
	if m == Kernel {
		return "kernel"
	}
	return "user"
}

// Config holds the options every pass of a run sees.
type Config struct {
	Mode    Mode
	Outline int // outline entries per site (0: none)
	// Runtime points user-mode call sites' misses at the runtime's learning
	// stubs (__optpoline_learn_REG, __optpoline_learn_thunk_REG), which the
	// program must then link (optpoline cc does). Without it the output is
	// self-contained: misses take the original branch.
	Runtime       bool
	SkipSections  []string // extra section globs never rewritten
	SkipFunctions []string // function globs never rewritten
	// Profile, when set, promotes profiled sites statically (static.go).
	Profile StaticProfile
	// Dispatch picks how passes/dispatch rewrites intra-function indirect
	// jumps (computed goto); DispatchAuto picks per site kind.
	Dispatch Dispatch
}

// Dispatch is a strategy for dispatch jumps (sites.md §7).
type Dispatch uint8

const (
	DispatchAuto    Dispatch = iota // the measured winner for the site's kind
	DispatchOff                     // leave dispatch jumps alone
	DispatchLearned                 // inline entries the runtime patches to hot labels
	DispatchFunnel                  // a compare tree over every label of the set
)

var dispatchNames = [...]string{"auto", "off", "learned", "funnel"}

func (d Dispatch) String() string {
	if int(d) < len(dispatchNames) {
		return dispatchNames[d]
	}
	return "Dispatch(?)"
}

// ParseDispatch reads a strategy name: auto, off, learned or funnel.
func ParseDispatch(s string) (Dispatch, error) {
	for i, n := range dispatchNames {
		if n == s {
			return Dispatch(i), nil
		}
	}
	return 0, fmt.Errorf("dispatch strategy %q: want auto, off, learned or funnel", s)
}

// Unit is one file, or one piece of a file, being processed by a pipeline.
type Unit struct {
	File     *parser.File
	Rewriter *parser.Rewriter
	Config   Config
	Results  map[*Pass]any
	// Piece is set when File is one piece of a longer file that is
	// processed piece by piece; nil means File is the whole file.
	Piece *Piece
}

// Piece is what passes must know about the whole file while they see one
// piece of it, and what they carry to the next piece. A driver fills the
// file-wide facts from a first pass over the file.
type Piece struct {
	// File-wide facts.
	AddrTaken map[string]bool // analysis.AddressTaken of the whole file
	HasCFI    bool            // the file has .cfi_startproc
	Code64    bool            // the file is 64-bit code (no .code16/.code32)
	Source    string          // the file's first .file name, or its path

	// Carried from piece to piece; passes update them.
	Sections     parser.SectionState // the section state at the piece's start
	Groups       map[string]string   // comdat group of each section seen so far
	NextSite     int                 // number of the piece's first site
	NextDispatch int                 // number of the piece's first dispatch site
	Emitted      map[string]bool     // file-wide definitions already written (labels, stubs)

	// Symbols, gathered for static promotion only (Config.Profile): the
	// file's symbol names, with SymDefined and SymReferenced bits.
	Symbols map[string]uint8
	AddrSig bool // the file has .addrsig (Clang): list taken addresses
}

// Bits of Piece.Symbols.
const (
	SymDefined    = 1 << 0 // a label of the file
	SymReferenced = 1 << 1 // named by an instruction or directive
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Validate checks a pipeline: well-formed unique names, a doc for every
// pass, every required pass earlier in the list, no cycles.
func Validate(pipeline []*Pass) error {
	var errs []error
	seen := map[*Pass]bool{}
	names := map[string]bool{}
	for _, p := range pipeline {
		switch {
		case !nameRE.MatchString(p.Name):
			errs = append(errs, fmt.Errorf("pass name %q is not an identifier", p.Name))
		case names[p.Name]:
			errs = append(errs, fmt.Errorf("duplicate pass name %q", p.Name))
		}
		names[p.Name] = true
		if strings.TrimSpace(p.Doc) == "" {
			errs = append(errs, fmt.Errorf("pass %q has no doc", p.Name))
		}
		if p.Run == nil {
			errs = append(errs, fmt.Errorf("pass %q has no Run", p.Name))
		}
		for _, r := range p.Requires {
			if !seen[r] {
				errs = append(errs, fmt.Errorf("pass %q requires %q, which does not run before it", p.Name, r.Name))
			}
		}
		seen[p] = true
	}
	return errors.Join(errs...)
}

// Run runs the pipeline over u in order, recording each pass's result.
func Run(pipeline []*Pass, u *Unit) error {
	if u.Results == nil {
		u.Results = map[*Pass]any{}
	}
	for _, p := range pipeline {
		res, err := p.Run(u)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		u.Results[p] = res
	}
	return nil
}

// DocFromComment returns a package's doc comment (the text of its doc.go,
// say) without the comment markers: the lines that start with //, each
// with its marker and one space removed. Passes use it for Pass.Doc.
func DocFromComment(src string) string {
	var b strings.Builder
	for _, l := range strings.Split(src, "\n") {
		if s, ok := strings.CutPrefix(l, "//"); ok {
			b.WriteString(strings.TrimPrefix(s, " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ByGroup splits items by their comdat group (key), keeping the order in
// which each group first appears: a pass writes one table fragment per
// group, so that a fragment goes away with its group.
func ByGroup[T any](items []T, key func(T) string) (groups []string, by map[string][]T) {
	by = map[string][]T{}
	for _, it := range items {
		g := key(it)
		if _, ok := by[g]; !ok {
			groups = append(groups, g)
		}
		by[g] = append(by[g], it)
	}
	return groups, by
}
