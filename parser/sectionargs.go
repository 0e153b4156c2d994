package parser

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// SectionArgs is the parsed argument list of .section or .pushsection.
type SectionArgs struct {
	Name       string // unquoted, escapes resolved
	Subsection string // .pushsection NAME, SUBSECTION (a number), "" if absent
	Flags      string // unquoted flag letters, e.g. "axG"; "" if absent
	Type       string // without the @ or %: "progbits", "nobits", "note", "init_array", "unwind"...; "" if absent
	EntSize    string // when Flags has M
	Group      string // when Flags has G
	Linkage    string // "comdat" or ""
	LinkedTo   string // when Flags has o
	Unique     string // ",unique,N"
}

// ArgsError is a syntax error in a directive's arguments. Off is the byte
// offset in the argument text where it was found, so that the caller can
// report it as file:line:col.
type ArgsError struct {
	Off int
	Msg string
}

func (e *ArgsError) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// The .section argument grammar is cold (a few hundred lines of a file at
// most) and structured, so it is written with participle (see
// /work/shared/design/references.md §C). Participle lexes (strings with
// escapes, @types, numbers, names) and splits the comma list:
//
//	args = word { "," word }
//	word = String | Type | Number | Ident
//
// What each word means depends on its place and on the flag letters (M
// takes an entity size, G a group, o a symbol), which a context-free grammar
// cannot say; ParseSectionArgs works that out and reports misplaced words.
type sectionGrammar struct {
	Name sectionWord   `parser:"@@"`
	Rest []sectionWord `parser:"( ',' @@ )*"`
}

// A sectionWord is one token; exactly one field is set. String keeps its
// quotes and escapes.
type sectionWord struct {
	Pos    lexer.Position
	String string `parser:"  @String"`
	Type   string `parser:"| @Type"`
	Number string `parser:"| @Number"`
	Ident  string `parser:"| @Ident"`
}

// Rule order matters: participle's simple lexer takes the first rule that
// matches. Names may hold almost anything but blanks, commas and quotes
// (as reads an unquoted section name up to a blank or comma).
var sectionLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "String", Pattern: `"(?:\\(?:.|\n)|[^"\\])*"`},
	{Name: "Type", Pattern: `[@%][^\s,"]+`},
	{Name: "Number", Pattern: `[0-9][^\s,"]*`},
	{Name: "Ident", Pattern: `[^\s,"@%0-9][^\s,"]*`},
	{Name: "Punct", Pattern: `,`},
	{Name: "Blank", Pattern: `\s+`},
})

// secStringEnd matches a terminated string literal.
var secStringEnd = regexp.MustCompile(`^"(?:\\(?:.|\n)|[^"\\])*"`)

var sectionParser = sync.OnceValue(func() *participle.Parser[sectionGrammar] {
	return participle.MustBuild[sectionGrammar](
		participle.Lexer(sectionLexer),
		participle.Elide("Blank"),
		participle.UseLookahead(2),
	)
})

// ParseSectionArgs parses the arguments of .section (push false) or
// .pushsection (push true), following GNU as's ELF syntax:
//
//	.section name [, "flags" [, @type [, flag-specific arguments]]]
//	.pushsection name [, subsection] [, "flags" [, @type [, ...]]]
//
// The type may be written @type, %type or "type". The flag-specific
// arguments come in as 2.40's order: the entity size (flag M), the
// linked-to symbol (o), the group name and optional ",comdat" linkage (G),
// then ",unique,N". Clang 14 writes the group before the linked-to symbol
// ("aGwo",@progbits,grp,comdat,sym), which as rejects; that order is
// accepted too when the group's ",comdat" shows which it is.
//
// Errors are *ArgsError.
func ParseSectionArgs(args string, push bool) (sa SectionArgs, err error) {
	g, perr := sectionParser().ParseString("", args)
	if perr != nil {
		return SectionArgs{}, sectionSyntaxError(args, perr)
	}
	errAt := func(w sectionWord, format string, a ...any) (SectionArgs, error) {
		return SectionArgs{}, &ArgsError{Off: w.Pos.Offset, Msg: fmt.Sprintf(format, a...)}
	}

	if sa.Name, err = g.Name.name(); err != nil {
		return errAt(g.Name, "bad section name %s: %v", g.Name.text(), err)
	}
	rest := g.Rest
	if push && len(rest) > 0 && rest[0].Number != "" {
		if !isNumber(rest[0].Number) {
			return errAt(rest[0], "bad subsection number %s", rest[0].Number)
		}
		sa.Subsection = rest[0].Number
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return sa, nil
	}

	// Flags.
	w := rest[0]
	rest = rest[1:]
	if w.String == "" {
		return errAt(w, "section flags must be a quoted string, found %s", w.text())
	}
	if sa.Flags, err = Unquote(w.String); err != nil {
		return errAt(w, "bad section flags %s: %v", w.String, err)
	}
	if len(rest) == 0 {
		return sa, nil
	}

	// Type.
	w = rest[0]
	rest = rest[1:]
	switch {
	case w.Type != "":
		sa.Type = w.Type[1:]
	case w.String != "":
		if sa.Type, err = Unquote(w.String); err != nil {
			return errAt(w, "bad section type %s: %v", w.String, err)
		}
		if sa.Type == "" {
			return errAt(w, "empty section type")
		}
	default:
		return errAt(w, "section type must be @type, %%type or \"type\", found %s", w.text())
	}

	// Flag-specific arguments, in as's order.
	has := func(c byte) bool { return strings.IndexByte(sa.Flags, c) >= 0 }
	next := func() (sectionWord, bool) {
		if len(rest) == 0 {
			return sectionWord{}, false
		}
		w := rest[0]
		rest = rest[1:]
		return w, true
	}
	if has('M') {
		if w, ok := next(); ok {
			if !isNumber(w.Number) {
				return errAt(w, "entity size must be a number, found %s", w.text())
			}
			sa.EntSize = w.Number
		}
	}
	llvmOrder := has('o') && has('G') && !has('?') && len(rest) >= 3 &&
		rest[1].Ident == "comdat" && rest[2].Ident != "unique"
	if has('o') && !llvmOrder {
		if w, ok := next(); ok {
			if sa.LinkedTo, err = w.symbol(); err != nil {
				return errAt(w, "bad linked-to symbol %s: %v", w.text(), err)
			}
		}
	}
	if has('G') && !has('?') {
		if w, ok := next(); ok {
			if sa.Group, err = w.symbol(); err != nil {
				return errAt(w, "bad group name %s: %v", w.text(), err)
			}
			if len(rest) > 0 && rest[0].Ident == "comdat" {
				sa.Linkage = "comdat"
				rest = rest[1:]
			}
		}
	}
	if llvmOrder {
		w, _ := next()
		if sa.LinkedTo, err = w.symbol(); err != nil {
			return errAt(w, "bad linked-to symbol %s: %v", w.text(), err)
		}
	}
	if len(rest) > 0 && rest[0].Ident == "unique" {
		if len(rest) < 2 || !isNumber(rest[1].Number) {
			return errAt(rest[0], "unique must be followed by a number")
		}
		sa.Unique = rest[1].Number
		rest = rest[2:]
	}
	if len(rest) > 0 {
		return errAt(rest[0], "junk at end of section arguments: %s", rest[0].text())
	}
	return sa, nil
}

// sectionSyntaxError turns a participle error into an *ArgsError with a
// message in as's words where one fits.
func sectionSyntaxError(args string, err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &ArgsError{Msg: err.Error()}
	}
	off := min(max(perr.Position().Offset, 0), len(args))
	msg := perr.Message()
	switch {
	case off < len(args) && args[off] == '"' && !secStringEnd.MatchString(args[off:]):
		msg = "missing end quote"
	case strings.Contains(msg, "invalid input text"):
		msg = fmt.Sprintf("unexpected character %q", args[off])
	case strings.TrimSpace(args) == "":
		off, msg = 0, "missing section name"
	case strings.TrimSpace(args[off:]) == "" && strings.HasSuffix(strings.TrimSpace(args), ","):
		off, msg = strings.LastIndexByte(args, ','), "missing argument after ','"
	case strings.HasPrefix(strings.TrimSpace(args[off:]), ","):
		msg = "missing argument before ','"
	}
	return &ArgsError{Off: off, Msg: msg}
}

func (w sectionWord) text() string {
	return w.String + w.Type + w.Number + w.Ident
}

// name returns a section name: a string unquoted, anything else as written.
func (w sectionWord) name() (string, error) {
	if w.String != "" {
		return Unquote(w.String)
	}
	return w.text(), nil
}

// symbol returns a group or linked-to symbol name: a name or a number (as
// also takes a section index for o).
func (w sectionWord) symbol() (string, error) {
	if w.Type != "" {
		return "", errors.New("not a symbol")
	}
	return w.name()
}

// isNumber reports whether s is a decimal, octal or 0x-hex integer as a
// compiler writes it.
func isNumber(s string) bool {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for i := 2; i < len(s); i++ {
			if hexVal(s[i]) < 0 {
				return false
			}
		}
		return true
	}
	return isDigits([]byte(s))
}

// String formats a canonically, as the argument text of the directive:
// `.text.x,"axG",@progbits,grp,comdat`. Names are quoted only when they
// have to be; the type is written with '@'. ParseSectionArgs(a.String())
// gives a back.
func (a SectionArgs) String() string {
	var b strings.Builder
	b.WriteString(secQuote(a.Name, true))
	if a.Subsection != "" {
		b.WriteByte(',')
		b.WriteString(a.Subsection)
	}
	rest := a.Type != "" || a.EntSize != "" || a.Group != "" || a.Linkage != "" || a.LinkedTo != "" || a.Unique != ""
	if a.Flags == "" && !rest {
		return b.String()
	}
	b.WriteByte(',')
	b.WriteString(secQuote(a.Flags, false))
	if !rest {
		return b.String()
	}
	b.WriteByte(',')
	if isPlainName(a.Type) {
		b.WriteByte('@')
		b.WriteString(a.Type)
	} else {
		b.WriteString(secQuote(a.Type, false))
	}
	// The flag-specific arguments in as's order. An empty linked-to symbol
	// or group that ParseSectionArgs found written as "" is written so
	// again when something follows it, to keep the arguments in place.
	has := func(c byte) bool { return strings.IndexByte(a.Flags, c) >= 0 }
	if a.EntSize != "" {
		b.WriteByte(',')
		b.WriteString(a.EntSize)
	}
	group := a.Group != "" || a.Linkage != "" || a.Unique != "" && has('G') && !has('?')
	if a.LinkedTo != "" || has('o') && (group || a.Unique != "") {
		b.WriteByte(',')
		b.WriteString(secQuote(a.LinkedTo, true))
	}
	if group {
		b.WriteByte(',')
		b.WriteString(secQuote(a.Group, true))
	}
	if a.Linkage != "" {
		b.WriteByte(',')
		b.WriteString(a.Linkage)
	}
	if a.Unique != "" {
		b.WriteString(",unique,")
		b.WriteString(a.Unique)
	}
	return b.String()
}

// isPlainName reports whether s can be written without quotes: a nonempty
// run of symbol characters that is not a keyword of the grammar.
func isPlainName(s string) bool {
	if s == "" || s == "comdat" || s == "unique" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '$' || c == '-') {
			return false
		}
	}
	return true
}

// secQuote returns s as written in a .section directive: bare when it is a
// plain name and bare is allowed, else a string literal with \" \\ and
// octal escapes.
func secQuote(s string, bare bool) string {
	if bare && isPlainName(s) {
		return s
	}
	return Quote(s)
}
