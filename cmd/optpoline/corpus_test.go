package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
)

// TestMarkupNoneCorpus runs "optpoline markup --promote=none -o OUT" on
// every file of the corpus (real gcc and clang output) and requires the
// output to be byte-identical to the input.
func TestMarkupNoneCorpus(t *testing.T) {
	units := corpus.BuildT(t)
	dir := t.TempDir()
	var stderr bytes.Buffer
	e := &env{stdin: nil, stdout: &bytes.Buffer{}, stderr: &stderr}
	for _, u := range units {
		out := filepath.Join(dir, "out.s")
		if code := run(e, []string{"markup", "--promote=none", "-o", out, u.Path}); code != 0 {
			t.Fatalf("%s: exit %d: %s", u.Name, code, stderr.String())
		}
		in, _ := os.ReadFile(u.Path)
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, in) {
			t.Errorf("%s: output differs from input", u.Name)
		}
	}
	if len(units) < 100 {
		t.Errorf("only %d corpus files", len(units))
	}
}
