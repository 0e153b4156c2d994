package parser

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// A Chunker parses a long input piece by piece, so that memory stays
// proportional to the piece size rather than to the input. Each piece ends
// at a statement boundary; line numbers and #APP state carry across pieces.
type Chunker struct {
	name  string
	r     io.Reader
	buf   []byte
	n     int  // valid bytes in buf
	start int  // buf[start:n] is not yet consumed
	line  int  // line of buf[start]
	inApp bool // #APP state at buf[start]
	eof   bool
	more  bool // the caller could use none of the last piece: read more
	f     File
}

// NewChunker reads r in pieces of about size bytes (more when a single
// statement needs it).
func NewChunker(name string, r io.Reader, size int) *Chunker {
	return &Chunker{name: name, r: r, buf: make([]byte, max(size, 4096)), line: 1}
}

// Next parses the next piece. The File, its Src and its Stmts are valid until
// the following call to Next; statement offsets are relative to the piece.
// Scan errors of the piece come back as an ErrorList (with absolute line
// numbers) together with the File. At the end of the input Next returns
// (nil, io.EOF).
func (c *Chunker) Next() (*File, error) {
	if c.start > 0 {
		c.n = copy(c.buf, c.buf[c.start:c.n])
		c.start = 0
	}
	if c.more && !c.eof {
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.n])
		c.buf = nb
	}
	c.more = false
	for {
		if !c.eof && c.n < len(c.buf) {
			m, err := io.ReadFull(c.r, c.buf[c.n:])
			c.n += m
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				c.eof = true
			case err != nil:
				return nil, err
			}
		}
		if c.n == 0 && c.eof {
			return nil, io.EOF
		}
		end := c.n
		if !c.eof {
			end = bytes.LastIndexByte(c.buf[:c.n], '\n') + 1
		}
		if end > 0 {
			if f, err := c.parse(end); f != nil {
				return f, err
			}
		}
		// Not one whole statement fits: grow and read more.
		if len(c.buf) >= math.MaxUint32/2 {
			return nil, errors.New(c.name + ": statement too long")
		}
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.n])
		c.buf = nb
	}
}

// parse scans buf[:end]; it returns nil when no statement is complete.
func (c *Chunker) parse(end int) (*File, error) {
	if want := bytes.Count(c.buf[:end], []byte{'\n'}) + 16; cap(c.f.Stmts) < want {
		c.f.Stmts = make([]Stmt, 0, want+want/8)
	}
	c.f = File{Name: c.name, Src: c.buf[:end], Stmts: c.f.Stmts[:0]}
	sc := scanner{f: &c.f, src: c.f.Src, line: c.line, inApp: c.inApp, partial: !c.eof}
	sc.run()
	if len(c.f.Stmts) == 0 {
		return nil, nil
	}
	c.f.Src = c.buf[:sc.p]
	c.start, c.line, c.inApp = sc.p, sc.line, sc.inApp
	return &c.f, sc.errs.Err()
}

// Unread gives back statements i… of the last piece: they are parsed again
// at the start of the next one. A caller that needs whole functions keeps
// an unfinished one this way.
func (c *Chunker) Unread(i int) {
	if i >= len(c.f.Stmts) {
		return
	}
	s := &c.f.Stmts[i]
	c.start, c.line = int(s.Pos), int(s.Line)
	c.inApp = s.Flags&(InlineAsm|AppClose) != 0
}

// More gives back the whole last piece, for a caller that can use none of
// it (say, a function that does not end in it): the next piece starts at
// the same place and reads twice as far.
func (c *Chunker) More() {
	c.Unread(0)
	c.more = true
}

// Last reports whether the piece Next returned last ends the input.
func (c *Chunker) Last() bool { return c.eof && c.start >= c.n }
