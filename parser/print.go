package parser

import (
	"bufio"
	"io"
	"sort"
)

// A Rewriter collects edits to a File's statements and prints the result.
// Statements without edits are copied from the source byte for byte.
type Rewriter struct {
	f     *File
	edits []edit
	tail  [][]byte
}

type editKind uint8

const (
	insertBefore editKind = iota
	replace
	insertAfter
)

type edit struct {
	stmt int
	kind editKind
	seq  int // order of addition, for stable output
	text []byte
}

// NewRewriter returns a Rewriter for f with no edits.
func NewRewriter(f *File) *Rewriter { return &Rewriter{f: f} }

// InsertBefore adds text before statement i's span.
func (r *Rewriter) InsertBefore(i int, text []byte) { r.add(i, insertBefore, text) }

// InsertAfter adds text after statement i's span (after its terminator).
func (r *Rewriter) InsertAfter(i int, text []byte) { r.add(i, insertAfter, text) }

// Replace prints text instead of statement i's whole span, terminator
// included. The last Replace of a statement wins.
func (r *Rewriter) Replace(i int, text []byte) { r.add(i, replace, text) }

// Append adds text at the end of the file.
func (r *Rewriter) Append(text []byte) { r.tail = append(r.tail, text) }

func (r *Rewriter) add(i int, k editKind, text []byte) {
	r.edits = append(r.edits, edit{i, k, len(r.edits), text})
}

// WriteTo prints the edited file to w.
func (r *Rewriter) WriteTo(w io.Writer) (int64, error) {
	sort.SliceStable(r.edits, func(a, b int) bool {
		ea, eb := &r.edits[a], &r.edits[b]
		if ea.stmt != eb.stmt {
			return ea.stmt < eb.stmt
		}
		return ea.kind < eb.kind
	})
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := &countWriter{w: bw}
	f := r.f
	from := uint32(0) // start of the pending untouched run
	for k := 0; k < len(r.edits); {
		i := r.edits[k].stmt
		pos, end := f.Stmts[i].Pos, f.End(i)
		cw.Write(f.Src[from:pos])
		body := f.Src[pos:end]
		after := k
		for ; k < len(r.edits) && r.edits[k].stmt == i; k++ {
			switch e := &r.edits[k]; e.kind {
			case insertBefore:
				cw.Write(e.text)
				after = k + 1
			case replace:
				body = e.text
				after = k + 1
			}
		}
		cw.Write(body)
		for _, e := range r.edits[after:k] {
			cw.Write(e.text)
		}
		from = end
	}
	cw.Write(f.Src[from:])
	for _, t := range r.tail {
		cw.Write(t)
	}
	if cw.err == nil {
		cw.err = bw.Flush()
	}
	return cw.n, cw.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
