package parser_test

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/internal/grammar"
)

// TestOperandOracle is a differential test of the hand-written operand
// parser (ParseOperand + FormatOperand) against the participle grammar in
// parser/internal/grammar, over every instruction operand of the corpus
// outside inline asm. Both must accept an operand and print the same
// canonical form, or both must reject it.
//
// The oracle is slow, so each distinct operand text is given to it once;
// the hand-written parser sees every occurrence.
func TestOperandOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the corpus")
	}
	units := corpus.BuildT(t)
	start := time.Now()

	type result struct {
		where string // first occurrence, file:line:col
		hand  string // canonical form, or the error
		ok    bool
	}
	distinct := map[string]*result{}
	total, parseErrs := 0, 0
	var spans []parser.Span
	for _, u := range units {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.Parse(u.Path, src)
		if err != nil {
			if parseErrs++; parseErrs <= 5 {
				t.Errorf("%s: %v", u.Name, err)
			}
		}
		for i := range f.Stmts {
			if f.Stmts[i].Kind != parser.Instr || f.Stmts[i].Flags&parser.InlineAsm != 0 {
				continue
			}
			spans = f.SplitArgs(i, spans[:0])
			for _, sp := range spans {
				total++
				text := string(f.Src[sp.Pos:sp.End])
				o, err := f.ParseOperand(sp)
				r := &result{ok: err == nil}
				if err == nil {
					r.hand = f.FormatOperand(o)
				} else {
					r.hand = err.Error()
				}
				prev, seen := distinct[text]
				if !seen {
					r.where = f.Position(sp.Pos).String()
					distinct[text] = r
				} else if prev.ok != r.ok || prev.ok && prev.hand != r.hand {
					t.Errorf("%s: %q parses differently here (%s) than at %s (%s)", f.Position(sp.Pos), text, r.hand, prev.where, prev.hand)
				}
			}
		}
	}
	handTime := time.Since(start)

	// Run the oracle over the distinct texts in parallel.
	texts := make([]string, 0, len(distinct))
	for s := range distinct {
		texts = append(texts, s)
	}
	sort.Strings(texts)
	type verdict struct {
		canon string
		err   error
	}
	oracle := make([]verdict, len(texts))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += workers {
				o, err := grammar.ParseOperand(texts[i])
				if err == nil {
					oracle[i].canon = o.Canonical()
				}
				oracle[i].err = err
			}
		}()
	}
	wg.Wait()

	var mismatches []string
	rejected := 0
	for i, text := range texts {
		h, o := distinct[text], oracle[i]
		switch {
		case h.ok && o.err == nil && h.hand == o.canon:
		case !h.ok && o.err != nil:
			if rejected++; rejected <= 5 {
				t.Logf("%s: both reject %q: %s", h.where, text, h.hand)
			}
		default:
			oracleForm := o.canon
			if o.err != nil {
				oracleForm = "error: " + o.err.Error()
			}
			handForm := h.hand
			if !h.ok {
				handForm = "error: " + handForm
			}
			mismatches = append(mismatches, fmt.Sprintf("%s: %q\n\thand-written: %s\n\toracle:       %s", h.where, text, handForm, oracleForm))
		}
	}
	for i, m := range mismatches {
		if i == 20 {
			t.Errorf("... and %d more mismatches", len(mismatches)-20)
			break
		}
		t.Error(m)
	}
	t.Logf("%d units; %d operands compared, %d distinct (%d rejected by both); hand-written %v, oracle %v",
		len(units), total, len(texts), rejected, handTime.Round(time.Millisecond), (time.Since(start) - handTime).Round(time.Millisecond))
	if total < 10000 {
		t.Errorf("only %d operands compared; want at least 10000 (is the corpus empty?)", total)
	}
}

// Edge cases outside the corpus: forms as accepts that a compiler might
// write. Both parsers must agree on these.
func TestOperandOracleEdges(t *testing.T) {
	for _, in := range []string{
		"%rax", "%r8d", "%al", "%ah", "%sil", "%xmm15", "%ymm31", "%k1", "%st", "%st(7)",
		"$0", "$-1", "$0x7fffffff", "$.LC0", "$sym+8", "$sym@GOTPCREL", "$'a", "$(1<<4)",
		"* %rax", "*(%rax)", "*8(%rax)", "*-8(%rbp)", "*.L4(,%rax,8)", "*foo@GOTPCREL(%rip)",
		"*%fs:16", "*%gs:0x10(%rax)", "%fs:(%rax)", "%fs : 40", "%es:(%rdi)",
		"0x0(%rax,%rax,1)", "%cs:0x0(%rax,%rax,1)", "( %rax , %rbx , 4 )", "(,%rax,8)",
		"x@tpoff(%rax)", "foo@PLT", "1b", "1f", ".L4", "(a+b)", "(a)(%rax)", "4*8(%rsp)",
		"(%rdi,%ymm1,8)", "foo /* c */ + 1", "-(foo)", "~0", "foo-.", `"a b"`,
		// Malformed: both must reject.
		"", "*", "$", "%", "%foo", "%rax:4", "%fs:", "()", "(%ax)", "foo(%rax", "foo)",
		"(a", "$(%rax)", "%rax(1)", "%zmm1{%k1}", "4(%rax)(%rbx)", "(%rax)+4", "(%rax,%rbx,3)",
		// Checked against GNU as 2.40: it accepts the first group and
		// rejects the second. (Bad expressions such as "foo:bar" and
		// "$(a,b)" are left out: ParseOperand leaves expressions to as.)
		"(%rax,1)", "(,1)", "(%rax,%rbx,)", "')'(%rax)", "{rn-sae}",
		"(%rax,)", "foo(,)", "(,,2)", "(%rax,,2)", "8(%rax,%rsp)", "foo(%rip,%rax)",
	} {
		src := []byte("\tnop\t" + in + "\n")
		f, _ := parser.Parse("edge.s", src)
		hand, handErr := "", error(nil)
		sp := parser.Span{Pos: 5, End: uint32(5 + len(in))}
		for sp.Pos < sp.End && (src[sp.Pos] == ' ' || src[sp.Pos] == '\t') {
			sp.Pos++
		}
		if o, err := f.ParseOperand(sp); err == nil {
			hand = f.FormatOperand(o)
		} else {
			handErr = err
		}
		o, err := grammar.ParseOperand(in)
		switch {
		case handErr != nil && err != nil:
		case handErr != nil:
			t.Errorf("%q: hand-written: %v; oracle: %q", in, handErr, o.Canonical())
		case err != nil:
			t.Errorf("%q: hand-written: %q; oracle: %v", in, hand, err)
		case hand != o.Canonical():
			t.Errorf("%q: hand-written: %q; oracle: %q", in, hand, o.Canonical())
		}
	}
}
