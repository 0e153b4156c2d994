package parser_test

import (
	"cmp"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/parser"
)

// benchFiles is how many of the largest corpus files the benchmarks use.
const benchFiles = 3

type benchInput struct {
	name string
	src  []byte
}

// benchInputs returns the largest corpus files, largest first, plus the
// files named in $OPTPOLINE_BENCH_FILES (space-separated), e.g. the large
// generated ones:
//
//	go run ./internal/corpus/corpuslist -big /tmp/big.s
//	OPTPOLINE_BENCH_FILES='/tmp/big.s /tmp/big-cet.s' go test -run '^$' -bench . ./parser
func benchInputs(b *testing.B) []benchInput {
	b.Helper()
	var ins []benchInput
	for _, p := range strings.Fields(os.Getenv("OPTPOLINE_BENCH_FILES")) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, benchInput{filepath.Base(p), src})
	}
	dir, err := corpus.Dir()
	if err != nil {
		b.Fatal(err)
	}
	units, err := corpus.Build(dir)
	if err != nil {
		b.Fatalf("building the corpus: %v", err)
	}
	type sized struct {
		u    corpus.Unit
		size int64
	}
	var all []sized
	for _, u := range units {
		fi, err := os.Stat(u.Path)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, sized{u, fi.Size()})
	}
	slices.SortFunc(all, func(x, y sized) int {
		return cmp.Or(cmp.Compare(y.size, x.size), strings.Compare(x.u.Name, y.u.Name))
	})
	for _, s := range all[:min(benchFiles, len(all))] {
		src, err := os.ReadFile(s.u.Path)
		if err != nil {
			b.Fatal(err)
		}
		// Sub-benchmark names must not hold '/'.
		ins = append(ins, benchInput{strings.ReplaceAll(s.u.Name, "/", ":"), src})
	}
	if len(ins) == 0 {
		b.Fatal("no benchmark inputs")
	}
	return ins
}

func mustParse(b *testing.B, in benchInput) *parser.File {
	b.Helper()
	f, err := parser.Parse(in.name, in.src)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkParse measures Parse alone: the statement scanner.
func BenchmarkParse(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.Parse(in.name, in.src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseCheck measures Parse and CheckOperands: every operand of
// every instruction parsed, as markup does.
func BenchmarkParseCheck(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.ParseChecked(in.name, in.src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheck measures CheckOperands alone on a parsed file.
func BenchmarkCheck(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			f := mustParse(b, in)
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				if err := f.CheckOperands(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPrint measures printing a parsed file with no edits.
func BenchmarkPrint(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			f := mustParse(b, in)
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.NewRewriter(f).WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarkup measures what markup --promote=none does to a whole file
// after reading it: Parse, CheckOperands and print (the CLI does the same
// in 1 MiB pieces).
func BenchmarkMarkup(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				f, err := parser.ParseChecked(in.name, in.src)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := parser.NewRewriter(f).WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
