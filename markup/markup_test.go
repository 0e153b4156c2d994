package markup

import (
	"testing"

	"github.com/optpoline/optpoline/passes"
)

func TestPipelineValid(t *testing.T) {
	if err := passes.Validate(Pipeline); err != nil {
		t.Fatal(err)
	}
}
