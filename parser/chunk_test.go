package parser

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"testing/iotest"

	"github.com/optpoline/optpoline/internal/corpus"
)

// chunked parses src with a Chunker of the given size and returns the
// pieces' statements described, the reprinted text and the errors.
func chunked(t *testing.T, src []byte, size int, r io.Reader) ([]string, []byte, ErrorList) {
	t.Helper()
	c := NewChunker("t.s", r, size)
	var descs []string
	var out []byte
	var errs ErrorList
	for {
		f, err := c.Next()
		if err == io.EOF {
			break
		}
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatal(err)
		}
		errs = append(errs, list...)
		checkTiling2(t, f)
		for i := range f.Stmts {
			descs = append(descs, describe(f, i))
		}
		out = append(out, f.Src...)
	}
	return descs, out, errs
}

// checkTiling2 is checkTiling without the absolute line check (a piece
// starts at a line other than 1).
func checkTiling2(t *testing.T, f *File) {
	t.Helper()
	if f.Stmts[0].Pos != 0 {
		t.Fatalf("piece does not start at 0")
	}
	for i := 1; i < len(f.Stmts); i++ {
		if f.Stmts[i].Pos <= f.Stmts[i-1].Pos {
			t.Fatalf("statements out of order")
		}
	}
}

func TestChunkerMatchesParse(t *testing.T) {
	src := []byte("f:\n/* a\nlong\ncomment */ nop\n#APP\n\tcall *%rax\n#NO_APP\n\t.string \"x\"\n\tret # done\nbad)\n\t.string \"open\n\tnop")
	whole, err := Parse("t.s", src)
	var wantErrs ErrorList
	errors.As(err, &wantErrs)
	var want []string
	for i := range whole.Stmts {
		want = append(want, describe(whole, i))
	}
	for _, size := range []int{1, 7, 16, 64, 4096} {
		for _, r := range []io.Reader{bytes.NewReader(src), iotest.OneByteReader(bytes.NewReader(src))} {
			got, out, errs := chunked(t, src, size, r)
			if !bytes.Equal(out, src) {
				t.Fatalf("size %d: pieces print %q", size, out)
			}
			if len(got) != len(want) {
				t.Fatalf("size %d: %d statements, want %d:\n%q\n%q", size, len(got), len(want), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("size %d: statement %d = %s, want %s", size, i, got[i], want[i])
				}
			}
			if errs.Error() != wantErrs.Error() {
				t.Errorf("size %d: errors\n%v\nwant\n%v", size, errs, wantErrs)
			}
		}
	}
}

func TestChunkerUnread(t *testing.T) {
	src := []byte("a:\n\tnop\nb:\n\tret\nc:\n\tud2\n")
	c := NewChunker("t.s", bytes.NewReader(src), 4096)
	f, err := c.Next()
	if err != nil || len(f.Stmts) != 6 {
		t.Fatalf("Next: %d statements, %v", len(f.Stmts), err)
	}
	c.Unread(2) // give back from "b:"
	f, err = c.Next()
	if err != nil || len(f.Stmts) != 4 || f.Word(0) != "b" || f.Stmts[0].Line != 3 {
		t.Fatalf("after Unread: %d statements, first %q at line %d, %v", len(f.Stmts), f.Word(0), f.Stmts[0].Line, err)
	}
	if _, err := c.Next(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
}

func TestChunkerCorpus(t *testing.T) {
	for _, u := range corpus.BuildT(t)[:40] {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		whole, _ := Parse(u.Name, src)
		got, out, errs := chunked(t, src, 8192, bytes.NewReader(src))
		if !bytes.Equal(out, src) || len(got) != len(whole.Stmts) || len(errs) != 0 {
			t.Errorf("%s: chunked parse differs: %d vs %d statements, %d errors", u.Name, len(got), len(whole.Stmts), len(errs))
			continue
		}
		for i := range got {
			if d := describe(whole, i); got[i] != d {
				t.Errorf("%s: statement %d = %s, want %s", u.Name, i, got[i], d)
				break
			}
		}
	}
}
