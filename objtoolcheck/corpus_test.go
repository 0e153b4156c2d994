package objtoolcheck_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/objtoolcheck"
	"github.com/optpoline/optpoline/passes"
)

// TestCorpus runs the default checks on every corpus file, before and
// after markup: real compiler output must give no finding (checks.md,
// "Proof"), and markup must never add one.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	units := corpus.BuildT(t)
	var (
		mu     sync.Mutex
		byKind = map[string]int{}
		lines  []string
	)
	note := func(u corpus.Unit, stage string, fs []objtoolcheck.Finding) {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range fs {
			byKind[stage+" "+f.ID]++
			lines = append(lines, fmt.Sprintf("%s (%s, %s): %s", f, u.Config.Name, stage, u.Name))
		}
	}
	corpus.Parallel(units, func(_ int, u corpus.Unit) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Error(err)
			return
		}
		fs, err := objtoolcheck.File(u.Name, src, objtoolcheck.Config{})
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			return
		}
		note(u, "before", fs)
		var out strings.Builder
		for _, mode := range []passes.Mode{passes.User} {
			out.Reset()
			if _, err := markup.File(u.Name, src, passes.Config{Mode: mode, Outline: 4}, &out); err != nil {
				t.Errorf("%s: markup: %v", u.Name, err)
				return
			}
			fs2, err := objtoolcheck.File(u.Name, []byte(out.String()), objtoolcheck.Config{})
			if err != nil {
				t.Errorf("%s: after markup: %v", u.Name, err)
				return
			}
			note(u, "after", fs2)
		}
	})
	sort.Strings(lines)
	for _, l := range lines {
		t.Error(l)
	}
	t.Logf("findings by kind: %v", byKind)
}
