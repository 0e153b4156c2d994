package callmarkup_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
)

// candidateRE matches, independently of the parser, a line holding an
// indirect call or jump or a call or jump to a retpoline thunk.
var candidateRE = regexp.MustCompile(`^\s*(?:[a-z]+:\s*)?(?:(?:notrack|cs|ds)\s+)*(?:call|callq|jmp|jmpq)\s+(?:\*|__x86_indirect_thunk_|__llvm_retpoline_)`)

// TestEveryCandidateAccounted runs markup over the corpus and requires every
// candidate line the compiler wrote to be either promoted or listed as
// skipped with a reason, one for one.
func TestEveryCandidateAccounted(t *testing.T) {
	var sites, skipped, lines int
	reasons := map[string]int{}
	for _, u := range corpus.BuildT(t) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, l := range strings.Split(string(src), "\n") {
			if i := strings.IndexByte(l, '#'); i >= 0 && !strings.Contains(l[:i], "\"") {
				l = l[:i]
			}
			for _, stmt := range strings.Split(l, ";") {
				if candidateRE.MatchString(stmt) {
					want++
				}
			}
		}
		var out bytes.Buffer
		res, err := markup.File(u.Name, src, passes.Config{Outline: 4}, &out)
		if err != nil {
			t.Fatalf("%s: %v", u.Name, err)
		}
		if got := len(res.Sites) + len(res.Skipped); got != want {
			t.Errorf("%s: %d candidate lines, %d sites + %d skipped", u.Name, want, len(res.Sites), len(res.Skipped))
		}
		if len(res.Sites) == 0 && !bytes.Equal(out.Bytes(), src) {
			t.Errorf("%s: nothing promoted but the output differs", u.Name)
		}
		lines += want
		sites += len(res.Sites)
		skipped += len(res.Skipped)
		for _, s := range res.Skipped {
			reasons[s.Reason]++
		}
	}
	if sites < 1000 {
		t.Errorf("only %d sites promoted in the corpus", sites)
	}
	t.Logf("%d candidate lines: %d promoted, %d skipped", lines, sites, skipped)
	for r, n := range reasons {
		t.Logf("  skipped %5d: %s", n, r)
	}
}
