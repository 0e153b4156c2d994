package objtoolcheck_test

// Mutants of real compiler output for the differential test (peer_test.go):
// the corpus's gcc and clang -O2 -fno-pie builds (absolute jump tables, which
// objtool 6.1 follows), each broken in one place, checked by objtool-user
// and by us.

import (
	"fmt"
	"hash/fnv"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/objtoolcheck"
)

// mutantConfig is the corpus configuration the mutants are made from.
const mutantConfig = "O2-nopie"

// mutantsPerKind caps the mutants of each kind (6 kinds: at most 300).
const mutantsPerKind = 50

// A mutation breaks one function of a unit in one place.
type mutation struct {
	kind  string
	flags []string // objtool's
	// sites returns the places in fn where the mutation applies, and apply
	// makes the mutant for one of them.
	sites func(lines []string, fn asmFunc) []int
	apply func(lines []string, fn asmFunc, site int) []string
}

var orcFlags, retpolineFlags = []string{"--orc"}, []string{"--retpoline"}

// baseModes are the objtool modes the unmodified units are checked in.
// Under --orc both sides must report nothing but corpusBaseline; in the
// build modes (indirect branches, bare rets, SLS) objtool's findings are
// many and real, and each must be ours at the same address.
var baseModes = [][]string{orcFlags, retpolineFlags, {"--retpoline", "--rethunk"}, {"--sls"}}

func mode(flags []string) string { return strings.Join(flags, " ") }

var mutations = []mutation{
	// A lost pop: the frame is not restored at ret (or paths disagree).
	{"delpop", orcFlags, insnsNamed("pop", "popq"), deleteLine},
	// Two pushes swapped: the pops restore the wrong registers.
	{"swappush", orcFlags, adjacentPushes, swapWithNext},
	// A lost ret: the function falls into the next one (or off the section).
	{"dropret", orcFlags, insnsNamed("ret", "retq"), deleteLine},
	// Code after an unconditional direct jmp: unreachable.
	{"afterjmp", orcFlags, directJumps, func(lines []string, fn asmFunc, i int) []string {
		return slices.Insert(slices.Clone(lines), i+1, "\tmovl\t$1, %eax")
	}},
	// No .size for the function.
	{"nosize", orcFlags, func(lines []string, fn asmFunc) []int { return []int{fn.size}[:btoi(fn.size >= 0)] }, deleteLine},
	// An indirect call at entry, in a retpoline build.
	{"indcall", retpolineFlags, func(lines []string, fn asmFunc) []int { return fn.insns[:min(1, len(fn.insns))] },
		func(lines []string, fn asmFunc, i int) []string {
			return slices.Insert(slices.Clone(lines), i, "\tcall\t*%rax")
		}},
}

// A baselineFinding is a finding on unmodified compiler output. Unit is a
// path.Match pattern on the unit name, Func the function.
type baselineFinding struct {
	Unit, Func, ID string
	// Ours says we report it too: objtool is right about the code. If not,
	// it is objtool's false positive and ours would be one as well.
	Ours   bool
	Reason string
}

// corpusBaseline lists every finding either side may report on the
// unmodified corpus (orc mode); anything else there is a false positive.
var corpusBaseline = []baselineFinding{
	{"*/cold.c", "checked", objtoolcheck.Fallthrough, false,
		"ends in a call through fatal_ptr, a pointer to a noreturn function; in compiler output we take a " +
			"function's last call for a noreturn one"},
	{"*/inlineasm.c", "count_down", objtoolcheck.Unreachable, false,
		"dead code inside inline asm (after jmp 2f), which the compiler cannot remove; we exempt inline asm"},
	{"*/interp.c", "run_goto", objtoolcheck.StackSibling, false,
		"computed goto: objtool takes the indirect jmp for a tail call; we see the function take its labels' " +
			"addresses and keep the jmp inside it"},
	{"*/cgoto.c", "run", objtoolcheck.StackSibling, false,
		"computed goto, as in interp.c: objtool takes the indirect jmp for a tail call"},
	{"clang-*/cgoto.c", "classify", objtoolcheck.StackSibling, false,
		"computed goto, as in interp.c: objtool takes the indirect jmp for a tail call"},
	{"gcc-*/throwcall.cc", "_Z7call_fpPFllEl", objtoolcheck.Unreachable, false,
		"an exception landing pad, reached through .gcc_except_table, which objtool does not read"},
	{"clang-*/throwcall.cc", "_Z9may_throwl", objtoolcheck.Unreachable, false,
		"an exception landing pad, reached through .gcc_except_table, which objtool does not read"},
	{"*/virt.cc", "_Z7call_fnRKSt8functionIFllEEl", objtoolcheck.Fallthrough, false,
		"ends in a call to std::__throw_bad_function_call, a libstdc++ noreturn objtool does not list"},
	{"gcc-*/virt.cc", "_ZNSt17_Function_handlerIFllEZ4mainEUllE0_E9_M_invokeERKSt9_Any_dataOl", objtoolcheck.Fallthrough, false,
		"ends in a call to std::__throw_bad_function_call, a libstdc++ noreturn objtool does not list"},
	{"clang-*/virt.cc", "_ZNSt17_Function_handlerIFllEZ4mainE3$_1E9_M_invokeERKSt9_Any_dataOl", objtoolcheck.Fallthrough, false,
		"ends in a call to std::__throw_bad_function_call, a libstdc++ noreturn objtool does not list"},
	{"clang-*/virt.cc", "__clang_call_terminate", objtoolcheck.Fallthrough, false,
		"ends in a call to std::terminate, a noreturn objtool does not list"},
}

func inBaseline(unit, fn, id string) (baselineFinding, bool) {
	for _, b := range corpusBaseline {
		if ok, _ := path.Match(b.Unit, unit); ok && b.Func == fn && b.ID == id {
			return b, true
		}
	}
	return baselineFinding{}, false
}

// An asmFunc is a function of a compiler's .s: lines[label] is "name:",
// lines[size] its .size directive (-1: none), insns the instruction lines
// between.
type asmFunc struct {
	name, section string
	label, size   int
	insns         []int
}

var (
	typeRE    = regexp.MustCompile(`^\s*\.type\s+("?[^\s,"]+"?)\s*,\s*@function`)
	sectionRE = regexp.MustCompile(`^\s*\.section\s+"?([^\s,"]+)`)
)

// lineMarkerRE matches the preprocessor line markers gcc leaves around
// inline asm, which GNU as takes for line directives.
var lineMarkerRE = regexp.MustCompile(`^#\s*[0-9]+\s+"`)

// mnemonic returns the instruction on an instruction line and its operands.
func mnemonic(line string) (op, args string, ok bool) {
	s, _, _ := strings.Cut(line, "#")
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '.' || strings.HasSuffix(s, ":") {
		return "", "", false
	}
	op, args, _ = strings.Cut(s, "\t")
	if i := strings.IndexByte(op, ' '); i >= 0 {
		op, args = op[:i], op[i+1:]
	}
	return op, strings.TrimSpace(args), true
}

// parseFuncs finds the functions of a gcc or clang .s file.
func parseFuncs(lines []string) []asmFunc {
	typed := map[string]bool{}
	for _, l := range lines {
		if m := typeRE.FindStringSubmatch(l); m != nil {
			typed[strings.Trim(m[1], `"`)] = true
		}
	}
	var fs []asmFunc
	sec, prev := ".text", ".text"
	var cur *asmFunc
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == ".text":
			sec, prev = ".text", sec
		case t == ".previous":
			sec, prev = prev, sec
		case sectionRE.MatchString(l):
			sec, prev = sectionRE.FindStringSubmatch(l)[1], sec
		}
		name, ok := strings.CutSuffix(strings.Fields(l + " x")[0], ":")
		if ok && len(l) > 0 && l[0] != '\t' && l[0] != ' ' && typed[strings.Trim(name, `"`)] {
			if cur != nil { // no .size
				fs = append(fs, *cur)
			}
			cur = &asmFunc{name: strings.Trim(name, `"`), section: sec, label: i, size: -1}
			continue
		}
		if cur == nil {
			continue
		}
		if strings.HasPrefix(t, ".size") {
			if f := strings.Fields(strings.NewReplacer(",", " ", `"`, "").Replace(t)); len(f) > 1 && f[1] == cur.name {
				cur.size = i
				fs = append(fs, *cur)
				cur = nil
				continue
			}
		}
		if _, _, ok := mnemonic(l); ok {
			cur.insns = append(cur.insns, i)
		}
	}
	if cur != nil {
		fs = append(fs, *cur)
	}
	return fs
}

func insnsNamed(ops ...string) func([]string, asmFunc) []int {
	return func(lines []string, fn asmFunc) []int {
		var out []int
		if len(fn.insns) < 2 { // deleting the only instruction leaves an empty function
			return nil
		}
		for _, i := range fn.insns {
			if op, _, _ := mnemonic(lines[i]); slices.Contains(ops, op) {
				out = append(out, i)
			}
		}
		return out
	}
}

func adjacentPushes(lines []string, fn asmFunc) []int {
	var out []int
	for k := 0; k+1 < len(fn.insns); k++ {
		op1, a1, _ := mnemonic(lines[fn.insns[k]])
		op2, a2, _ := mnemonic(lines[fn.insns[k+1]])
		if (op1 == "push" || op1 == "pushq") && (op2 == "push" || op2 == "pushq") && a1 != a2 {
			out = append(out, fn.insns[k])
		}
	}
	return out
}

func directJumps(lines []string, fn asmFunc) []int {
	var out []int
	for _, i := range fn.insns {
		if op, args, _ := mnemonic(lines[i]); (op == "jmp" || op == "jmpq") && !strings.HasPrefix(args, "*") {
			out = append(out, i)
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deleteLine(lines []string, fn asmFunc, i int) []string {
	return slices.Delete(slices.Clone(lines), i, i+1)
}

// swapWithNext swaps instruction line i with the function's next
// instruction line (the .cfi directives between stay where they are).
func swapWithNext(lines []string, fn asmFunc, i int) []string {
	k := slices.Index(fn.insns, i)
	j := fn.insns[k+1]
	out := slices.Clone(lines)
	out[i], out[j] = out[j], out[i]
	return out
}

// A corpusRun is one .s checked by both sides in one objtool mode.
type corpusRun struct {
	name   string // mutant or unit name
	unit   string
	kind   string // "" for the unmodified unit
	flags  []string
	lines  []string
	funcs  []asmFunc
	theirs []objtoolFinding
	ours   []objtoolcheck.Finding
	err    error
}

// run checks r's text with objtool-user and with our checks.
func (r *corpusRun) run(user, dir string, cfg objtoolcheck.Config) {
	src := []byte(strings.Join(r.lines, "\n") + "\n")
	file := filepath.Join(dir, "m.s")
	if r.err = os.WriteFile(file, src, 0o644); r.err != nil {
		return
	}
	if r.theirs, r.err = runObjtool(user, r.flags, file, dir); r.err != nil {
		return
	}
	// The function objtool's "unexpected end of section" is about: the
	// section's last.
	for i, f := range r.theirs {
		if sec, ok := strings.CutSuffix(f.Text, ": unexpected end of section"); ok && f.Func == "" {
			for _, fn := range r.funcs {
				if fn.section == sec {
					r.theirs[i].Func = fn.name
				}
			}
		}
	}
	r.ours, r.err = objtoolcheck.File(file, src, cfg)
}

type findingKey struct{ id, fn string }

func countTheirs(fs []objtoolFinding) map[findingKey]int {
	m := map[findingKey]int{}
	for _, f := range fs {
		m[findingKey{f.ID, f.Func}]++
	}
	return m
}

func countOurs(fs []objtoolcheck.Finding) map[findingKey]int {
	m := map[findingKey]int{}
	for _, f := range fs {
		m[findingKey{f.ID, f.Function}]++
	}
	return m
}

// TestPeerMutants checks the unmodified corpus and its mutants with
// objtool-user and with us: every finding objtool adds to a unit by
// mutating it, we must report in the same function with the same ID.
func TestPeerMutants(t *testing.T) {
	_, user := peerTools(t)
	cfgs := map[string]objtoolcheck.Config{}
	for _, fl := range baseModes {
		cfgs[mode(fl)] = configFor(t, fl)
	}

	// The unmodified units, in every mode.
	var base []*corpusRun
	for _, u := range corpus.BuildT(t) {
		if u.Config.Name != mutantConfig {
			continue
		}
		lines := readUnit(t, u)
		for _, fl := range baseModes {
			base = append(base, &corpusRun{name: u.Name, unit: u.Name, flags: fl, lines: lines, funcs: parseFuncs(lines)})
		}
	}
	if len(base) == 0 {
		t.Fatalf("no %s units in the corpus", mutantConfig)
	}
	runAll(t, user, base, cfgs)
	rep := &peerReport{modes: map[string]*modeCount{}, kinds: map[string]*kindCount{}}
	baseOf := map[string]*corpusRun{} // unit + " " + mode
	for _, r := range base {
		baseOf[r.unit+" "+mode(r.flags)] = r
		if mode(r.flags) == "--orc" {
			rep.orcBaseline(r)
		} else {
			rep.buildBaseline(r)
		}
	}

	muts := makeMutants(base, baseOf)
	runAll(t, user, muts, cfgs)
	for _, r := range muts {
		rep.mutant(r, baseOf[r.unit+" "+mode(r.flags)])
	}
	rep.log(t)
}

// readUnit returns a unit's lines, ready for GNU as 2.40 and addr2line.
func readUnit(t *testing.T, u corpus.Unit) []string {
	b, err := os.ReadFile(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(l), ".addrsig"):
			// GNU as 2.40 does not know clang's address-significance tables.
			continue
		case lineMarkerRE.MatchString(l):
			// gcc's "# 17 "x.c" 1" around inline asm sets as's line
			// numbers; keep the line, but as a plain comment.
			l = "#-" + l[1:]
		}
		lines = append(lines, l)
	}
	return lines
}

// makeMutants makes up to mutantsPerKind mutants of each kind, chosen by a
// hash of their names, skipping functions objtool already warns about in
// the unmodified unit (it reports one warning per function).
func makeMutants(base []*corpusRun, baseOf map[string]*corpusRun) []*corpusRun {
	var muts []*corpusRun
	for _, m := range mutations {
		var cands []*corpusRun
		for _, b := range base {
			if mode(b.flags) != mode(m.flags) {
				continue
			}
			warned := map[string]bool{}
			for _, o := range baseOf[b.unit+" --orc"].theirs {
				warned[o.Func] = true
			}
			for _, fn := range b.funcs {
				if warned[fn.name] {
					continue
				}
				for n, site := range m.sites(b.lines, fn) {
					lines := m.apply(b.lines, fn, site)
					cands = append(cands, &corpusRun{
						name: fmt.Sprintf("%s/%s/%s#%d", m.kind, b.unit, fn.name, n), unit: b.unit, kind: m.kind,
						flags: m.flags, lines: lines, funcs: parseFuncs(lines),
					})
				}
			}
		}
		sort.Slice(cands, func(i, j int) bool { return hash(cands[i].name) < hash(cands[j].name) })
		muts = append(muts, cands[:min(len(cands), mutantsPerKind)]...)
	}
	return muts
}

// A peerReport collects TestPeerMutants' results.
type peerReport struct {
	fails  []string // each fails the test
	diffs  []string // per mutant: MISSED (also in fails), known, addr
	extras []string // build-mode findings only we report, known differences there
	silent []string // mutants objtool finds nothing new in
	modes  map[string]*modeCount
	kinds  map[string]*kindCount
}

type modeCount struct{ objtool, ours, matched int }

type kindCount struct{ mutants, objtool, ours, both, missed, known, addr, addrOf int }

// orcBaseline checks an unmodified unit under --orc: no finding on either
// side but corpusBaseline's.
func (p *peerReport) orcBaseline(r *corpusRun) {
	pair, used := match(r.theirs, r.ours, nil)
	for i, o := range r.theirs {
		b, ok := inBaseline(r.unit, o.Func, o.ID)
		switch {
		case !ok:
			p.fails = append(p.fails, fmt.Sprintf("%s: objtool on unmodified code: %s in %s: list it in corpusBaseline", r.unit, o, o.Func))
		case b.Ours && pair[i] < 0:
			p.fails = append(p.fails, fmt.Sprintf("%s: MISSED on unmodified code: objtool: %s in %s", r.unit, o, o.Func))
		}
	}
	for j, f := range r.ours {
		if b, ok := inBaseline(r.unit, f.Function, f.ID); (!ok || !b.Ours) && !used[j] {
			p.fails = append(p.fails, fmt.Sprintf("%s:%d: FALSE POSITIVE on unmodified code: %s [%s] in %s", r.unit, f.Line, f.Message, f.ID, f.Function))
		}
	}
}

// buildBaseline checks an unmodified unit in a build mode: objtool's
// findings must be ours, at the same address.
func (p *peerReport) buildBaseline(r *corpusRun) {
	n := p.modes[mode(r.flags)]
	if n == nil {
		n = &modeCount{}
		p.modes[mode(r.flags)] = n
	}
	pair, used := match(r.theirs, r.ours, insnLine([]byte(strings.Join(r.lines, "\n"))))
	name := "base" + strings.ReplaceAll(mode(r.flags), " --", "-")[1:] + "/" + r.unit
	n.objtool += len(r.theirs)
	n.ours += len(r.ours)
	for i, o := range r.theirs {
		if pair[i] >= 0 {
			n.matched++
		} else if reason, ok := knownDiff(name, o.ID); ok {
			p.extras = append(p.extras, fmt.Sprintf("known   %s: objtool: %s (%s)", name, o, reason))
		} else {
			p.fails = append(p.fails, fmt.Sprintf("MISSED  %s: objtool: %s in %s; ours: %s", name, o, o.Func, oursSummary(r.ours)))
		}
	}
	for j, f := range r.ours {
		if !used[j] {
			p.extras = append(p.extras, fmt.Sprintf("ours    %s:%d: %s [%s] in %s", name, f.Line, f.Message, f.ID, f.Function))
		}
	}
}

// mutant compares what a mutation added on each side to unmodified b.
func (p *peerReport) mutant(r, b *corpusRun) {
	s := p.kinds[r.kind]
	if s == nil {
		s = &kindCount{}
		p.kinds[r.kind] = s
	}
	s.mutants++
	// Only what the mutation added counts: objtool's baseline findings
	// are the corpusBaseline's business.
	left := countTheirs(b.theirs)
	var added []objtoolFinding
	for _, o := range r.theirs {
		k := findingKey{o.ID, o.Func}
		if left[k] > 0 {
			left[k]--
			continue
		}
		added = append(added, o)
	}
	oursAdded := false
	bo := countOurs(b.ours)
	for k, n := range countOurs(r.ours) {
		oursAdded = oursAdded || n > bo[k]
	}
	if len(added) > 0 {
		s.objtool++
	} else {
		p.silent = append(p.silent, r.name)
	}
	if oursAdded {
		s.ours++
	}
	if len(added) > 0 && oursAdded {
		s.both++
	}
	pair, _ := match(added, r.ours, nil)
	pairAt, _ := match(added, r.ours, insnLine([]byte(strings.Join(r.lines, "\n"))))
	missed, known := false, false
	for i, o := range added {
		switch {
		case pair[i] >= 0:
			// Informational: objtool's walk may meet the problem at
			// another instruction than ours.
			if o.Line > 0 {
				s.addrOf++
				if pairAt[i] >= 0 {
					s.addr++
				} else {
					p.diffs = append(p.diffs, fmt.Sprintf("addr    %s: objtool: %s; ours at line %d", r.name, o, r.ours[pair[i]].Line))
				}
			}
		case o.ID == "":
			p.fails = append(p.fails, fmt.Sprintf("%s: unclassified objtool message %q: add it to objtoolClasses", r.name, o.Text))
			missed = true
		default:
			if reason, ok := knownDiff(r.name, o.ID); ok {
				known = true
				p.diffs = append(p.diffs, fmt.Sprintf("known   %s: objtool: %s (%s)", r.name, o, reason))
				continue
			}
			missed = true
			l := fmt.Sprintf("MISSED  %s: objtool: %s in %s; ours: %s", r.name, o, o.Func, oursSummary(r.ours))
			p.diffs = append(p.diffs, l)
			p.fails = append(p.fails, l)
		}
	}
	if missed {
		s.missed++
	} else if known {
		s.known++
	}
}

// log prints the tables and lists, and fails the test on p.fails.
func (p *peerReport) log(t *testing.T) {
	var btab strings.Builder
	fmt.Fprintf(&btab, "%-22s %8s %8s %8s\n", "mode", "objtool", "ours", "matched")
	for _, fl := range baseModes[1:] {
		if n := p.modes[mode(fl)]; n != nil {
			fmt.Fprintf(&btab, "%-22s %8d %8d %8d\n", mode(fl), n.objtool, n.ours, n.matched)
		}
	}
	t.Logf("the unmodified %s corpus in objtool's build modes (findings):\n%s", mutantConfig, btab.String())
	if len(p.extras) > 0 {
		t.Logf("build-mode findings on the unmodified corpus only we report, or known differences:\n%s", strings.Join(p.extras, "\n"))
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "%-9s %7s %7s %7s %7s %7s %7s %9s\n", "kind", "mutants", "objtool", "ours", "both", "missed", "known", "same addr")
	for _, m := range mutations {
		if s := p.kinds[m.kind]; s != nil {
			fmt.Fprintf(&tab, "%-9s %7d %7d %7d %7d %7d %7d %5d/%-3d\n", m.kind, s.mutants, s.objtool, s.ours, s.both, s.missed, s.known, s.addr, s.addrOf)
		}
	}
	t.Logf("mutants of the %s corpus (objtool/ours: mutants where the side reports a new finding; missed: objtool "+
		"reports one we do not; same addr: matched findings with an offset that we report at the same instruction):\n%s",
		mutantConfig, tab.String())
	t.Logf("mutants objtool-user finds nothing new in (it reports one warning per function, and "+
		"unreachable instructions only when nothing else warned):\n%s", strings.Join(p.silent, "\n"))
	if len(p.diffs) > 0 {
		sort.Strings(p.diffs)
		t.Logf("mutants where objtool-user reports what we do not (MISSED), known differences, and matches at "+
			"another instruction (addr):\n%s", strings.Join(p.diffs, "\n"))
	}
	for _, f := range p.fails {
		t.Error(f)
	}
}

// oursSummary lists a few of our findings: line, ID, function.
func oursSummary(fs []objtoolcheck.Finding) string {
	var s []string
	for _, f := range fs {
		if len(s) == 4 {
			s = append(s, fmt.Sprintf("+%d more", len(fs)-4))
			break
		}
		s = append(s, fmt.Sprintf("%d:[%s] in %s", f.Line, f.ID, f.Function))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// runAll runs every run on a pool of workers, each in its own directory,
// and fails the test on a run that could not be made.
func runAll(t *testing.T, user string, runs []*corpusRun, cfgs map[string]objtoolcheck.Config) {
	t.Helper()
	dirs := t.TempDir()
	pool(len(runs), func(i int) {
		dir := filepath.Join(dirs, fmt.Sprint(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			runs[i].err = err
			return
		}
		runs[i].run(user, dir, cfgs[mode(runs[i].flags)])
		os.RemoveAll(dir)
	})
	for _, r := range runs {
		if r.err != nil {
			t.Fatalf("%s: %v", r.name, r.err)
		}
	}
}
