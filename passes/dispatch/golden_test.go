package dispatch_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/objtoolcheck"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/passes"
	"github.com/optpoline/optpoline/passes/callmarkup"
	"github.com/optpoline/optpoline/passes/dispatch"
	"github.com/optpoline/optpoline/profile"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden runs the markup pipeline on testdata/*.txtar: the archive's
// comment holds options ("options: dispatch=learned runtime mode=kernel
// profile"; profile reads the archive's "profile" file as Config.Profile),
// "in.s" the input, "out.s" the expected output and "stats" the dispatch
// pass's summary, skips and warnings. The output must assemble with the
// real as and pass the validator.
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
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			for _, l := range strings.Split(string(ar.Comment), "\n") {
				opts, ok := strings.CutPrefix(l, "options:")
				if !ok {
					continue
				}
				for _, opt := range strings.Fields(opts) {
					k, v, _ := strings.Cut(opt, "=")
					switch k {
					case "dispatch":
						if cfg.Dispatch, err = passes.ParseDispatch(v); err != nil {
							t.Fatal(err)
						}
					case "runtime":
						cfg.Runtime = true
					case "mode":
						if v == "kernel" {
							cfg.Mode = passes.Kernel
						}
					case "profile":
						_, p, err := profile.Parse("profile", sections["profile"])
						if err != nil || p == nil {
							t.Fatalf("profile: %v", err)
						}
						cfg.Profile = p
					default:
						t.Fatalf("unknown option %q", opt)
					}
				}
			}
			out, res, warns := run(t, sections["in.s"], cfg)
			var st strings.Builder
			st.WriteString(res.Summary() + "\n")
			for _, s := range res.Skipped {
				st.WriteString(strconv.Itoa(s.Line) + ": " + s.Reason + "\n")
			}
			for _, w := range warns {
				st.WriteString(strconv.Itoa(w.Line) + ": warning: " + w.Msg + "\n")
			}
			if *update {
				for i := range ar.Files {
					switch ar.Files[i].Name {
					case "out.s":
						ar.Files[i].Data = out
					case "stats":
						ar.Files[i].Data = []byte(st.String())
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if d := cmp.Diff(string(sections["out.s"]), string(out)); d != "" {
				t.Errorf("out.s (-want +got):\n%s", d)
			}
			if d := cmp.Diff(string(sections["stats"]), st.String()); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
			assemble(t, out)
			fs, err := objtoolcheck.File("out.s", out, objtoolcheck.Config{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				t.Errorf("validator: %s", f)
			}
		})
	}
}

// run runs the markup pipeline over src and returns the output, the
// dispatch pass's result and the warnings (callmarkup's, which hold the
// dispatch pass's too).
func run(t *testing.T, src []byte, cfg passes.Config) ([]byte, *dispatch.Result, []callmarkup.Warning) {
	t.Helper()
	f, err := parser.ParseChecked("in.s", src)
	if err != nil {
		t.Fatal(err)
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f), Config: cfg}
	if err := passes.Run(markup.Pipeline, u); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := u.Rewriter.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), u.Results[dispatch.Pass].(*dispatch.Result), u.Results[callmarkup.Pass].(*callmarkup.Result).Warnings
}

// assemble runs the real as on src; a warning fails too.
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

// TestPipeline: the dispatch pass is in the markup pipeline, after the
// call pass whose functions it reads.
func TestPipeline(t *testing.T) {
	if err := passes.Validate(markup.Pipeline); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range markup.Pipeline {
		found = found || p == dispatch.Pass
	}
	if !found {
		t.Fatal("dispatch.Pass is not in markup.Pipeline")
	}
}

// TestKernelUnchanged: on every kernel-code-model unit of the corpus
// (-mcmodel=kernel, the kernel's own flags: thunks, no red zone, …), kernel
// mode gives exactly the output of the call pass alone, and user mode
// rewrites no jump of a file built with -fno-jump-tables and without
// computed goto, as the kernel is.
func TestKernelUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	units := corpus.BuildT(t)
	n := 0
	for _, u := range units {
		if !slices.Contains(u.Flags, "-mcmodel=kernel") {
			continue
		}
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		cfg := passes.Config{Outline: 4, Mode: passes.Kernel, Dispatch: passes.DispatchFunnel}
		got, res := runPipeline(t, u.Name, src, cfg, markup.Pipeline)
		want, _ := runPipeline(t, u.Name, src, cfg, []*passes.Pass{callmarkup.Pass})
		if !bytes.Equal(got, want) || len(res.Sites) != 0 {
			t.Errorf("%s: the dispatch pass changed kernel-mode output (%s)", u.Name, res.Summary())
		}
		n++
	}
	if n < 10 {
		t.Errorf("only %d kernel units", n)
	}
	// User mode on kernel-like code built with -fno-jump-tables: no
	// jump tables, no computed goto, nothing for the pass to do.
	dir := t.TempDir()
	for _, src := range []string{"switchy.c", "calls.c", "tailloop.c"} {
		path, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "c", src))
		asm := filepath.Join(dir, src+".s")
		out, err := exec.Command("gcc", "-O2", "-fno-pie", "-mcmodel=kernel", "-mno-red-zone", "-fno-jump-tables",
			"-mindirect-branch=thunk-extern", "-mindirect-branch-register", "-S", "-o", asm, path).CombinedOutput()
		if err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
		s, _ := os.ReadFile(asm)
		for _, mode := range []passes.Mode{passes.User, passes.Kernel} {
			cfg := passes.Config{Outline: 4, Mode: mode, Dispatch: passes.DispatchFunnel}
			got, res := runPipeline(t, src, s, cfg, markup.Pipeline)
			want, _ := runPipeline(t, src, s, cfg, []*passes.Pass{callmarkup.Pass})
			if !bytes.Equal(got, want) || len(res.Sites)+len(res.Skipped) != 0 {
				t.Errorf("%s (%s mode, -fno-jump-tables): the dispatch pass changed the output (%s)", src, mode, res.Summary())
			}
		}
	}
}

// runPipeline runs pipeline over src; the dispatch result is empty when
// the pipeline has no dispatch pass.
func runPipeline(t *testing.T, name string, src []byte, cfg passes.Config, pipeline []*passes.Pass) ([]byte, *dispatch.Result) {
	t.Helper()
	f, err := parser.ParseChecked(name, src)
	if err != nil {
		t.Fatal(err)
	}
	u := &passes.Unit{File: f, Rewriter: parser.NewRewriter(f), Config: cfg}
	if err := passes.Run(pipeline, u); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := u.Rewriter.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	res, _ := u.Results[dispatch.Pass].(*dispatch.Result)
	if res == nil {
		res = &dispatch.Result{}
	}
	return out.Bytes(), res
}
