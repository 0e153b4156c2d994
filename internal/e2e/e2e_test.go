package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optpoline/optpoline/internal/corpus"
)

// A markup variant is one set of markup options applied to every unit.
type variant struct {
	name    string
	args    []string
	outline bool     // every call entry has an outline block
	kernel  bool     // only for kernel-code-model units
	sources []string // only for these sources (base names), when set
}

// dispatchSources have intra-function indirect jumps (computed goto, jump
// tables): the dispatch variants rewrite every one of them (the default
// leaves jmp *%REG alone and makes thunk jumps funnels).
var dispatchSources = []string{"interp.c", "cgoto.c", "switchy.c"}

var variants = []variant{
	{name: "default", outline: true},
	{name: "outline0", args: []string{"--outline=0"}},
	{name: "kernel", args: []string{"--mode=kernel"}, outline: true, kernel: true},
	{name: "funnel", args: []string{"--dispatch=funnel"}, outline: true, sources: dispatchSources},
	{name: "learned", args: []string{"--dispatch=learned"}, outline: true, sources: dispatchSources},
}

// shortSources and shortConfigs pick the units of a -short run.
var (
	shortSources = []string{"calls.c", "virt.cc", "cgoto.c"}
	shortConfigs = []string{"O2", "O2-thunk-extern", "O2-retpoline", "O2-kernel"}
)

// TestMarkupCorpus marks up every unit of the corpus, links and runs the
// result like internal/corpus's TestRun, requires the output and exit
// status of the gcc -O0 build of the same source, and checks the linked
// table with VerifyBinary. Units that do not link (kernel code model) must
// still assemble after markup.
func TestMarkupCorpus(t *testing.T) {
	start := time.Now()
	units := corpus.BuildT(t)
	if testing.Short() {
		units = slices.DeleteFunc(units, func(u corpus.Unit) bool {
			return !slices.Contains(shortSources, filepath.Base(u.Source)) ||
				!slices.Contains(shortConfigs, u.Config.Name) && !u.Reference()
		})
	}
	t.Logf("corpus: %d units in %v", len(units), time.Since(start))
	tmp := t.TempDir()
	cli := buildCLI(t, tmp)
	objdumpAll := os.Getenv("OPTPOLINE_E2E_OBJDUMP") == "all"

	// The pass must exist: stop at the first unit with its message rather
	// than report every unit.
	if _, err := markup(cli, units[0].Path, filepath.Join(tmp, "probe.s"), nil); err != nil {
		t.Fatalf("optpoline markup does not work yet, so nothing can be tested:\n%v", err)
	}

	// Reference outputs: the gcc -O0 build of every source, unmarked.
	start = time.Now()
	want := map[string]corpus.Result{}
	var mu sync.Mutex
	var refs []corpus.Unit
	for _, u := range units {
		if u.Reference() {
			refs = append(refs, u)
		}
	}
	// A source has function-pointer calls when its reference build has
	// candidates; otherwise a unit's candidates are fixed targets the pass
	// may prove (large model: movabsq $printf, %r12 … call *%r12; GOT
	// loads), and its table may be empty.
	refCands := map[string]int{}
	for _, u := range refs {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		refCands[u.Source] = Candidates(string(src))
	}
	corpus.Parallel(refs, func(i int, u corpus.Unit) {
		prog := filepath.Join(tmp, "ref"+strconv.Itoa(i))
		if err := corpus.Link(u, u.Path, prog); err != nil {
			t.Errorf("reference %s: %v", u.Name, err)
			return
		}
		r := corpus.Run(prog)
		if r.Err != nil {
			t.Errorf("reference %s: %v", u.Name, r.Err)
			return
		}
		mu.Lock()
		want[u.Source] = r
		mu.Unlock()
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("references: %d programs in %v", len(refs), time.Since(start))

	start = time.Now()
	var (
		fails    []string
		stats    = map[string]int{}
		byFlag   = map[string]int{}
		checked  []string           // programs whose sites objdump cross-checks
		noEntry  = map[string]int{} // source → units without candidates or entries
		statsMu  sync.Mutex
		failKind = map[string]int{}
	)
	fail := func(kind, format string, args ...any) {
		statsMu.Lock()
		defer statsMu.Unlock()
		failKind[kind]++
		fails = append(fails, fmt.Sprintf(format, args...))
	}
	count := func(k string, n int) {
		statsMu.Lock()
		stats[k] += n
		statsMu.Unlock()
	}
	corpus.Parallel(units, func(i int, u corpus.Unit) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			fail("read", "%s: %v", u.Name, err)
			return
		}
		cands := Candidates(string(src))
		if refCands[u.Source] == 0 {
			cands = 0
		}
		kernelModel := slices.Contains(u.Flags, "-mcmodel=kernel")
		udir := filepath.Join(tmp, "u"+strconv.Itoa(i))
		if err := os.Mkdir(udir, 0o755); err != nil {
			fail("mkdir", "%s: %v", u.Name, err)
			return
		}
		ok := true
		for _, v := range variants {
			if v.kernel && !kernelModel || v.sources != nil && !slices.Contains(v.sources, filepath.Base(u.Source)) {
				continue
			}
			name := u.Name + " [" + v.name + "]"
			marked := filepath.Join(udir, v.name+".s")
			if _, err := markup(cli, u.Path, marked, v.args); err != nil {
				fail("markup", "%s: %v", name, err)
				ok = false
				continue
			}
			count("markup", 1)
			if !u.Config.Links {
				obj := filepath.Join(udir, v.name+".o")
				if err := assemble(u, marked, obj); err != nil {
					fail("assemble", "%s: marked-up file does not assemble: %v", name, err)
					ok = false
				} else {
					count("assembled only", 1)
				}
				continue
			}
			prog := filepath.Join(udir, v.name)
			if err := corpus.Link(u, marked, prog); err != nil {
				fail("link", "%s: marked-up file does not link: %v", name, err)
				ok = false
				continue
			}
			count("linked", 1)
			if u.Runs() {
				got, ref := corpus.Run(prog), want[u.Source]
				count("ran", 1)
				if d := diffResults(got, ref); d != "" {
					fail("output", "%s: differs from the reference %s build:\n%s", name, corpus.ReferenceConfig, d)
					ok = false
				}
			}
			rep, sites, err := verify(prog)
			if err != nil {
				fail("verify", "%s: VerifyBinary: %v", name, err)
				ok = false
				continue
			}
			for j, p := range rep.Problems {
				if j == 5 {
					fail("verify", "%s: ... %d more problems", name, len(rep.Problems)-j)
					break
				}
				fail("verify", "%s: %s", name, p)
				ok = false
			}
			count("entries "+v.name, rep.Entries)
			if v.name == "default" {
				statsMu.Lock()
				for k, n := range rep.ByFlag {
					byFlag[k] += n
				}
				statsMu.Unlock()
			}
			switch {
			case cands > 0 && rep.Entries == 0:
				fail("no entries", "%s: %d indirect branches in the .s outside inline asm, but the table is empty", name, cands)
				ok = false
			case cands == 0 && rep.Entries == 0:
				statsMu.Lock()
				noEntry[filepath.Base(u.Source)]++
				statsMu.Unlock()
			}
			if calls := rep.Entries - rep.ByFlag["dispatch"]; v.outline && rep.Outlined != calls || !v.outline && rep.Outlined != 0 {
				fail("outline", "%s: %d of %d call entries have an outline block", name, rep.Outlined, calls)
				ok = false
			}
			// Cross-check the decoder with objdump on a sample of programs
			// (every program with OPTPOLINE_E2E_OBJDUMP=all).
			if v.name == "default" && (i%37 == 0 || objdumpAll) && len(sites) > 0 {
				insns, err := objdump(prog)
				if err != nil {
					fail("objdump", "%s: %v", name, err)
					continue
				}
				for _, s := range sites {
					for _, d := range crossCheck(insns, s) {
						fail("objdump", "%s: %s", name, d)
						ok = false
					}
				}
				statsMu.Lock()
				checked = append(checked, fmt.Sprintf("%s (%d sites)", name, len(sites)))
				statsMu.Unlock()
			}
		}
		if ok {
			os.RemoveAll(udir)
		}
	})
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sum []string
	for _, k := range keys {
		sum = append(sum, fmt.Sprintf("%s %d", k, stats[k]))
	}
	t.Logf("%d units in %v: %s", len(units), time.Since(start), strings.Join(sum, ", "))
	t.Logf("entries by flag (default): %v", byFlag)
	if objdumpAll {
		t.Logf("objdump cross-checked %d programs", len(checked))
	} else {
		t.Logf("objdump cross-checked: %s", strings.Join(checked, "; "))
	}
	if len(noEntry) > 0 {
		t.Logf("programs without candidates or entries, by source: %v", noEntry)
	}
	sort.Strings(fails)
	const maxShown = 60
	for i, f := range fails {
		if i == maxShown {
			t.Errorf("... and %d more failures", len(fails)-maxShown)
			break
		}
		t.Error(f)
	}
	if len(fails) > 0 {
		t.Logf("failures by kind: %v", failKind)
	}
}

// buildCLI builds cmd/optpoline into dir, unless $OPTPOLINE_E2E_CLI names
// an optpoline binary (or wrapper) to test instead.
func buildCLI(t *testing.T, dir string) string {
	t.Helper()
	if bin := os.Getenv("OPTPOLINE_E2E_CLI"); bin != "" {
		t.Logf("testing %s ($OPTPOLINE_E2E_CLI)", bin)
		return bin
	}
	root, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "optpoline")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/optpoline")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/optpoline: %v\n%s", err, out)
	}
	return bin
}

// markup runs optpoline markup [args] -o out in and returns its stderr.
func markup(cli, in, out string, args []string) (string, error) {
	argv := append([]string{"markup"}, args...)
	argv = append(argv, "-o", out, in)
	cmd := exec.Command(cli, argv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stderr.String(), &cmdError{"optpoline " + strings.Join(argv, " "), err, stderr.Bytes()}
	}
	return stderr.String(), nil
}

// assemble assembles s into obj with the unit's driver.
func assemble(u corpus.Unit, s, obj string) error {
	args := []string{"-c", "-x", "assembler", s, "-o", obj}
	if out, err := exec.Command(u.Compiler, args...).CombinedOutput(); err != nil {
		return &cmdError{u.Compiler + " " + strings.Join(args, " "), err, out}
	}
	return nil
}

// diffResults describes how got differs from want: exit status, then the
// first differing stdout lines.
func diffResults(got, want corpus.Result) string {
	var b strings.Builder
	if got.Err != nil {
		fmt.Fprintf(&b, "  run: %v\n", got.Err)
	}
	if got.Status != want.Status {
		fmt.Fprintf(&b, "  exit status %d, want %d; stderr: %s\n", got.Status, want.Status, firstLines(got.Stderr, 3))
	}
	if got.Stdout != want.Stdout {
		gl, wl := strings.Split(got.Stdout, "\n"), strings.Split(want.Stdout, "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		fmt.Fprintf(&b, "  stdout differs at line %d:\n", i+1)
		for j := i; j < i+3 && (j < len(gl) || j < len(wl)); j++ {
			g, w := "<eof>", "<eof>"
			if j < len(gl) {
				g = strconv.Quote(gl[j])
			}
			if j < len(wl) {
				w = strconv.Quote(wl[j])
			}
			fmt.Fprintf(&b, "    got  %s\n    want %s\n", g, w)
		}
	}
	return b.String()
}

type cmdError struct {
	cmd string
	err error
	out []byte
}

func (e *cmdError) Error() string {
	return e.cmd + ": " + e.err.Error() + "\n" + firstLines(string(e.out), 8)
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfterN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...\n")
	}
	return strings.TrimRight(strings.Join(lines, ""), "\n")
}

var (
	candidateRE = regexp.MustCompile(`call\*?q?\s+\*|jmpq?\s+\*|__x86_indirect_thunk_|__llvm_retpoline_`)
	movabsRE    = regexp.MustCompile(`^\s*movabsq\s+\$[A-Za-z_.][^,]*,\s*%(\w+)`)
	destRE      = regexp.MustCompile(`,\s*%(\w+)\s*(?:#.*)?$`)
	callRegRE   = regexp.MustCompile(`^\s*(?:notrack\s+)?callq?\s+\*%(\w+)`)
)

// Candidates counts the lines of a compiler's assembly output that branch
// indirectly outside inline asm (gcc and clang #APP … #NO_APP, clang's
// file-scope asm markers, and code outside .cfi_startproc … .cfi_endproc
// when the file has CFI), and that are not fixed targets: @GOTPCREL and
// @TLSCALL operands, or a call through a register last set by
// movabsq $symbol (large code model). Jump-table dispatches still count:
// the number only says whether a table may be empty.
func Candidates(src string) int {
	hasCFI := strings.Contains(src, ".cfi_startproc")
	n := 0
	inAPP, inFileAsm, inCFI := false, false, false
	fixed := map[string]bool{} // registers holding a movabsq'd symbol
	for _, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "#APP"):
			inAPP = true
			continue
		case strings.HasPrefix(t, "#NO_APP"):
			inAPP = false
			continue
		case strings.HasPrefix(t, "# Start of file scope inline assembly"):
			inFileAsm = true
			continue
		case strings.HasPrefix(t, "# End of file scope inline assembly"):
			inFileAsm = false
			continue
		case strings.HasPrefix(t, ".cfi_startproc"):
			inCFI = true
			clear(fixed)
			continue
		case strings.HasPrefix(t, ".cfi_endproc"):
			inCFI = false
			continue
		}
		if inAPP || inFileAsm || hasCFI && !inCFI || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ".") {
			continue
		}
		if m := movabsRE.FindStringSubmatch(l); m != nil {
			fixed[m[1]] = true
			continue
		}
		if m := callRegRE.FindStringSubmatch(l); m != nil && fixed[m[1]] {
			continue
		}
		if candidateRE.MatchString(l) && !strings.Contains(l, "@GOTPCREL") && !strings.Contains(l, "@TLSCALL") {
			n++
			continue
		}
		// Any other write to a register ends its fixed value, except the
		// large-PIC addq %r15 (GOT base) after movabsq $sym@PLTOFF.
		if m := destRE.FindStringSubmatch(l); m != nil && !strings.HasPrefix(t, "addq") {
			delete(fixed, m[1])
		}
	}
	return n
}

func TestCandidates(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want int
	}{
		{"f:\n\tcall\t*%rax\n\tjmp\t*8(%rdi)\n\tcallq\t*(%rax)\n\tjmpq\t*%rcx  # TAILCALL\n", 4},
		{"f:\n\tcall\t__x86_indirect_thunk_rax\n\tcallq\t__llvm_retpoline_r11\n\tcall\tprintf@PLT\n", 2},
		{"f:\n#APP\n# 3 \"x.c\" 1\n\tcall *%rax\n# 0 \"\" 2\n#NO_APP\n\tret\n", 0},
		{"f:\n\t#APP\n\tcallq\t*%rbx\n\t#NO_APP\n\tcallq\t*%rbx\n", 1},
		{"\t.text\n# Start of file scope inline assembly\ntop:\n\tcallq\t*%rax\n# End of file scope inline assembly\nf:\n\tret\n", 0},
		{"top:\n\tcallq\t*%rax\nf:\n\t.cfi_startproc\n\tret\n\t.cfi_endproc\n", 0},
		{"f:\n\tcall\t*printf@GOTPCREL(%rip)\n\tcall\t*gtls@TLSCALL(%rax)\n", 0},
		{"f:\n\tmovabsq\t$sink, %rax\n\tcall\t*%rax\n\tmovabsq\t$sink@PLTOFF, %rdx\n\taddq\t%r15, %rdx\n\tcall\t*%rdx\n", 0},
		{"f:\n\tmovabsq\t$sink, %rax\n\tmovq\t8(%rdi), %rax\n\tcall\t*%rax\n", 1},
		{"f:\n\tmovabsq\t$1234, %rax\n\tcall\t*%rax\n", 1},
	} {
		if got := Candidates(tt.src); got != tt.want {
			t.Errorf("Candidates(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}
