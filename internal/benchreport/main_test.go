package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestGather reads both result forms: bench-lib.sh's "cases" list and
// bench-lua.sh's "scripts" map, whose optpoline-funnel and
// optpoline-profile kinds stand for the optpoline and static kinds; files
// without build kinds are skipped.
func TestGather(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"sqlite.json": `{"bench": "sqlite", "cases": [
			{"case": "main", "plain": 1.0, "retpoline": 2.0, "optpoline": 1.1, "static": 1.2, "min_plain": 0.9},
			{"case": "noplain", "retpoline": 2.0}]}`,
		"lua.json": `{"lua": "5.4", "scripts": {
			"oop": {"plain": 0.2, "retpoline": 0.6, "optpoline-funnel": 0.3, "optpoline-learned": 0.5, "optpoline-profile": 0.24},
			"closures": {"plain": 0.2, "retpoline": 0.4, "optpoline": 0.25, "optpoline-funnel": 0.3}}}`,
		"calls.json":   `{"direct_ns": 1.1}`,
		"summary.json": `not read`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := gather(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{Bench: "lua", Case: "closures", Time: map[string]float64{"plain": 0.2, "retpoline": 0.4, "optpoline": 0.25},
			Recovered: map[string]float64{"optpoline": 0.75}},
		{Bench: "lua", Case: "oop", Time: map[string]float64{"plain": 0.2, "retpoline": 0.6, "optpoline": 0.3, "static": 0.24},
			Recovered: map[string]float64{"optpoline": 0.75, "static": 0.9}},
		{Bench: "sqlite", Case: "main", Time: map[string]float64{"plain": 1, "retpoline": 2, "optpoline": 1.1, "static": 1.2},
			Recovered: map[string]float64{"optpoline": 0.9, "static": 0.8}},
	}
	if diff := cmp.Diff(want, rows, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
