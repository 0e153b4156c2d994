package parser

import (
	"bytes"
	"fmt"
	"math"

	"github.com/optpoline/optpoline/parser/x86"
)

// Byte classes of the scanner.
const (
	cBlank   = 1 << iota // ' ', '\t', '\r', '\f', '\v'
	cSym                 // may appear in a symbol or mnemonic: letters, digits, _ . $ and bytes >= 0x80
	cSpecial             // ends or changes the meaning of an argument scan: \n ; # " ' /
)

var class = func() (t [256]uint8) {
	for _, c := range []byte(" \t\r\f\v") {
		t[c] |= cBlank
	}
	for c := 0; c < 256; c++ {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '$' || c >= 0x80 {
			t[c] |= cSym
		}
	}
	for _, c := range []byte("\n;#\"'/") {
		t[c] |= cSpecial
	}
	return t
}()

func isBlank(c byte) bool { return class[c]&cBlank != 0 }
func isSpace(c byte) bool { return class[c]&cBlank != 0 || c == '\n' }
func isSym(c byte) bool   { return class[c]&cSym != 0 }

// Parse splits src into statements. It always returns a File whose statements
// tile src, so the file prints back byte for byte even when there are errors;
// the error, if any, is an ErrorList of every problem found.
//
// Parse checks what it scans: strings, comments, labels and names. Operands
// are parsed on demand (Operands, CheckOperands). Unknown directives and
// mnemonics are kept verbatim: as decides what is valid.
func Parse(name string, src []byte) (*File, error) {
	f := &File{Name: name, Src: src}
	if len(src) >= math.MaxUint32 {
		return f, ErrorList{{Pos: Position{name, 1, 1}, Msg: "file too large (4 GiB or more)"}}
	}
	// One statement per line is the common case; labels and ';' add a few.
	f.Stmts = make([]Stmt, 0, bytes.Count(src, []byte{'\n'})+16)
	sc := scanner{f: f, src: src, line: 1}
	sc.run()
	return f, sc.errs.Err()
}

type scanner struct {
	f       *File
	src     []byte
	p       int  // next byte
	line    int  // line of p
	inApp   bool // between #APP and #NO_APP
	partial bool // src is a piece of a longer input: a comment may go on past its end
	cut     bool // partial: the last statement ran past the end and was dropped
	errs    ErrorList
}

// run scans every statement of src. In partial mode a statement that runs
// past the end is dropped, cut is set, and p, line and inApp are left at
// its start.
func (sc *scanner) run() {
	for sc.p < len(sc.src) {
		n, nerr, p, line, inApp := len(sc.f.Stmts), len(sc.errs), sc.p, sc.line, sc.inApp
		sc.stmt()
		if sc.cut {
			sc.f.Stmts, sc.errs = sc.f.Stmts[:n], sc.errs[:nerr]
			sc.p, sc.line, sc.inApp = p, line, inApp
			return
		}
	}
}

func (sc *scanner) errorf(off int, format string, args ...any) {
	// Positions are computed once the error's statement is appended, so use the
	// scanner's own line count: off is always on the line being scanned or
	// earlier in the current statement.
	line, ls := sc.line, sc.p
	if off < ls {
		ls = off
		for p := off; p < sc.p && p < len(sc.src); p++ {
			if sc.src[p] == '\n' {
				line--
			}
		}
	}
	for ls > 0 && sc.src[ls-1] != '\n' {
		ls--
	}
	sc.errs = append(sc.errs, &Error{Pos: Position{sc.f.Name, line, off - ls + 1}, Msg: fmt.Sprintf(format, args...)})
}

// stmt scans one statement starting at sc.p and appends it.
func (sc *scanner) stmt() {
	src, n := sc.src, len(sc.src)
	st := Stmt{Pos: uint32(sc.p), Line: uint32(sc.line)}
	if sc.inApp {
		st.Flags |= InlineAsm
	}
	p := skipBlanksAndComments(sc, sc.p)
	if p >= n {
		sc.p = n
		sc.push(st, p)
		return
	}
	switch c := src[p]; {
	case c == '\n':
		sc.p, sc.line = p+1, sc.line+1
		sc.push(st, p)
		return
	case c == ';':
		sc.p = p + 1
		st.Flags |= Semicolon
		sc.push(st, p)
		return
	case c == '#' || c == '/':
		// A line comment. '/' starts one only as the first non-blank byte.
		e := lineEnd(src, p)
		switch text := src[p:e]; {
		case bytes.Equal(text, []byte("#APP")):
			st.Flags = st.Flags&^InlineAsm | AppOpen
			sc.inApp = true
		case bytes.Equal(text, []byte("#NO_APP")):
			st.Flags = st.Flags&^InlineAsm | AppClose
			sc.inApp = false
		}
		sc.endLine(e)
		sc.push(st, p)
		return
	}

	wordPos := p
	wordEnd, quoted := sc.word(p)
	if wordEnd == p {
		sc.errorf(p, "unexpected character %q at start of statement", src[p])
		sc.endLine(lineEnd(src, p))
		sc.push(st, p)
		return
	}
	q := skipBlanks(src, wordEnd)
	switch {
	case q < n && src[q] == ':':
		st.Kind = Label
		if quoted {
			st.Flags |= Quoted
		} else if isDigits(src[wordPos:wordEnd]) {
			st.Flags |= Numeric
		}
		if !sc.setWord(&st, wordPos, wordEnd) {
			return
		}
		st.Args, st.ArgsEnd = uint32(q+1), uint32(q+1)
		// The rest of the line joins the label if it is only blanks and a comment.
		r := skipBlanks(src, q+1)
		switch {
		case r >= n:
			sc.p = n
		case src[r] == '\n':
			sc.p, sc.line = r+1, sc.line+1
		case src[r] == '#':
			sc.endLine(lineEnd(src, r))
		default:
			sc.p = q + 1
		}
		sc.f.Stmts = append(sc.f.Stmts, st)
		return
	case q < n && src[q] == '=' && (q+1 >= n || src[q+1] != '='):
		st.Kind = Assign
		if quoted {
			st.Flags |= Quoted
		}
		if !sc.setWord(&st, wordPos, wordEnd) {
			return
		}
		sc.args(&st, q+1)
		return
	case quoted:
		sc.errorf(wordPos, "quoted name must be followed by ':' or '='")
		sc.endLine(lineEnd(src, p))
		sc.push(st, p)
		return
	case src[wordPos] == '.':
		st.Kind = Directive
		if !sc.setWord(&st, wordPos, wordEnd) {
			return
		}
		sc.args(&st, wordEnd)
		return
	}

	// An instruction, perhaps behind prefixes.
	st.Kind = Instr
	firstPos, firstEnd := wordPos, wordEnd
	for x86.IsPrefix(string(src[wordPos:wordEnd])) {
		r := q
		if r >= n || src[r] == '\n' || src[r] == ';' || src[r] == '#' || src[r] == '/' && r+1 < n && src[r+1] == '*' {
			// Only prefixes: they apply to the next instruction. Word is the
			// first; Args covers them all.
			st.Kind = Prefix
			st.Flags &^= HasPrefix
			if !sc.setWord(&st, firstPos, firstEnd) {
				return
			}
			sc.args(&st, firstPos)
			return
		}
		e, _ := sc.word(r)
		if e == r || src[r] == '"' {
			break // e.g. "rep %eax": let as complain
		}
		st.Flags |= HasPrefix
		wordPos, wordEnd = r, e
		q = skipBlanks(src, wordEnd)
	}
	if !sc.setWord(&st, wordPos, wordEnd) {
		return
	}
	sc.args(&st, wordEnd)
}

// word scans a name at p: a symbol, a quoted name, or a {pseudo-prefix}. It
// returns p when there is none.
func (sc *scanner) word(p int) (end int, quoted bool) {
	src := sc.src
	if p >= len(src) {
		return p, false
	}
	switch src[p] {
	case '"':
		return sc.str(p), true
	case '{':
		if i := bytes.IndexByte(src[p:lineEnd(src, p)], '}'); i > 0 {
			return p + i + 1, false
		}
		return p, false
	}
	for p < len(src) && isSym(src[p]) {
		p++
	}
	return p, false
}

// setWord records the word's place; it reports false (and ends the
// statement) if it does not fit the compact encoding.
func (sc *scanner) setWord(st *Stmt, pos, end int) bool {
	off, l := pos-int(st.Pos), end-pos
	if off > math.MaxUint16 || l > math.MaxUint16 {
		sc.errorf(pos, "statement too long (name or leading blanks over 64 KiB)")
		st.Kind, st.Flags = Blank, st.Flags&InlineAsm
		sc.endLine(lineEnd(sc.src, pos))
		sc.push(*st, pos)
		return false
	}
	st.WordOff, st.WordLen = uint16(off), uint16(l)
	return true
}

// args scans the arguments from p to the statement's end, records them,
// consumes the comment and terminator, and appends the statement.
func (sc *scanner) args(st *Stmt, p int) {
	src, n := sc.src, len(sc.src)
	p = skipBlanks(src, p)
	// last is the end of the last quoted token: trimming blanks must not cut
	// into it ("' " is a space character).
	start, last, stop := p, p, n
	for p < n {
		c := src[p]
		if class[c]&cSpecial == 0 {
			p++
			continue
		}
		switch c {
		case '\n', ';', '#':
			stop = p
			goto done
		case '"':
			p = sc.str(p)
			last = p
		case '\'':
			// A character constant: 'c or '\c (gas needs no closing quote).
			p++
			if p < n && src[p] == '\\' {
				p++
			}
			if p < n && src[p] != '\n' {
				p++
			}
			last = p
		case '/':
			if p+1 < n && src[p+1] == '*' {
				e := sc.blockComment(p)
				// A trailing comment ends the arguments; one in the middle stays in them.
				r := skipBlanks(src, e)
				if r >= n || src[r] == '\n' || src[r] == ';' || src[r] == '#' {
					stop = p
					p = e
					goto done
				}
				p = e
				last = p
				continue
			}
			p++
		}
	}
	stop = p
done:
	for stop > last && class[src[stop-1]]&cBlank != 0 {
		stop--
	}
	st.Args, st.ArgsEnd = uint32(start), uint32(max(stop, start))
	// Trailing comment (possibly after a block comment) and terminator.
	p = skipBlanksAndComments(sc, p)
	switch {
	case p >= n:
		p = n
	case src[p] == '\n':
		p++
		sc.line++
	case src[p] == ';':
		p++
		st.Flags |= Semicolon
	case src[p] == '#':
		e := lineEnd(src, p)
		if e < n {
			e++
			sc.line++
		}
		p = e
	}
	sc.p = p
	sc.f.Stmts = append(sc.f.Stmts, *st)
}

func skipBlanksAndComments(sc *scanner, p int) int {
	for {
		p = skipBlanks(sc.src, p)
		if p+1 < len(sc.src) && sc.src[p] == '/' && sc.src[p+1] == '*' {
			p = sc.blockComment(p)
			continue
		}
		return p
	}
}

// push appends a statement whose (empty) arguments sit at a.
func (sc *scanner) push(st Stmt, a int) {
	st.Args, st.ArgsEnd = uint32(a), uint32(a)
	sc.f.Stmts = append(sc.f.Stmts, st)
}

// endLine moves past the line that ends at e (e is the '\n' or len(src)).
func (sc *scanner) endLine(e int) {
	if e < len(sc.src) {
		e++
		sc.line++
	}
	sc.p = e
}

// str scans a string literal starting at the opening quote and returns the
// offset after the closing one. An unterminated string is reported and ends
// at the line's end.
func (sc *scanner) str(p int) int {
	src, n := sc.src, len(sc.src)
	open := p
	for p++; p < n; p++ {
		switch src[p] {
		case '\\':
			if p+1 < n && src[p+1] != '\n' {
				p++
			}
		case '"':
			return p + 1
		case '\n':
			sc.errorf(open, "missing end quote")
			return p
		}
	}
	sc.errorf(open, "missing end quote")
	return n
}

// blockComment scans a /* */ comment from its '/' and returns the offset
// after it, counting the lines inside.
func (sc *scanner) blockComment(p int) int {
	src := sc.src
	i := bytes.Index(src[p+2:], []byte("*/"))
	if i < 0 {
		if sc.partial {
			sc.cut = true
			return len(src)
		}
		sc.errorf(p, "unterminated comment")
		sc.line += bytes.Count(src[p:], []byte{'\n'})
		return len(src)
	}
	e := p + 2 + i + 2
	sc.line += bytes.Count(src[p:e], []byte{'\n'})
	return e
}

func skipBlanks(src []byte, p int) int {
	for p < len(src) && class[src[p]]&cBlank != 0 {
		p++
	}
	return p
}

func lineEnd(src []byte, p int) int {
	if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
		return p + i
	}
	return len(src)
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
