package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/optpoline/optpoline/objtoolcheck"
)

// sample is a finding list as the CLI collects it: two files, one finding
// outside any function, one error (--werror), one ID outside the
// catalogue.
var sample = []objtoolcheck.Finding{
	{File: "foo.s", Line: 120, Col: 2, ID: objtoolcheck.StackRet, Severity: objtoolcheck.Warning,
		Message: "return with modified stack frame (cfa=rsp+16, expected rsp+8)", Function: "foo"},
	{File: "foo.s", Line: 130, Col: 2, ID: objtoolcheck.Unreachable, Severity: objtoolcheck.Warning,
		Message: "unreachable instruction"},
	{File: "dir/bar.s", Line: 7, Col: 9, ID: objtoolcheck.Retpoline, Severity: objtoolcheck.Error,
		Message: `indirect call found in RETPOLINE build: "call *%rax" <&>`, Function: "bar"},
	{File: "/abs/path with space/baz.s", Line: 1, Col: 1, ID: "not-a-check", Severity: objtoolcheck.Warning,
		Message: "m"},
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample); err != nil {
		t.Fatal(err)
	}
	want := "foo.s:120:2: warning: return with modified stack frame (cfa=rsp+16, expected rsp+8) [stack-ret]\n" +
		"foo.s:130:2: warning: unreachable instruction [unreachable]\n" +
		"dir/bar.s:7:9: error: indirect call found in RETPOLINE build: \"call *%rax\" <&> [retpoline]\n" +
		"/abs/path with space/baz.s:1:1: warning: m [not-a-check]\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := Text(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("Text(nil) = %q, %v; want nothing", b.String(), err)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sample); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.DisallowUnknownFields()
	var got []objtoolcheck.Finding
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sample, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	// The keys are exactly the documented lowercase ones, on every object,
	// "function" included when empty.
	var objs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"col", "file", "function", "id", "line", "message", "severity"}
	for i, o := range objs {
		if diff := cmp.Diff(wantKeys, slices.Sorted(maps.Keys(o))); diff != "" {
			t.Errorf("object %d keys (-want +got):\n%s", i, diff)
		}
	}
	if !strings.Contains(b.String(), "\n  {\n    \"file\": \"foo.s\",\n") {
		t.Errorf("not indented by two spaces:\n%s", b.String())
	}
	if !strings.Contains(b.String(), `<&>`) {
		t.Errorf("<, > and & escaped:\n%s", b.String())
	}
}

func TestJSONEmpty(t *testing.T) {
	for _, fs := range [][]objtoolcheck.Finding{nil, {}} {
		var b bytes.Buffer
		if err := JSON(&b, fs); err != nil {
			t.Fatal(err)
		}
		if b.String() != "[]\n" {
			t.Errorf("JSON(%#v) = %q, want \"[]\\n\"", fs, b.String())
		}
	}
}
