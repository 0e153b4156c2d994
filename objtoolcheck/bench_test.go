package objtoolcheck_test

import (
	"os"
	"testing"

	"github.com/optpoline/optpoline/objtoolcheck"
)

// BenchmarkFile checks the file named by $OPTPOLINE_BENCH_S (e.g. the
// corpus's big.s: go run ./internal/corpus/corpuslist -big /tmp/big.s).
func BenchmarkFile(b *testing.B) {
	name := os.Getenv("OPTPOLINE_BENCH_S")
	if name == "" {
		b.Skip("set OPTPOLINE_BENCH_S to an assembly file")
	}
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := objtoolcheck.File(name, src, objtoolcheck.Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
