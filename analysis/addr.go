package analysis

import (
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// dataDirectives are the directives whose expressions can hold a code
// address.
var dataDirectives = map[string]bool{
	".long": true, ".quad": true, ".4byte": true, ".8byte": true, ".word": true,
	".value": true, ".short": true, ".2byte": true, ".hword": true, ".byte": true,
	".int": true, ".dc.a": true, ".dc.l": true, ".dc.q": true, ".dc.w": true,
}

// tableSection reports whether a data reference in section sec can be a
// jump table or a table of label addresses: .rodata*, .data*,
// .data.rel.ro*, and the large-model .lrodata*/.ldata*. Debug info,
// exception tables, .eh_frame, notes, __patchable_function_entries,
// __mcount_loc and optpoline_sites never match.
func tableSection(sec string) bool {
	for _, p := range [...]string{".rodata", ".data", ".lrodata", ".ldata"} {
		if sec == p || strings.HasPrefix(sec, p) && (sec[len(p)] == '.' || p == ".data" && strings.HasPrefix(sec, ".data.rel.ro")) {
			return true
		}
	}
	return false
}

// AddressTaken returns the labels whose address the file takes as data:
// referenced by an expression in a data directive (.long, .quad, .4byte,
// .8byte, .word, .value, .short, .byte, .int, .dc.a, …) in a .rodata*,
// .data* or .data.rel.ro* section, or by an instruction operand $LABEL,
// LABEL(%rip) or an absolute LABEL in lea/mov/push (gcc's
// "leaq .L5(%rip), %rdx" for computed goto, clang's ".quad .Ltmp0").
// Numeric labels (1b/1f) are not included. Every symbol of such an
// expression is included (".long .L13-.L4" gives .L13 and .L4); callers
// intersect with the labels they care about. The large-PIC GOT base label
// (the X of "$_GLOBAL_OFFSET_TABLE_-X") is left out unless data refers to it.
func AddressTaken(f *parser.File) map[string]bool {
	var c AddrCollector
	c.Add(f)
	return c.Labels()
}

// AddrCollector computes AddressTaken over a file read in consecutive
// pieces (parser.Chunker): the section state carries from one to the next.
type AddrCollector struct {
	ss                  parser.SectionState
	addr, insn, gotBase map[string]bool // insn: referenced by instructions
}

// Add scans the next piece.
func (c *AddrCollector) Add(f *parser.File) {
	if c.addr == nil {
		c.addr, c.insn, c.gotBase = map[string]bool{}, map[string]bool{}, map[string]bool{}
	}
	addr, insn, gotBase := c.addr, c.insn, c.gotBase
	ss := &c.ss
	var spans [8]parser.Span
	var ops [4]parser.Operand
	for i := range f.Stmts {
		st := &f.Stmts[i]
		switch st.Kind {
		case parser.Directive:
			if ch, _ := ss.Step(f, i); ch {
				continue
			}
			if !dataDirectives[f.Word(i)] || !tableSection(ss.Current()) {
				continue
			}
			for _, a := range f.SplitArgs(i, spans[:0]) {
				exprSyms(f.Src[a.Pos:a.End], addr)
			}
		case parser.Instr:
			w := f.Word(i)
			if !strings.HasPrefix(w, "lea") && !strings.HasPrefix(w, "mov") && x86.Classify(w) != x86.Push {
				continue
			}
			os, err := f.Operands(i, ops[:0])
			if err != nil {
				continue
			}
			for _, o := range os {
				switch {
				case o.Kind == parser.OpImm,
					o.Kind == parser.OpMem && (o.Base == x86.RIP || o.Base == x86.NoReg && o.Index == x86.NoReg && o.Seg == x86.NoReg),
					o.Kind == parser.OpExpr:
					e := f.Src[o.Expr.Pos:o.Expr.End]
					if b, ok := strings.CutPrefix(string(e), "_GLOBAL_OFFSET_TABLE_-"); ok {
						gotBase[strings.TrimSpace(b)] = true
					}
					exprSyms(e, insn)
				}
			}
		}
	}
}

// Labels returns the address-taken labels of everything added so far.
func (c *AddrCollector) Labels() map[string]bool {
	out := make(map[string]bool, len(c.addr)+len(c.insn))
	for s := range c.addr {
		out[s] = true
	}
	// -mcmodel=large -fPIC computes the GOT address from a label of its
	// own ("leaq .L7$pb(%rip), %rax; movabsq $_GLOBAL_OFFSET_TABLE_-.L7$pb,
	// %rcx"): that label is no jump target.
	for s := range c.insn {
		if !c.gotBase[s] {
			out[s] = true
		}
	}
	return out
}

// exprSyms adds the symbols of an expression to m, without relocation
// suffixes (@GOTPCREL), numbers, numeric label references or ".".
func exprSyms(e []byte, m map[string]bool) {
	for p := 0; p < len(e); {
		c := e[p]
		switch {
		case c == '"':
			q := p + 1
			for q < len(e) && e[q] != '"' {
				if e[q] == '\\' {
					q++
				}
				q++
			}
			if q < len(e) {
				q++
			}
			m[string(e[p:q])] = true
			p = q
		case c == '@': // relocation suffix: skip the name after it
			p++
			for p < len(e) && symByte(e[p]) {
				p++
			}
		case c >= '0' && c <= '9': // a number or a numeric label reference
			for p < len(e) && symByte(e[p]) {
				p++
			}
		case symByte(c):
			q := p
			for q < len(e) && symByte(e[q]) {
				q++
			}
			if s := string(e[p:q]); s != "." {
				m[s] = true
			}
			p = q
		default:
			p++
		}
	}
}

func symByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '$' || c >= 0x80
}
