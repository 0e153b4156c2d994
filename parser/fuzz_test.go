package parser

import (
	"bytes"
	"os"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
)

// FuzzParsePrint checks parse → print → parse: any input tiles and prints
// back exactly; an input without errors has a canonical form that parses
// without errors to the same canonical form.
func FuzzParsePrint(f *testing.F) {
	for _, s := range []string{
		"toplevel_fn: call *%rax; ret\n", "\tnotrack\t\tjmpq\t*%rcx\n", "#APP\n\tcall *%rbx\n#NO_APP\n",
		"\t.string \"q\\\" b\\\\ n\\n #; \\351\\001\"\n", "x = 1+2\n", "\tcs\n\tcall\t__x86_indirect_thunk_r12\n",
		"/* a\nb */ nop\n", "\tmovb $'#, %al # c\n", "\"dash-y\":\n\t.size\t\"dash-y\", .Lfunc_end1-\"dash-y\"\n",
		"\tcall\t*%gs:(%rdx,%rax,8)\n", "\t.p2align 4,,10\n",
	} {
		f.Add([]byte(s))
	}
	if src, err := os.ReadFile("testdata/errors.s"); err == nil {
		f.Add(src)
	}
	// Pieces of real compiler output, one per configuration.
	if units, err := corpusUnits(); err == nil {
		seen := map[string]bool{}
		for _, u := range units {
			if seen[u.Config.Name+u.Compiler] {
				continue
			}
			seen[u.Config.Name+u.Compiler] = true
			if src, err := os.ReadFile(u.Path); err == nil {
				for _, chunk := range chunks(src, 2048, 1) {
					f.Add(chunk)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.s", src)
		var b bytes.Buffer
		NewRewriter(file).WriteTo(&b)
		if !bytes.Equal(b.Bytes(), src) {
			t.Fatalf("printed %q, want %q", b.Bytes(), src)
		}
		checkTiling(t, file)
		if err != nil {
			return
		}
		canon := canonical(file)
		g, err := Parse("canon.s", []byte(canon))
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, src, err)
		}
		if again := canonical(g); again != canon {
			t.Fatalf("canonical form of %q is not stable:\n%s", src, firstDiff(canon, again))
		}
	})
}

// corpusUnits builds the corpus when the fuzzer is seeded; a seed run
// (plain go test) still builds it, but cheaply from the cache.
func corpusUnits() ([]corpus.Unit, error) {
	dir, err := corpus.Dir()
	if err != nil {
		return nil, err
	}
	return corpus.Build(dir)
}

// chunks returns up to n pieces of src of about size bytes, cut at line ends.
func chunks(src []byte, size, n int) [][]byte {
	var out [][]byte
	for len(src) > 0 && len(out) < n {
		end := min(size, len(src))
		if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(src)
		}
		out = append(out, src[:end])
		src = src[end:]
	}
	return out
}
