package objtoolcheck_test

// The differential test against the Linux 6.1 objtool
// (/work/shared/design/objtool-peer.md). scripts/objtool-peer.sh builds two
// peers: stock objtool, and objtool-user, which also knows the user-space
// noreturn functions our built-in list has (exit, abort, __assert_fail...).
// Our findings are compared with objtool-user's; the stock peer is only run
// to document where the two differ.
//
// The rule: every finding objtool reports, we report with the same check ID
// in the same function (and, in the hand-written cases, at the same address:
// the .s line addr2line gives for objtool's offset), unless knownDifferences
// lists it with a reason. Our extra findings are allowed only for our own
// checks (oursOnly), in hand-written cases where objtool is known to
// suppress findings or report them elsewhere (extrasExpected: one warning
// per function, unreachable instructions only when nothing else warned),
// and in mutants. In the hand-written cases every finding of ours is also
// asserted by # want, so an extra is always a deliberate one.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/objtoolcheck"
)

// notModelled is the ID of objtool findings no check of ours models.
const notModelled = "(not modelled)"

// objtoolClasses maps objtool's wording to our check IDs.
var objtoolClasses = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^return with modified stack frame$`), objtoolcheck.StackRet},
	{regexp.MustCompile(`^stack state mismatch: `), objtoolcheck.StackMismatch},
	{regexp.MustCompile(`^undefined stack state$`), objtoolcheck.StackUndef},
	{regexp.MustCompile(`^unsupported stack pointer realignment$`), objtoolcheck.StackRealign},
	{regexp.MustCompile(`^sibling call from callable instruction with modified stack frame$`), objtoolcheck.StackSibling},
	{regexp.MustCompile(`^call without frame pointer save/setup$`), objtoolcheck.FramePointer},
	{regexp.MustCompile(`^BP used as a scratch register$`), objtoolcheck.FramePointer},
	{regexp.MustCompile(`^unreachable instruction$`), objtoolcheck.Unreachable},
	{regexp.MustCompile(`falls through to next function`), objtoolcheck.Fallthrough},
	{regexp.MustCompile(`^unexpected end of section$`), objtoolcheck.Fallthrough},
	{regexp.MustCompile(`is missing an ELF size annotation$`), objtoolcheck.NoSize},
	{regexp.MustCompile(`^can't find jump dest instruction at `), objtoolcheck.BadJump},
	{regexp.MustCompile(`^indirect (call|jump) found in RETPOLINE build$`), objtoolcheck.Retpoline},
	{regexp.MustCompile(`^'naked' return found in RETHUNK build$`), objtoolcheck.Rethunk},
	{regexp.MustCompile(`^missing int3 after (ret|indirect jump)$`), objtoolcheck.SLS},
	{regexp.MustCompile(`^unsupported instruction in callable function$`), objtoolcheck.Unsupported},
	// A call to a local label needs ANNOTATE_INTRA_FUNCTION_CALL: like
	// syscall, a construct objtool refuses in callable code.
	{regexp.MustCompile(`^unannotated intra-function call$`), objtoolcheck.Unsupported},
	{regexp.MustCompile(`^retpoline_safe hint not an indirect jump/call/ret/nop$`), objtoolcheck.Annotation},
	// objtool's direction-flag checks; we do not track DF.
	{regexp.MustCompile(`^(redundant CLD|recursive STD|return with DF set)$`), notModelled},
	// ORC needs STT_FUNC call targets; a CFI unwinder does not.
	{regexp.MustCompile(`^unsupported call to non-function$`), notModelled},
	// objtool 6.1 limitations, fatal for the object.
	{regexp.MustCompile(`^can't find switch jump table$`), notModelled},
	{regexp.MustCompile(`^can't decode instruction at `), notModelled},
	{regexp.MustCompile(`can't find starting instruction$`), notModelled},
}

// classify returns the check ID for objtool's message text, "" if unknown.
func classify(msg string) string {
	for _, c := range objtoolClasses {
		if c.re.MatchString(msg) {
			return c.id
		}
	}
	return ""
}

// A knownDifference excuses objtool findings we do not report. Case is a
// path.Match pattern on the case name ("peer/NN-name" or
// "KIND/UNIT/FUNC#N"), ID the check ID of objtool's finding.
type knownDifference struct {
	Case, ID, Reason string
}

var knownDifferences = []knownDifference{
	{"peer/16-pie-table", notModelled,
		"objtool 6.1 cannot follow PIE-relative (.long L-Ltab) jump tables and gives up on the object; we follow them"},
	{"peer/22-cld", notModelled, "objtool's direction-flag checks are not modelled"},
	{"peer/23-std-ret", notModelled, "objtool's direction-flag checks are not modelled"},
	{"peer/27-call-notype", notModelled,
		"ORC wants STT_FUNC call targets; we report the sized NOTYPE symbol itself, at its .size (no-size)"},
	{"peer/42b-bp-cfa-one-path-stackval", objtoolcheck.FramePointer,
		"the two paths meet at .L1 with different CFAs (rsp+16, rbp+16): we report that join, the first " +
			"problem on our walk; objtool's --stackval walk reaches the ret first and calls the same mistake " +
			"a BP scratch use (one stack finding per function on both sides)"},
	{"peer/46-data-in-func", objtoolcheck.BadJump,
		"objtool decodes a data byte inside a function as an instruction and loses the boundary at .L2; " +
			"we read the source, where .L2 labels an instruction"},

	// Mutants (peer_mutants_test.go).
	{"dropret/clang-O2-nopie/varcall.c/dsum#0", objtoolcheck.StackRet,
		"walk order: objtool follows jle .LBB1_1 first, so the path that lost its ret reaches .LBB1_10 first and " +
			"carries cfa=rsp+8 through the loop to the last ret; we report the join at .LBB1_10 where the two " +
			"states meet (both report one stack finding per function)"},
	{"nosize/*/cold.c/finish#0", objtoolcheck.Fallthrough,
		"without finish's .size objtool cannot look inside it, no longer infers that it never returns, and says " +
			"main (ending in call finish) falls through; we still see that finish never returns"},
}

// extrasExpected lists the hand-written cases where we report more than
// objtool, and why: objtool hides findings, or reports the same problem
// elsewhere. Each of our findings there is asserted with # want.
var extrasExpected = map[string]string{
	"peer/16b-pie-table-dead":           "a PC32 jump table reloc makes objtool ignore unreachable instructions in the whole object",
	"peer/33-jmp-mid-insn":              "objtool reports unreachable instructions only if nothing else warned",
	"peer/35-three-bad":                 "objtool reports unreachable instructions only if nothing else warned",
	"peer/40-unreachable-hidden":        "objtool reports unreachable instructions only if nothing else warned",
	"peer/42b-bp-cfa-one-path-stackval": "see knownDifferences: the same mistake, reported at the join",
	"peer/27-call-notype": "objtool reports the untyped sized helper at the call (not modelled); " +
		"we report it at its .size (no-size), and its code as outside any function (objtool reports " +
		"unreachable instructions only if nothing else warned)",
}

// oursOnly are checks objtool has no counterpart for.
var oursOnly = map[string]bool{objtoolcheck.CFI: true, objtoolcheck.Sections: true, objtoolcheck.Site: true}

// knownUsed records which knownDifferences matched.
var knownUsed sync.Map

func knownDiff(name, id string) (string, bool) {
	for i, k := range knownDifferences {
		if ok, _ := path.Match(k.Case, name); ok && k.ID == id {
			knownUsed.Store(i, true)
			return k.Reason, true
		}
	}
	return "", false
}

var peer struct {
	once        sync.Once
	stock, user string
	err         error
}

// peerTools builds (or finds in the cache) both objtools. A failure fails
// the test: CI installs what the script needs.
func peerTools(t *testing.T) (stock, user string) {
	t.Helper()
	peer.once.Do(func() {
		root, err := corpus.ModuleRoot()
		if err != nil {
			peer.err = err
			return
		}
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "objtool-peer.sh"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			peer.err = fmt.Errorf("scripts/objtool-peer.sh: %v\n%s", err, stderr.Bytes())
			return
		}
		for _, l := range strings.Split(string(out), "\n") {
			k, v, _ := strings.Cut(l, "=")
			switch k {
			case "objtool":
				peer.stock = v
			case "objtool-user":
				peer.user = v
			}
		}
		if peer.stock == "" || peer.user == "" {
			peer.err = fmt.Errorf("scripts/objtool-peer.sh printed no paths:\n%s", out)
		}
	})
	if peer.err != nil {
		t.Fatal(peer.err)
	}
	return peer.stock, peer.user
}

// An objtoolFinding is one warning of objtool's.
type objtoolFinding struct {
	Text string // without the "obj: warning: objtool: " prefix and the (sec+off) part
	ID   string // from classify; "" if unknown
	Func string // "" when objtool names none
	Line int    // .s line of the instruction; 0 when objtool gives no offset
}

func (f objtoolFinding) String() string {
	s := f.Text
	if f.Line > 0 {
		s = fmt.Sprintf("line %d: %s", f.Line, s)
	}
	return fmt.Sprintf("%s [%s]", s, f.ID)
}

var (
	warnRE    = regexp.MustCompile(`^(\S+): warning: objtool: (.*)$`)
	funcOffRE = regexp.MustCompile(`^(\S+)\+0x([0-9a-f]+) \((.+?)\+0x([0-9a-f]+)\): (.*)$`)
	secOffRE  = regexp.MustCompile(`^(\.\S*)\+0x([0-9a-f]+): (.*)$`)
	fallRE    = regexp.MustCompile(`^(\S+)\(\) (falls through to next function \S+\(\)|is missing an ELF size annotation)$`)
	endRE     = regexp.MustCompile(`^(\S+): (unexpected end of section)$`)
)

// runObjtool assembles src (a .s file) with as --64 -g into dir, runs bin
// with flags on the object and returns its findings, with offsets mapped
// to .s lines by addr2line.
func runObjtool(bin string, flags []string, src, dir string) ([]objtoolFinding, error) {
	obj := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".s")+".o")
	if out, err := exec.Command("as", "--64", "-g", "-o", obj, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("as %s: %v\n%s", src, err, out)
	}
	args := append(slices.Clone(flags), "--dry-run", "--sec-address", obj)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// objtool exits 0 even when it warns: a failure is an option, open
		// or ELF error.
		return nil, fmt.Errorf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.Bytes())
	}
	var fs []objtoolFinding
	type addr struct {
		i   int
		off string
	}
	bySec := map[string][]addr{}
	for _, l := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
		if l == "" {
			continue
		}
		m := warnRE.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("%s: unexpected objtool output %q", src, l)
		}
		msg := m[2]
		f := objtoolFinding{Text: msg}
		switch {
		case funcOffRE.MatchString(msg):
			mm := funcOffRE.FindStringSubmatch(msg)
			f.Func, f.Text = mm[1], mm[1]+"+0x"+mm[2]+": "+mm[5]
			msg = mm[5]
			bySec[mm[3]] = append(bySec[mm[3]], addr{len(fs), mm[4]})
		case fallRE.MatchString(msg):
			mm := fallRE.FindStringSubmatch(msg)
			f.Func = mm[1]
		case endRE.MatchString(msg):
			msg = endRE.FindStringSubmatch(msg)[2]
		case secOffRE.MatchString(msg):
			mm := secOffRE.FindStringSubmatch(msg)
			msg = mm[3]
			bySec[mm[1]] = append(bySec[mm[1]], addr{len(fs), mm[2]})
		}
		f.ID = classify(msg)
		fs = append(fs, f)
	}
	for sec, as := range bySec {
		args := []string{"-e", obj, "-j", sec}
		for _, a := range as {
			args = append(args, "0x"+a.off)
		}
		out, err := exec.Command("addr2line", args...).Output()
		if err != nil {
			return nil, fmt.Errorf("addr2line %s: %v", strings.Join(args, " "), err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(as) {
			return nil, fmt.Errorf("addr2line %s: %d lines for %d addresses", strings.Join(args, " "), len(lines), len(as))
		}
		for i, l := range lines {
			l, _, _ = strings.Cut(l, " (discriminator")
			k := strings.LastIndexByte(l, ':')
			n, err := strconv.Atoi(l[k+1:])
			if err != nil || n == 0 || k < 0 || filepath.Base(l[:k]) != filepath.Base(src) {
				return nil, fmt.Errorf("addr2line %s: no line of %s in %q", strings.Join(args, " "), src, l)
			}
			fs[as[i].i].Line = n
		}
	}
	return fs, nil
}

// configFor returns our configuration for objtool's flags: the stack
// actions run our default checks (--stackval adds frame-pointer); the
// others run only their own check plus the ones objtool's decoding always
// reports.
func configFor(t *testing.T, flags []string) objtoolcheck.Config {
	var enable, disable []string
	narrow := true
	for _, f := range flags {
		switch f {
		case "--orc", "--uaccess":
			narrow = false
		case "--stackval":
			narrow = false
			enable = append(enable, objtoolcheck.FramePointer)
		case "--retpoline":
			enable = append(enable, objtoolcheck.Retpoline)
		case "--rethunk":
			enable = append(enable, objtoolcheck.Rethunk)
		case "--sls":
			enable = append(enable, objtoolcheck.SLS)
		default:
			t.Fatalf("objtool flag %s has no mapping to our checks", f)
		}
	}
	if narrow {
		disable = []string{"all"}
		enable = append(enable, objtoolcheck.BadJump, objtoolcheck.Annotation)
	}
	set, err := objtoolcheck.EnabledSet(nil, disable)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range enable {
		set[id] = true
	}
	return objtoolcheck.Config{Enabled: set}
}

// match pairs objtool's findings with ours: same ID, same function when
// objtool names one, and, when at is not nil and objtool gives an offset,
// the same address: at maps our line to the line of the instruction there
// (we report a join on its label, objtool on the instruction). It returns,
// for each objtool finding, the index of our finding or -1, and which of
// ours were used.
func match(theirs []objtoolFinding, ours []objtoolcheck.Finding, at func(int) int) (pair []int, used []bool) {
	used = make([]bool, len(ours))
	pair = make([]int, len(theirs))
	for i, o := range theirs {
		pair[i] = -1
		for j, f := range ours {
			if used[j] || f.ID != o.ID || (o.Func != "" && f.Function != o.Func) ||
				(at != nil && o.Line > 0 && at(f.Line) != o.Line) {
				continue
			}
			pair[i], used[j] = j, true
			break
		}
	}
	// Objtool reports once per function what we may report several times:
	// our other findings of a matched (ID, function) count as matched.
	for j, f := range ours {
		for i, o := range theirs {
			if !used[j] && pair[i] >= 0 && f.ID == o.ID && f.Function == ours[pair[i]].Function {
				used[j] = true
			}
		}
	}
	return pair, used
}

// A peerCase is a hand-written testdata/peer file.
type peerCase struct {
	name  string   // "peer/NN-name"
	path  string   // testdata/peer/NN-name.s
	flags []string // "# objtool-flags:"
	user  []string // "# objtool-user:" lines, objtool-user's expected output
	stock []string // "# objtool-stock:" lines; nil: stock is not run
}

func readPeerCase(t *testing.T, file string, src []byte) peerCase {
	c := peerCase{name: "peer/" + strings.TrimSuffix(filepath.Base(file), ".s"), path: file}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			continue
		}
		switch k {
		case "# objtool-flags":
			c.flags = strings.Fields(v)
		case "# objtool-user":
			c.user = append(c.user, v)
		case "# objtool-stock":
			c.stock = append(c.stock, v)
		}
	}
	if len(c.flags) == 0 {
		t.Fatalf("%s: no # objtool-flags: header", file)
	}
	if len(c.stock) == 1 && c.stock[0] == "clean" {
		c.stock = []string{}
	}
	return c
}

func texts(fs []objtoolFinding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Text)
	}
	return out
}

// TestPeerCases runs the hand-written cases through objtool and our checks.
func TestPeerCases(t *testing.T) {
	stock, user := peerTools(t)
	files, _ := filepath.Glob("testdata/peer/*.s")
	if len(files) == 0 {
		t.Fatal("no testdata/peer/*.s")
	}
	var report, ran []string
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c := readPeerCase(t, file, src)
		t.Run(filepath.Base(file), func(t *testing.T) {
			ran = append(ran, c.name)
			dir := t.TempDir()
			theirs, err := runObjtool(user, c.flags, file, dir)
			if err != nil {
				t.Fatal(err)
			}
			// The header documents objtool; if it drifts, the case is wrong.
			if got := texts(theirs); !slices.Equal(got, nonNil(c.user)) {
				t.Errorf("objtool-user %s: got %q, header says %q", strings.Join(c.flags, " "), got, c.user)
			}
			if c.stock != nil {
				st, err := runObjtool(stock, c.flags, file, dir)
				if err != nil {
					t.Fatal(err)
				}
				if got := texts(st); !slices.Equal(got, c.stock) {
					t.Errorf("stock objtool %s: got %q, header says %q", strings.Join(c.flags, " "), got, c.stock)
				}
			}
			for _, f := range theirs {
				if f.ID == "" {
					t.Errorf("unclassified objtool message %q: add it to objtoolClasses", f.Text)
				}
			}

			ours, err := objtoolcheck.File(file, src, configFor(t, c.flags))
			if err != nil {
				t.Fatal(err)
			}
			// Our findings against # want, as in TestTestdata.
			checkWants(t, file, src, ours)

			// The differential rule.
			pair, used := match(theirs, ours, insnLine(src))
			for i, o := range theirs {
				if pair[i] >= 0 {
					continue
				}
				if reason, ok := knownDiff(c.name, o.ID); ok {
					report = append(report, fmt.Sprintf("%-36s known   objtool: %s (%s)", c.name, o, reason))
					continue
				}
				report = append(report, fmt.Sprintf("%-36s MISSED  objtool: %s", c.name, o))
				t.Errorf("objtool reports %s; we do not (ours: %s)", o, oursList(ours))
			}
			for j, f := range ours {
				if used[j] || oursOnly[f.ID] {
					continue
				}
				if _, ok := extrasExpected[c.name]; ok {
					continue
				}
				report = append(report, fmt.Sprintf("%-36s EXTRA   ours: line %d: %s [%s]", c.name, f.Line, f.Message, f.ID))
				t.Errorf("line %d: we report %s [%s]; objtool does not: fix it, or list the case in extrasExpected with a reason",
					f.Line, f.Message, f.ID)
			}
		})
	}
	if len(report) > 0 {
		t.Logf("hand-written cases where we and objtool-user disagree:\n%s", strings.Join(report, "\n"))
	}
	// A known difference that no longer occurs is out of date.
	for i, k := range knownDifferences {
		if _, ok := knownUsed.Load(i); !ok && slices.ContainsFunc(ran, func(c string) bool {
			ok, _ := path.Match(k.Case, c)
			return ok
		}) {
			t.Errorf("knownDifferences entry %s [%s] matched nothing: remove it", k.Case, k.ID)
		}
	}
}

// insnLine returns a function mapping a line of src to the line of the
// instruction at the same address: itself, or for a label (or a blank,
// comment or .cfi line) the next instruction's.
func insnLine(src []byte) func(int) int {
	lines := strings.Split(string(src), "\n")
	return func(n int) int {
		for i := n - 1; i < len(lines); i++ {
			s, _, _ := strings.Cut(lines[i], "#")
			s = strings.TrimSpace(s)
			if s == "" || strings.HasPrefix(s, ".cfi_") {
				continue
			}
			if strings.HasSuffix(s, ":") && !strings.ContainsAny(s, " \t") {
				continue
			}
			return i + 1
		}
		return n
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func oursList(fs []objtoolcheck.Finding) string {
	if len(fs) == 0 {
		return "none"
	}
	var s []string
	for _, f := range fs {
		s = append(s, fmt.Sprintf("%d:%s [%s] in %q", f.Line, f.Message, f.ID, f.Function))
	}
	return strings.Join(s, "; ")
}

// pool runs f(0..n-1) on as many goroutines as there are CPUs.
func pool(n int, f func(i int)) {
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}
