package callmarkup_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/profile"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden runs the markup pipeline on testdata/*.txtar: the first line
// of the archive's comment holds options ("outline=2", "mode=kernel",
// "runtime"), "in.s" the input,
// "out.s" the expected output and "stats" the expected summary (and
// warnings); an optional "profile" promotes statically. The output
// must also assemble with the real as.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cfg := passes.Config{Outline: 4}
			opts, _, _ := strings.Cut(string(ar.Comment), "\n") // the first line; then prose
			for _, opt := range strings.Fields(opts) {
				k, v, _ := strings.Cut(opt, "=")
				switch k {
				case "outline":
					cfg.Outline, _ = strconv.Atoi(v)
				case "mode":
					if v == "kernel" {
						cfg.Mode = passes.Kernel
					}
				case "runtime":
					cfg.Runtime = true
				case "skip-function":
					cfg.SkipFunctions = append(cfg.SkipFunctions, v)
				}
			}
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			if src, ok := sections["profile"]; ok {
				_, p, err := profile.Parse("profile", src)
				if err != nil || p == nil {
					t.Fatalf("profile: %v", err)
				}
				cfg.Profile = p
			}
			var out bytes.Buffer
			res, err := markup.File("in.s", sections["in.s"], cfg, &out)
			if err != nil {
				t.Fatal(err)
			}
			var st strings.Builder
			st.WriteString(res.Summary() + "\n")
			for _, s := range res.Skipped {
				st.WriteString(strconv.Itoa(s.Line) + ": " + s.Reason + "\n")
			}
			for _, w := range res.Warnings {
				st.WriteString(strconv.Itoa(w.Line) + ": warning: " + w.Msg + "\n")
			}
			if *update {
				for i := range ar.Files {
					switch ar.Files[i].Name {
					case "out.s":
						ar.Files[i].Data = out.Bytes()
					case "stats":
						ar.Files[i].Data = []byte(st.String())
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if d := cmp.Diff(string(sections["out.s"]), out.String()); d != "" {
				t.Errorf("out.s (-want +got):\n%s", d)
			}
			if d := cmp.Diff(string(sections["stats"]), st.String()); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
			assemble(t, out.Bytes())

			// A fixed point: the output has nothing left to promote and
			// comes back byte for byte.
			var again bytes.Buffer
			res2, err := markup.File("out.s", out.Bytes(), cfg, &again)
			if err != nil {
				t.Fatalf("markup of the output: %v", err)
			}
			if len(res2.Sites) != 0 || !bytes.Equal(again.Bytes(), out.Bytes()) {
				t.Errorf("markup of the output promotes %d more sites (%s)", len(res2.Sites), res2.Summary())
			}
		})
	}
}

// assemble runs the real as on src; a warning fails too (gas warns, and
// drops the prefix, for "cs call" on one line).
func assemble(t *testing.T, src []byte) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "x.s")
	os.WriteFile(in, src, 0o644)
	out, err := exec.Command("as", "--64", in, "-o", filepath.Join(dir, "x.o")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("as: %v\n%s", err, out)
	}
}
