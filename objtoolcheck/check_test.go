package objtoolcheck_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/objtoolcheck"
)

// wantRE finds the expectations written next to the input, as in
// golang.org/x/tools/go/analysis/analysistest: `# want "re" "re2"`.
var wantRE = regexp.MustCompile(`#.*\bwant((?:\s+"(?:[^"\\]|\\.)*")+)\s*$`)
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

type expectation struct {
	line int
	re   *regexp.Regexp
	met  bool
}

// parseWants reads every `# want` line of src.
func parseWants(t *testing.T, name string, src []byte) []*expectation {
	var wants []*expectation
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, q := range quotedRE.FindAllString(m[1], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("%s:%d: bad want %s: %v", name, i+1, q, err)
			}
			re, err := regexp.Compile(s)
			if err != nil {
				t.Fatalf("%s:%d: bad want regexp %s: %v", name, i+1, q, err)
			}
			wants = append(wants, &expectation{line: i + 1, re: re})
		}
	}
	return wants
}

// configOf reads the "# check: FLAGS" header: --enable=ID,…,
// --disable=ID,…, --noreturn=SYM, --kernel.
func configOf(t *testing.T, name string, src []byte) objtoolcheck.Config {
	var enable, disable []string
	var cfg objtoolcheck.Config
	for _, line := range strings.Split(string(src), "\n") {
		rest, ok := strings.CutPrefix(line, "# check:")
		if !ok {
			continue
		}
		for _, fl := range strings.Fields(rest) {
			k, v, _ := strings.Cut(fl, "=")
			switch k {
			case "--enable":
				enable = append(enable, strings.Split(v, ",")...)
			case "--disable":
				disable = append(disable, strings.Split(v, ",")...)
			case "--noreturn":
				cfg.Noreturn = append(cfg.Noreturn, v)
			case "--kernel":
				cfg.Kernel = true
			default:
				t.Fatalf("%s: unknown flag %q in # check: header", name, fl)
			}
		}
	}
	set, err := objtoolcheck.EnabledSet(enable, disable)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cfg.Enabled = set
	return cfg
}

// TestTestdata runs the checks on every testdata/*.s and compares the
// findings with the `# want` expectations: an unexpected finding and an
// unmet expectation both fail.
func TestTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.s")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := objtoolcheck.File(name, src, configOf(t, name, src))
			if err != nil {
				t.Fatal(err)
			}
			checkWants(t, name, src, fs)
		})
	}
}

// checkWants compares findings with the file's `# want` expectations: a
// finding nobody expected and an expectation nothing met both fail.
func checkWants(t *testing.T, name string, src []byte, fs []objtoolcheck.Finding) {
	t.Helper()
	wants := parseWants(t, name, src)
	for _, f := range fs {
		text := f.Message + " [" + f.ID + "]"
		found := false
		for _, w := range wants {
			if w.line == f.Line && !w.met && w.re.MatchString(text) {
				w.met, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d: unexpected finding: %s", name, f.Line, text)
		}
	}
	for _, w := range wants {
		if !w.met {
			t.Errorf("%s:%d: no finding matched %q", name, w.line, w.re)
		}
	}
}

// TestEveryCheckHasTestdata makes sure each check ID has a testdata file
// named after it that expects at least one of its findings.
func TestEveryCheckHasTestdata(t *testing.T) {
	for _, c := range objtoolcheck.Checks {
		src, err := os.ReadFile(filepath.Join("testdata", c.ID+".s"))
		if err != nil {
			t.Errorf("check %s: %v", c.ID, err)
			continue
		}
		expects := false
		for _, w := range parseWants(t, c.ID+".s", src) {
			if strings.Contains(w.re.String(), c.ID+`\]`) {
				expects = true
			}
		}
		if !expects {
			t.Errorf("check %s: testdata/%s.s has no want that matches a finding of %s", c.ID, c.ID, c.ID)
		}
		if c.Doc == "" || c.Summary == "" {
			t.Errorf("check %s: no doc", c.ID)
		}
	}
}
