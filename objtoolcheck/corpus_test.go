package objtoolcheck_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/objtoolcheck"
	"github.com/optpoline/optpoline/passes"
)

// knownFindings are the corpus findings that are real: the compiler's own
// output is wrong or outside the model, by configuration and check.
var knownFindings = map[[2]string]string{
	{"Os-thunk-inline", "cfi"}: "gcc 12 -mindirect-branch=thunk-inline writes no CFI for the " +
		"inline thunk's call (asm-forms.md): the CFA after it is off by 8",
	{"Os-thunk-inline", "unsupported"}: "the inline thunk's 'call .LIND1; .LIND0: pause; lfence; " +
		"jmp .LIND0; .LIND1: mov %reg,(%rsp); ret' is an unannotated intra-function call, which objtool refuses too",
	{"Os-thunk-inline", "stack-ret"}: "the inline thunk's ret (really a jump through the overwritten " +
		"return address) returns with the intra-function call's return address still pushed",
	{"Os-thunk-inline", "unreachable"}: "the inline thunk's speculation trap is reached only by the intra-function call",
	{"O2-nopie-fentry-nop", "cfi"}: "gcc 12 pushes %r10 (the static chain) before the -mnop-mcount " +
		"fentry nop of a nested function without a .cfi_def_cfa_offset",
}

// TestCorpus runs the default checks on every corpus file, before and
// after markup: real compiler output must give no finding (checks.md,
// "Proof") beyond knownFindings, and markup must never add one.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	units := corpus.BuildT(t)
	var (
		mu     sync.Mutex
		known  = map[string]int{}
		errs   []string
		checks int
	)
	count := func(fs []objtoolcheck.Finding) map[string]int {
		m := map[string]int{}
		for _, f := range fs {
			m[f.ID+" in "+f.Function]++
		}
		return m
	}
	corpus.Parallel(units, func(i int, u corpus.Unit) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Error(err)
			return
		}
		before, err := objtoolcheck.File(u.Name, src, objtoolcheck.Config{})
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			return
		}
		var out strings.Builder
		// A third of the files each: outline blocks, and the runtime's
		// learning stubs with and without outline blocks.
		cfg := passes.Config{Outline: 4}
		switch i % 3 {
		case 1:
			cfg.Runtime = true
		case 2:
			cfg.Runtime, cfg.Outline = true, 0
		}
		switch filepath.Base(u.Source) {
		case "interp.c", "cgoto.c", "switchy.c":
			// Dispatch jumps through registers too (auto leaves them).
			cfg.Dispatch = []passes.Dispatch{passes.DispatchFunnel, passes.DispatchLearned}[i%2]
		}
		if _, err := markup.File(u.Name, src, cfg, &out); err != nil {
			t.Errorf("%s: markup: %v", u.Name, err)
			return
		}
		after, err := objtoolcheck.File(u.Name, []byte(out.String()), objtoolcheck.Config{})
		if err != nil {
			t.Errorf("%s: after markup: %v", u.Name, err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		checks++
		for _, f := range before {
			if _, ok := knownFindings[[2]string{u.Config.Name, f.ID}]; ok {
				known[u.Config.Name+" "+f.ID]++
				continue
			}
			errs = append(errs, fmt.Sprintf("%s (config %s)", f, u.Config.Name))
		}
		b, a := count(before), count(after)
		for k, n := range a {
			if n > b[k] {
				errs = append(errs, fmt.Sprintf("%s: markup added %d× %s", u.Name, n-b[k], k))
			}
		}
	})
	sort.Strings(errs)
	for _, e := range errs {
		t.Error(e)
	}
	if checks != len(units) {
		t.Fatalf("checked %d of %d files", checks, len(units))
	}
	t.Logf("%d files clean before and after markup, apart from the known findings: %v", len(units), known)
}
