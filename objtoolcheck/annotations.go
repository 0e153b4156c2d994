package objtoolcheck

import (
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/analysis"
	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// annotations are the kernel's objtool annotations (and optpoline's) found
// in .discard.* sections.
type annotations struct {
	retpolineSafe map[int]bool    // instruction statements
	nonStandard   map[string]bool // STACK_FRAME_NON_STANDARD functions
	intraCall     map[int]bool    // annotated intra-function calls
	refs          []annRef        // every entry, for checkAnnotations
}

// annRef is one annotation entry: the data statement, the section, the
// instruction it names (-1 if it names no instruction) and, for
// .discard.annotate_insn, the type.
type annRef struct {
	at, insn int
	sec      string
	sym      string
	typ      int64
}

// Types of the kernel's .discard.annotate_insn entries (include/linux/objtool_types.h).
const (
	annNoendbr       = 1
	annRetpolineSafe = 2
	annIntraCall     = 7
	annMax           = 8 // ANNOTYPE_REACHABLE, the last one known
)

// readAnnotations collects the entries of the annotation sections: each is
// ".quad SYM", ".long SYM - ." or, in .discard.annotate_insn, a
// ".long SYM - ." followed by ".long TYPE".
func (c *checker) readAnnotations() annotations {
	a := annotations{retpolineSafe: map[int]bool{}, nonStandard: map[string]bool{}, intraCall: map[int]bool{}}
	f := c.f
	var buf [4]parser.Span
	pending := -1 // index in a.refs awaiting its annotate_insn type
	for i := range f.Stmts {
		sec := c.nextSec(i)
		if !strings.HasPrefix(sec, ".discard.") || f.Stmts[i].Kind != parser.Directive {
			continue
		}
		w := f.Word(i)
		if w != ".quad" && w != ".long" && w != ".8byte" && w != ".4byte" {
			continue
		}
		for _, arg := range f.SplitArgs(i, buf[:0]) {
			text := strings.TrimSpace(string(f.Src[arg.Pos:arg.End]))
			if sec == ".discard.annotate_insn" && pending >= 0 {
				a.refs[pending].typ, _ = strconv.ParseInt(text, 0, 64)
				pending = -1
				continue
			}
			sym := pcrelSym(text)
			ref := annRef{at: i, insn: -1, sec: sec, sym: sym}
			if j, ok := c.labels[sym]; ok {
				ref.insn = c.labelTarget(j)
			} else if j, ok := analysis.NumericLabel(f, i, sym); ok {
				ref.insn = c.labelTarget(j)
			}
			a.refs = append(a.refs, ref)
			if sec == ".discard.annotate_insn" {
				pending = len(a.refs) - 1
			}
			switch sec {
			case ".discard.retpoline_safe":
				if ref.insn >= 0 {
					a.retpolineSafe[ref.insn] = true
				}
			case ".discard.func_stack_frame_non_standard":
				a.nonStandard[sym] = true
			case ".discard.intra_function_calls":
				if ref.insn >= 0 {
					a.intraCall[ref.insn] = true
				}
			}
		}
	}
	for _, r := range a.refs {
		if r.sec == ".discard.annotate_insn" && r.typ == annRetpolineSafe && r.insn >= 0 {
			a.retpolineSafe[r.insn] = true
		}
		if r.sec == ".discard.annotate_insn" && r.typ == annIntraCall && r.insn >= 0 {
			a.intraCall[r.insn] = true
		}
	}
	return a
}

// pcrelSym is the symbol of a table value written "SYM - ." (or just
// "SYM").
func pcrelSym(v string) string {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutSuffix(v, "."); ok {
		if r, ok := strings.CutSuffix(strings.TrimSpace(rest), "-"); ok {
			return strings.TrimSpace(r)
		}
	}
	return v
}

// nextSec is the section statement i's bytes go to.
func (c *checker) nextSec(i int) string {
	if i+1 < len(c.sec) {
		return c.sec[i+1]
	}
	return c.sec[i]
}

// checkAnnotations flags annotations on the wrong kind of instruction.
func (c *checker) checkAnnotations() {
	f := c.f
	var ops [2]parser.Operand
	for _, r := range c.ann.refs {
		switch {
		case r.sec == ".discard.annotate_insn" && (r.typ < 1 || r.typ > annMax):
			c.report(r.at, "", Annotation, "unknown annotate type %d for %s", r.typ, r.sym)
			continue
		case r.sec == ".discard.retpoline_safe", r.sec == ".discard.annotate_insn" && r.typ == annRetpolineSafe:
		default:
			continue
		}
		if r.insn < 0 {
			c.report(r.at, "", Annotation, "retpoline_safe hint %s does not name an instruction", r.sym)
			continue
		}
		w := f.Word(r.insn)
		cls := x86.Classify(w)
		os, _ := f.Operands(r.insn, ops[:0])
		indirect := len(os) == 1 && os[0].Indirect && (cls == x86.Call || cls == x86.Jmp)
		if !indirect && cls != x86.Ret && !strings.HasPrefix(w, "nop") {
			c.report(r.at, "", Annotation, "retpoline_safe hint not an indirect jump/call/ret/nop (%s names %s)", r.sym, w)
		}
	}
}
