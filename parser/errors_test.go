package parser

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var errorRE = regexp.MustCompile(`# ERROR (".*")\s*$`)

// TestErrorFiles parses testdata/*.s with "# ERROR" expectations, in the
// manner of cmd/asm's error tests: every expectation must be met by an error
// on its line, and no error may go unexpected.
func TestErrorFiles(t *testing.T) {
	name := "testdata/errors.s"
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]*regexp.Regexp{}
	for i, line := range strings.Split(string(src), "\n") {
		if m := errorRE.FindStringSubmatch(line); m != nil {
			pat, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s:%d: bad ERROR pattern %s: %v", name, i+1, m[1], err)
			}
			want[i+1] = regexp.MustCompile(pat)
		}
	}
	if len(want) == 0 {
		t.Fatal("no ERROR expectations found")
	}
	f, perr := ParseChecked(name, src)
	var all ErrorList
	if !errors.As(perr, &all) {
		t.Fatalf("ParseChecked error is %T, want ErrorList", perr)
	}
	for i, e := range all {
		if i > 0 && (e.Pos.Line < all[i-1].Pos.Line || e.Pos.Line == all[i-1].Pos.Line && e.Pos.Col < all[i-1].Pos.Col) {
			t.Errorf("errors out of order: %v after %v", e, all[i-1])
		}
		re, ok := want[e.Pos.Line]
		switch {
		case !ok:
			t.Errorf("unexpected error: %v", e)
		case !re.MatchString(e.Msg):
			t.Errorf("%s:%d: error %q does not match %q", name, e.Pos.Line, e.Msg, re)
		default:
			delete(want, e.Pos.Line)
		}
	}
	for line, re := range want {
		t.Errorf("%s:%d: no error matching %q", name, line, re)
	}
	checkTiling(t, f)
}
