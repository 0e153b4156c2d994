package objtoolcheck_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/objtoolcheck"
	"github.com/optpoline/optpoline/passes"
)

// TestStaticCalls: programs using optpoline/static_call.h (trampolines
// written by inline asm, calls and tail calls to them) give no finding,
// before markup or after the staticcall pass aligned and recorded their
// sites.
func TestStaticCalls(t *testing.T) {
	inc, _ := filepath.Abs("../runtime/src/include")
	dir := t.TempDir()
	for _, cc := range []string{"gcc", "clang"} {
		for _, flags := range [][]string{{"-O2", "-fPIC"}, {"-O2", "-fno-pic", "-ffunction-sections"}, {"-O0"}, {"-Os"}} {
			for _, name := range []string{"sc_semantics", "sc_stress", "sc_plugin"} {
				src, _ := filepath.Abs(filepath.Join("../runtime/testdata", name+".c"))
				asm := filepath.Join(dir, name+".s")
				args := append(append([]string{}, flags...), "-DSC_INLINE", "-I", inc, "-S", "-o", asm, src)
				if out, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
					t.Fatalf("%s %v: %v\n%s", cc, args, err, out)
				}
				text, err := os.ReadFile(asm)
				if err != nil {
					t.Fatal(err)
				}
				what := cc + " " + strings.Join(flags, " ") + " " + name
				check := func(stage string, src []byte) {
					fs, err := objtoolcheck.File(name+".s", src, objtoolcheck.Config{})
					if err != nil {
						t.Fatalf("%s %s: %v", what, stage, err)
					}
					for _, f := range fs {
						t.Errorf("%s %s: %s", what, stage, f)
					}
				}
				check("before markup", text)
				var out strings.Builder
				if _, err := markup.File(name+".s", text, passes.Config{Outline: 4, Runtime: true}, &out); err != nil {
					t.Fatalf("%s: markup: %v", what, err)
				}
				if !strings.Contains(out.String(), "static_call_sites") {
					t.Fatalf("%s: no static call site recorded", what)
				}
				check("after markup", []byte(out.String()))
			}
		}
	}
}
