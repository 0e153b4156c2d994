package passes

import (
	"strings"
	"testing"
)

func noop(*Unit) (any, error) { return nil, nil }

func TestValidate(t *testing.T) {
	a := &Pass{Name: "a", Doc: "a does a.", Run: noop}
	b := &Pass{Name: "b", Doc: "b needs a.", Requires: []*Pass{a}, Run: noop}
	if err := Validate([]*Pass{a, b}); err != nil {
		t.Errorf("valid pipeline: %v", err)
	}
	tests := []struct {
		pipeline []*Pass
		want     string
	}{
		{[]*Pass{b, a}, `pass "b" requires "a", which does not run before it`},
		{[]*Pass{a, a}, `duplicate pass name "a"`},
		{[]*Pass{{Name: "Bad-Name", Doc: "x", Run: noop}}, `pass name "Bad-Name" is not an identifier`},
		{[]*Pass{{Name: "nodoc", Run: noop}}, `pass "nodoc" has no doc`},
		{[]*Pass{{Name: "norun", Doc: "x"}}, `pass "norun" has no Run`},
	}
	for _, tt := range tests {
		err := Validate(tt.pipeline)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate = %v, want %q", err, tt.want)
		}
	}
}

func TestRunRecordsResults(t *testing.T) {
	a := &Pass{Name: "a", Doc: "a.", Run: func(*Unit) (any, error) { return 42, nil }}
	b := &Pass{Name: "b", Doc: "b.", Requires: []*Pass{a}, Run: func(u *Unit) (any, error) { return u.Results[a].(int) + 1, nil }}
	u := &Unit{}
	if err := Run([]*Pass{a, b}, u); err != nil {
		t.Fatal(err)
	}
	if u.Results[b] != 43 {
		t.Errorf("b's result = %v, want 43", u.Results[b])
	}
}
