package parser

import (
	"fmt"
	"sort"
)

// Kind is what a statement holds.
type Kind uint8

const (
	Blank     Kind = iota // only whitespace, comments or an empty statement
	Label                 // name: (Word is the name, without the colon)
	Directive             // .name args (Word includes the dot)
	Instr                 // [prefixes] mnemonic operands
	Prefix                // prefixes alone (gcc's "cs" or "rex64" line); they apply to the next Instr
	Assign                // sym = expr (Word is sym, Args is expr)
)

var kindNames = [...]string{"Blank", "Label", "Directive", "Instr", "Prefix", "Assign"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Flags describe a statement beyond its kind.
type Flags uint8

const (
	InlineAsm Flags = 1 << iota // inside #APP … #NO_APP (the markers themselves excluded)
	AppOpen                     // this Blank is the #APP marker
	AppClose                    // this Blank is the #NO_APP marker
	HasPrefix                   // an Instr with prefixes between its start and Word
	Quoted                      // the Label or Assign name is a quoted string
	Numeric                     // a numeric local label ("1:")
	Semicolon                   // the statement ends with ';' rather than a newline or EOF
)

// Stmt is one statement. It holds offsets only, 24 bytes, no pointers.
//
// The statements of a File tile its source: statement i spans
// [Pos, next statement's Pos), leading whitespace, trailing comment and
// terminator (';' or '\n') included. Printing every span in order gives the
// input back byte for byte.
type Stmt struct {
	Pos     uint32 // first byte of the span
	Line    uint32 // 1-based line of Pos
	Args    uint32 // first byte of the arguments (operands, directive arguments, Assign value)
	ArgsEnd uint32 // end of the arguments, trailing blanks and comment excluded
	WordOff uint16 // Word starts at Pos+WordOff
	WordLen uint16 // length of Word: label name, directive, mnemonic or prefix, Assign symbol
	Kind    Kind
	Flags   Flags
}

// Span is a half-open byte range [Pos, End) of a File's source.
type Span struct{ Pos, End uint32 }

// Len reports the span's length in bytes.
func (s Span) Len() int { return int(s.End - s.Pos) }

// File is a parsed assembly file: the source and its statements.
type File struct {
	Name  string
	Src   []byte
	Stmts []Stmt
}

// End reports the offset just past statement i's span.
func (f *File) End(i int) uint32 {
	if i+1 < len(f.Stmts) {
		return f.Stmts[i+1].Pos
	}
	return uint32(len(f.Src))
}

// Raw returns statement i's whole span: what a printer copies for an
// untouched statement.
func (f *File) Raw(i int) []byte { return f.Src[f.Stmts[i].Pos:f.End(i)] }

// Word returns statement i's word (label name, directive, mnemonic, prefix
// or Assign symbol); empty for Blank.
func (f *File) Word(i int) string {
	s := &f.Stmts[i]
	p := s.Pos + uint32(s.WordOff)
	return string(f.Src[p : p+uint32(s.WordLen)])
}

// WordSpan returns where statement i's word is.
func (f *File) WordSpan(i int) Span {
	s := &f.Stmts[i]
	p := s.Pos + uint32(s.WordOff)
	return Span{p, p + uint32(s.WordLen)}
}

// WordIs reports whether statement i's word is w, without allocating.
func (f *File) WordIs(i int, w string) bool {
	s := &f.Stmts[i]
	if int(s.WordLen) != len(w) {
		return false
	}
	p := s.Pos + uint32(s.WordOff)
	return string(f.Src[p:p+uint32(s.WordLen)]) == w
}

// Args returns statement i's raw argument text.
func (f *File) Args(i int) string {
	s := &f.Stmts[i]
	return string(f.Src[s.Args:s.ArgsEnd])
}

// ArgsSpan returns where statement i's arguments are.
func (f *File) ArgsSpan(i int) Span { return Span{f.Stmts[i].Args, f.Stmts[i].ArgsEnd} }

// Prefixes returns the raw text of an Instr's prefixes (or of a Prefix
// statement's whole prefix list), blanks included; empty if there are none.
func (f *File) Prefixes(i int) string {
	s := &f.Stmts[i]
	switch {
	case s.Kind == Prefix:
		return string(f.Src[s.Pos+uint32(s.WordOff) : s.ArgsEnd])
	case s.Flags&HasPrefix == 0:
		return ""
	}
	lo := s.Pos
	for lo < s.Pos+uint32(s.WordOff) && isBlank(f.Src[lo]) {
		lo++
	}
	hi := s.Pos + uint32(s.WordOff)
	for hi > lo && isBlank(f.Src[hi-1]) {
		hi--
	}
	return string(f.Src[lo:hi])
}

// Comment returns statement i's trailing comment ("# …" or "/* … */"), if any.
// A Blank statement's comment is everything after its leading blanks.
func (f *File) Comment(i int) string {
	s := &f.Stmts[i]
	p, end := s.ArgsEnd, f.End(i)
	if s.Kind == Blank {
		p = s.Pos
	}
	for p < end && isBlank(f.Src[p]) {
		p++
	}
	for end > p && (f.Src[end-1] == '\n' || f.Src[end-1] == ';' && s.Flags&Semicolon != 0) {
		end--
		if f.Src[end] == ';' {
			break
		}
	}
	for end > p && isBlank(f.Src[end-1]) {
		end--
	}
	return string(f.Src[p:end])
}

// Position is a human-readable source position.
type Position struct {
	Filename  string
	Line, Col int // 1-based; Col counts bytes
}

func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Col) }

// Position converts a byte offset into a line and column.
func (f *File) Position(off uint32) Position {
	if int(off) > len(f.Src) {
		off = uint32(len(f.Src))
	}
	// Count lines from the start of the statement that contains off.
	i := sort.Search(len(f.Stmts), func(i int) bool { return f.Stmts[i].Pos > off }) - 1
	line, from := 1, uint32(0)
	if i >= 0 {
		line, from = int(f.Stmts[i].Line), f.Stmts[i].Pos
	}
	ls := from
	for ls > 0 && f.Src[ls-1] != '\n' {
		ls--
	}
	for p := from; p < off; p++ {
		if f.Src[p] == '\n' {
			line++
			ls = p + 1
		}
	}
	return Position{f.Name, line, int(off-ls) + 1}
}

// StmtPosition is the position of statement i's word (or first non-blank byte).
func (f *File) StmtPosition(i int) Position {
	s := &f.Stmts[i]
	if s.Kind == Blank {
		p := s.Pos
		for p < f.End(i) && isSpace(f.Src[p]) {
			p++
		}
		return f.Position(p)
	}
	return f.Position(s.Pos + uint32(s.WordOff))
}
