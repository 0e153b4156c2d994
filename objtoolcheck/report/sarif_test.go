package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/optpoline/optpoline/internal/version"
	"github.com/optpoline/optpoline/objtoolcheck"
)

// The SARIF 2.1.0 schema's constraints on the objects SARIF writes
// (oasis-tcs/sarif-spec, sarif-schema-2.1.0.json): "required" lists,
// "anyOf" alternatives, enums and minimums.
var (
	requiredLog        = []string{"version", "runs"}                  // sarifLog
	requiredRun        = []string{"tool"}                             // run
	requiredTool       = []string{"driver"}                           // tool
	requiredComponent  = []string{"name"}                             // toolComponent
	requiredDescriptor = []string{"id"}                               // reportingDescriptor
	requiredMFString   = []string{"text"}                             // multiformatMessageString
	requiredResult     = []string{"message"}                          // result
	anyOfMessage       = []string{"text", "id"}                       // message: one of
	anyOfPhysical      = []string{"address", "artifactLocation"}      // physicalLocation: one of
	levels             = []string{"none", "note", "warning", "error"} // result.level, reportingConfiguration.level
	columnKinds        = []string{"utf16CodeUnits", "unicodeCodePoints"}
)

// validator checks decoded JSON against the constraints above.
type validator struct {
	t *testing.T
}

func (v validator) obj(path string, x any) map[string]any {
	v.t.Helper()
	o, ok := x.(map[string]any)
	if !ok {
		v.t.Fatalf("%s: %T, want an object", path, x)
	}
	return o
}

func (v validator) arr(path string, x any) []any {
	v.t.Helper()
	a, ok := x.([]any)
	if !ok {
		v.t.Fatalf("%s: %T, want an array", path, x)
	}
	return a
}

func (v validator) require(path string, o map[string]any, keys ...string) {
	v.t.Helper()
	for _, k := range keys {
		if _, ok := o[k]; !ok {
			v.t.Errorf("%s: required property %q missing", path, k)
		}
	}
}

func (v validator) anyOf(path string, o map[string]any, keys ...string) {
	v.t.Helper()
	for _, k := range keys {
		if _, ok := o[k]; ok {
			return
		}
	}
	v.t.Errorf("%s: needs one of %q", path, keys)
}

func (v validator) enum(path string, x any, values []string) {
	v.t.Helper()
	s, ok := x.(string)
	if !ok || !slices.Contains(values, s) {
		v.t.Errorf("%s = %v, want one of %q", path, x, values)
	}
}

// intMin checks an optional integer property.
func (v validator) intMin(path string, o map[string]any, key string, min float64) {
	v.t.Helper()
	x, ok := o[key]
	if !ok {
		return
	}
	if n, ok := x.(float64); !ok || n != float64(int(n)) || n < min {
		v.t.Errorf("%s.%s = %v, want an integer ≥ %v", path, key, x, min)
	}
}

func (v validator) multiformat(path string, o map[string]any, key string) {
	v.t.Helper()
	v.require(path, o, key)
	if x, ok := o[key]; ok {
		v.require(path+"."+key, v.obj(path+"."+key, x), requiredMFString...)
	}
}

// artifactLocation checks what the schema leaves optional but we promise:
// a uri, with uriBaseId exactly when it is relative.
func (v validator) artifactLocation(path string, o map[string]any) {
	v.t.Helper()
	uri, _ := o["uri"].(string)
	if uri == "" {
		v.t.Errorf("%s: no uri", path)
	}
	_, based := o["uriBaseId"]
	if abs := len(uri) > 7 && uri[:7] == "file://"; abs == based {
		v.t.Errorf("%s: uri %q with uriBaseId %v", path, uri, o["uriBaseId"])
	}
}

// validate checks a whole log and returns its one run.
func (v validator) validate(log map[string]any) map[string]any {
	v.t.Helper()
	v.require("sarifLog", log, requiredLog...)
	v.enum("sarifLog.version", log["version"], []string{"2.1.0"})
	if log["$schema"] != "https://json.schemastore.org/sarif-2.1.0.json" {
		v.t.Errorf("$schema = %v", log["$schema"])
	}
	runs := v.arr("runs", log["runs"])
	if len(runs) != 1 {
		v.t.Fatalf("%d runs, want 1", len(runs))
	}
	run := v.obj("runs[0]", runs[0])
	v.require("run", run, requiredRun...)
	v.enum("run.columnKind", run["columnKind"], columnKinds)
	tool := v.obj("tool", run["tool"])
	v.require("tool", tool, requiredTool...)
	driver := v.obj("driver", tool["driver"])
	v.require("driver", driver, requiredComponent...)
	if driver["name"] != "optpoline" || driver["version"] != version.Version || driver["informationUri"] == nil {
		v.t.Errorf("driver = %v", driver)
	}

	rules := v.arr("rules", driver["rules"])
	ids := make([]string, len(rules))
	for i, x := range rules {
		path := fmt.Sprintf("rules[%d]", i)
		r := v.obj(path, x)
		v.require(path, r, requiredDescriptor...)
		ids[i], _ = r["id"].(string)
		v.multiformat(path, r, "shortDescription")
		v.multiformat(path, r, "fullDescription")
		v.multiformat(path, r, "help")
		conf := v.obj(path+".defaultConfiguration", r["defaultConfiguration"])
		v.enum(path+".defaultConfiguration.level", conf["level"], levels)
		if _, ok := conf["enabled"].(bool); !ok {
			v.t.Errorf("%s.defaultConfiguration.enabled = %v", path, conf["enabled"])
		}
	}
	var want []string
	for _, c := range objtoolcheck.Checks {
		want = append(want, c.ID)
	}
	if !slices.Equal(ids, want) {
		v.t.Errorf("rule ids %q, want the catalogue %q", ids, want)
	}

	artifacts := v.arr("artifacts", run["artifacts"])
	for i, x := range artifacts {
		path := fmt.Sprintf("artifacts[%d]", i)
		a := v.obj(path, x)
		v.artifactLocation(path+".location", v.obj(path+".location", a["location"]))
	}

	for i, x := range v.arr("results", run["results"]) {
		path := fmt.Sprintf("results[%d]", i)
		r := v.obj(path, x)
		v.require(path, r, requiredResult...)
		v.anyOf(path+".message", v.obj(path+".message", r["message"]), anyOfMessage...)
		v.enum(path+".level", r["level"], levels)
		v.intMin(path, r, "ruleIndex", -1)
		if ri, ok := r["ruleIndex"].(float64); ok {
			if int(ri) >= len(ids) || ids[int(ri)] != r["ruleId"] {
				v.t.Errorf("%s: ruleIndex %v does not name rule %v", path, ri, r["ruleId"])
			}
		}
		for j, y := range v.arr(path+".locations", r["locations"]) {
			lpath := fmt.Sprintf("%s.locations[%d]", path, j)
			loc := v.obj(lpath, y)
			phys := v.obj(lpath+".physicalLocation", loc["physicalLocation"])
			v.anyOf(lpath+".physicalLocation", phys, anyOfPhysical...)
			al := v.obj(lpath+".artifactLocation", phys["artifactLocation"])
			v.artifactLocation(lpath+".artifactLocation", al)
			v.intMin(lpath+".artifactLocation", al, "index", -1)
			if ix, ok := al["index"].(float64); ok {
				if int(ix) >= len(artifacts) || !sameURI(artifacts[int(ix)], al) {
					v.t.Errorf("%s: artifact index %v does not name %v", lpath, ix, al["uri"])
				}
			}
			if reg, ok := phys["region"]; ok {
				region := v.obj(lpath+".region", reg)
				v.require(lpath+".region", region, "startLine") // ours: every finding has a line
				v.intMin(lpath+".region", region, "startLine", 1)
				v.intMin(lpath+".region", region, "startColumn", 1)
			}
			if ll, ok := loc["logicalLocations"]; ok {
				for k, z := range v.arr(lpath+".logicalLocations", ll) {
					l := v.obj(fmt.Sprintf("%s.logicalLocations[%d]", lpath, k), z)
					if l["kind"] != "function" || l["name"] == "" {
						v.t.Errorf("%s.logicalLocations[%d] = %v", lpath, k, l)
					}
				}
			}
		}
	}
	return run
}

func sameURI(artifact any, al map[string]any) bool {
	a, _ := artifact.(map[string]any)
	loc, _ := a["location"].(map[string]any)
	return loc["uri"] == al["uri"] && loc["uriBaseId"] == al["uriBaseId"]
}

func decodeSARIF(t *testing.T, findings []objtoolcheck.Finding, files []string) (map[string]any, string) {
	t.Helper()
	var b bytes.Buffer
	if err := SARIF(&b, findings, files); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return log, b.String()
}

func TestSARIF(t *testing.T) {
	log, text := decodeSARIF(t, sample, []string{"foo.s", "empty.s"})
	v := validator{t}
	run := v.validate(log)
	if t.Failed() {
		t.Log(text)
	}

	// Artifacts: the files checked, in order, then files only findings name.
	var uris []string
	for _, a := range run["artifacts"].([]any) {
		uris = append(uris, a.(map[string]any)["location"].(map[string]any)["uri"].(string))
	}
	wantURIs := []string{"foo.s", "empty.s", "dir/bar.s", "file:///abs/path%20with%20space/baz.s"}
	if !slices.Equal(uris, wantURIs) {
		t.Errorf("artifact uris %q, want %q", uris, wantURIs)
	}

	results := run["results"].([]any)
	if len(results) != len(sample) {
		t.Fatalf("%d results, want %d", len(results), len(sample))
	}
	for i, f := range sample {
		r := results[i].(map[string]any)
		loc := r["locations"].([]any)[0].(map[string]any)
		phys := loc["physicalLocation"].(map[string]any)
		region := phys["region"].(map[string]any)
		level := "warning"
		if f.Severity == objtoolcheck.Error {
			level = "error"
		}
		got := fmt.Sprint(r["ruleId"], r["level"], r["message"].(map[string]any)["text"], region["startLine"], region["startColumn"])
		want := fmt.Sprint(f.ID, level, f.Message, float64(f.Line), float64(f.Col))
		if got != want {
			t.Errorf("result %d = %s, want %s", i, got, want)
		}
		_, hasIndex := r["ruleIndex"]
		if _, known := objtoolcheck.Lookup(f.ID); known != hasIndex {
			t.Errorf("result %d (%s): ruleIndex present %v", i, f.ID, hasIndex)
		}
		ll, hasLL := loc["logicalLocations"].([]any)
		if hasLL != (f.Function != "") || hasLL && ll[0].(map[string]any)["name"] != f.Function {
			t.Errorf("result %d: logicalLocations %v for function %q", i, loc["logicalLocations"], f.Function)
		}
	}
}

// TestSARIFEmpty: no findings still describe the tool and every rule, and
// results is an empty array, not absent (absent means "not run").
func TestSARIFEmpty(t *testing.T) {
	log, text := decodeSARIF(t, nil, nil)
	run := validator{t}.validate(log)
	if r, ok := run["results"].([]any); !ok || len(r) != 0 {
		t.Errorf("results = %v, want []\n%s", run["results"], text)
	}
	if a, ok := run["artifacts"].([]any); !ok || len(a) != 0 {
		t.Errorf("artifacts = %v, want []", run["artifacts"])
	}
}

func TestRuleName(t *testing.T) {
	for id, want := range map[string]string{"stack-ret": "StackRet", "sls": "Sls", "no-size": "NoSize", "stack-undefined": "StackUndefined"} {
		if got := ruleName(id); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", id, got, want)
		}
	}
}
