package parser

import (
	"fmt"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/parser/x86"
)

// OpKind is the shape of an instruction operand.
type OpKind uint8

const (
	OpNone OpKind = iota
	OpReg         // %rax
	OpImm         // $expr
	OpMem         // [%seg:][disp](base,index,scale), or %seg:disp
	OpExpr        // a bare expression: a direct branch target, or an absolute memory reference
)

var opKindNames = [...]string{"None", "Reg", "Imm", "Mem", "Expr"}

func (k OpKind) String() string { return opKindNames[k] }

// Operand is one parsed instruction operand. Expressions stay as spans of
// the source.
type Operand struct {
	Kind        OpKind
	Indirect    bool    // written with a leading '*'
	Scale       uint8   // 0 when not written
	Reg         x86.Reg // OpReg
	Seg         x86.Reg // OpMem: segment override
	Base, Index x86.Reg // OpMem
	Expr        Span    // OpImm value (after '$'), OpMem displacement (may be empty), OpExpr
	Span        Span    // the whole operand, blanks trimmed
}

// IsRIP reports whether o is a %rip-relative memory operand.
func (o *Operand) IsRIP() bool { return o.Kind == OpMem && o.Base == x86.RIP }

// SplitArgs splits the argument span of statement i at top-level commas
// (outside parentheses, strings, character constants and comments) into
// trimmed spans, appending them to buf. Empty arguments give empty spans
// (".p2align 4,,10" has three). No arguments give none.
func (f *File) SplitArgs(i int, buf []Span) []Span {
	return splitArgs(f.Src, f.Stmts[i].Args, f.Stmts[i].ArgsEnd, buf)
}

func splitArgs(src []byte, lo, hi uint32, buf []Span) []Span {
	if lo >= hi {
		return buf
	}
	depth := 0
	start := lo
	for p := lo; p < hi; p++ {
		switch src[p] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '"':
			p = skipString(src, p, hi) - 1
		case '\'':
			p = skipChar(src, p, hi) - 1
		case '/':
			if p+1 < hi && src[p+1] == '*' {
				p = skipComment(src, p, hi) - 1
			}
		case ',':
			if depth == 0 {
				buf = append(buf, trimSpan(src, start, p))
				start = p + 1
			}
		}
	}
	return append(buf, trimSpan(src, start, hi))
}

func skipString(src []byte, p, hi uint32) uint32 {
	for p++; p < hi; p++ {
		switch src[p] {
		case '\\':
			p++
		case '"':
			return p + 1
		}
	}
	return hi
}

func skipChar(src []byte, p, hi uint32) uint32 {
	p++
	if p < hi && src[p] == '\\' {
		p++
	}
	if p < hi {
		p++
	}
	return p
}

func skipComment(src []byte, p, hi uint32) uint32 {
	if i := strings.Index(string(src[p+2:hi]), "*/"); i >= 0 {
		return p + 2 + uint32(i) + 2
	}
	return hi
}

// trimSpan trims blanks from both ends of [lo, hi), keeping a blank that is
// a character constant ("' ").
func trimSpan(src []byte, lo, hi uint32) Span {
	for lo < hi && isBlank(src[lo]) {
		lo++
	}
	end := lo // end of the last token that is not a blank
	for p := lo; p < hi; p++ {
		switch c := src[p]; {
		case c == '"':
			p = skipString(src, p, hi) - 1
		case c == '\'':
			p = skipChar(src, p, hi) - 1
		case isBlank(c):
			continue
		}
		end = p + 1
	}
	return Span{lo, end}
}

// Operands parses every operand of instruction i, appending to buf.
func (f *File) Operands(i int, buf []Operand) ([]Operand, error) {
	var spans [4]Span
	for _, sp := range f.SplitArgs(i, spans[:0]) {
		o, err := f.ParseOperand(sp)
		if err != nil {
			return buf, err
		}
		buf = append(buf, o)
	}
	return buf, nil
}

// CheckOperands parses the operands of every instruction and returns the
// errors, one per statement at most.
func (f *File) CheckOperands() error {
	var errs ErrorList
	var buf [4]Operand
	for i := range f.Stmts {
		if f.Stmts[i].Kind != Instr {
			continue
		}
		if _, err := f.Operands(i, buf[:0]); err != nil {
			errs = append(errs, err.(*Error))
		}
	}
	return errs.Err()
}

// ParseOperand parses the operand text at sp. Errors are *Error.
func (f *File) ParseOperand(sp Span) (Operand, error) {
	src := f.Src
	o := Operand{Span: sp}
	p, hi := sp.Pos, sp.End
	if p >= hi {
		return o, f.errAt(p, "missing operand")
	}
	if src[p] == '*' {
		o.Indirect = true
		p = skipBlanksTo(src, p+1, hi)
		if p >= hi {
			return o, f.errAt(sp.Pos, "missing operand after '*'")
		}
	}
	if !o.Indirect && isKeywordArg(src[p:hi]) {
		// "name=value" is a keyword argument of a macro invocation (the
		// kernel's "extable_type_reg reg=%eax, type=11"), never an x86
		// operand: gas substitutes it as text, so it is not checked.
		o.Kind, o.Expr = OpExpr, Span{p, hi}
		return o, nil
	}
	switch src[p] {
	case '$':
		o.Kind = OpImm
		o.Expr = trimSpan(src, p+1, hi)
		if o.Expr.Len() == 0 {
			return o, f.errAt(p, "missing immediate value after '$'")
		}
		return o, f.checkExpr(o.Expr)
	case '%':
		r, e, err := f.register(p, hi)
		if err != nil {
			return o, err
		}
		q := skipBlanksTo(src, e, hi)
		if q >= hi {
			o.Kind, o.Reg = OpReg, r
			return o, nil
		}
		if src[q] != ':' {
			return o, f.errAt(q, "junk %q after register", string(src[q:hi]))
		}
		if r.Class() != x86.Seg {
			return o, f.errAt(p, "%%%s is not a segment register", r)
		}
		o.Seg = r
		p = skipBlanksTo(src, q+1, hi)
		if p >= hi {
			return o, f.errAt(q, "missing memory operand after segment")
		}
	}
	return o, f.memory(&o, p, hi)
}

// memory parses [disp](base,index,scale) or a bare expression in [p, hi).
func (f *File) memory(o *Operand, p, hi uint32) error {
	src := f.Src
	o.Kind = OpExpr
	if o.Seg != x86.NoReg {
		o.Kind = OpMem
	}
	o.Expr = Span{p, hi}
	if src[hi-1] != ')' {
		return f.checkExpr(o.Expr)
	}
	// Find the '(' that matches the final ')'.
	depth, open := 0, uint32(0)
	for q := hi; q > p; q-- {
		switch src[q-1] {
		case ')':
			depth++
		case '(':
			depth--
		}
		if depth == 0 {
			open = q - 1
			break
		}
	}
	if depth != 0 {
		return f.errAt(p, "unbalanced parentheses")
	}
	in := skipBlanksTo(src, open+1, hi-1)
	if in < hi-1 && src[in] != '%' && src[in] != ',' {
		return f.checkExpr(o.Expr) // "(a+b)": a parenthesised expression
	}
	o.Kind = OpMem
	o.Expr = trimSpan(src, p, open)
	if err := f.checkExpr(o.Expr); err != nil {
		return err
	}
	// (base[,index[,scale]])
	var parts [4]Span
	addr := splitArgs(src, open+1, hi-1, parts[:0])
	if len(addr) == 0 {
		return f.errAt(open, "empty memory operand")
	}
	if len(addr) > 3 {
		return f.errAt(open, "bad memory operand %q", string(src[open:hi]))
	}
	if addr[0].Len() > 0 {
		r, e, err := f.register(addr[0].Pos, addr[0].End)
		if err != nil {
			return err
		}
		if e != addr[0].End {
			return f.errAt(e, "junk after base register")
		}
		if c := r.Class(); c != x86.GPR && c != x86.IP || r.Width() < 32 {
			return f.errAt(addr[0].Pos, "%%%s is not a valid base register", r)
		}
		o.Base = r
	} else if len(addr) == 1 {
		return f.errAt(open, "empty memory operand")
	}
	switch {
	case len(addr) == 2 && addr[1].Len() > 0 && src[addr[1].Pos] != '%':
		// (base,scale) or (,scale): a scale with no index, as as allows.
		return f.scale(o, addr[1])
	case len(addr) >= 2:
		if addr[1].Len() == 0 {
			return f.errAt(addr[1].Pos, "missing index register")
		}
		r, e, err := f.register(addr[1].Pos, addr[1].End)
		if err != nil {
			return err
		}
		if e != addr[1].End {
			return f.errAt(e, "junk after index register")
		}
		c := r.Class()
		if c != x86.GPR && c != x86.XMM && c != x86.YMM && c != x86.ZMM || r.Width() == 8 || r.Width() == 16 || r.Full() == x86.RSP {
			return f.errAt(addr[1].Pos, "%%%s is not a valid index register", r)
		}
		if o.Base.Class() == x86.IP {
			return f.errAt(addr[1].Pos, "%%%s cannot be used with an index register", o.Base)
		}
		o.Index = r
	}
	if len(addr) == 3 && addr[2].Len() > 0 {
		return f.scale(o, addr[2])
	}
	return nil
}

func (f *File) scale(o *Operand, sp Span) error {
	switch s := string(f.Src[sp.Pos:sp.End]); s {
	case "1", "2", "4", "8":
		o.Scale = s[0] - '0'
		return nil
	default:
		return f.errAt(sp.Pos, "scale factor of %q: expecting 1, 2, 4 or 8", s)
	}
}

// register parses %name at p and returns the offset after it.
func (f *File) register(p, hi uint32) (x86.Reg, uint32, error) {
	src := f.Src
	if src[p] != '%' {
		return x86.NoReg, p, f.errAt(p, "expected a register, found %q", string(src[p:hi]))
	}
	// gas allows one blank after the %: the kernel's _ASM_RIP() gives
	// "sym (% rip)" once the preprocessor has stringified it.
	n := p + 1
	if n < hi && (src[n] == ' ' || src[n] == '\t') {
		n++
	}
	e := n
	for e < hi && (isSym(src[e]) && src[e] != '.' && src[e] != '$') {
		e++
	}
	// %st(N)
	if e-n == 2 && string(src[n:e]) == "st" && e+2 < hi && src[e] == '(' && src[e+2] == ')' {
		e += 3
	}
	r := x86.LookupReg(string(src[n:e]))
	if r == x86.NoReg {
		return r, e, f.errAt(p, "bad register name %q", string(src[p:e]))
	}
	return r, e, nil
}

// checkExpr reports unbalanced parentheses and stray registers in an
// expression; everything else is left to as.
func (f *File) checkExpr(sp Span) error {
	src := f.Src
	depth, reg := 0, -1
	for p := sp.Pos; p < sp.End; p++ {
		switch src[p] {
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return f.errAt(p, "unbalanced parentheses")
			}
		case '"':
			p = skipString(src, p, sp.End) - 1
		case '\'':
			p = skipChar(src, p, sp.End) - 1
		case '%':
			if reg < 0 {
				reg = int(p)
			}
		}
	}
	if depth != 0 {
		return f.errAt(sp.Pos, "unbalanced parentheses")
	}
	if reg >= 0 {
		return f.errAt(uint32(reg), "register in expression %q", string(src[sp.Pos:sp.End]))
	}
	return nil
}

// isKeywordArg reports whether s is "name=value" (name a symbol, the = not
// part of ==).
func isKeywordArg(s []byte) bool {
	n := 0
	for n < len(s) && isSym(s[n]) && (n > 0 || s[n] < '0' || s[n] > '9') {
		n++
	}
	if n == 0 {
		return false
	}
	for n < len(s) && isBlank(s[n]) {
		n++
	}
	return n < len(s) && s[n] == '=' && (n+1 == len(s) || s[n+1] != '=')
}

func skipBlanksTo(src []byte, p, hi uint32) uint32 {
	for p < hi && isBlank(src[p]) {
		p++
	}
	return p
}

func (f *File) errAt(off uint32, format string, args ...any) *Error {
	return &Error{Pos: f.Position(off), Msg: fmt.Sprintf(format, args...)}
}

// ParseChecked is Parse followed by CheckOperands: the error, if any, is an
// ErrorList of every problem of both stages in source order.
func ParseChecked(name string, src []byte) (*File, error) {
	f, err := Parse(name, src)
	var all ErrorList
	if err != nil {
		all = append(all, err.(ErrorList)...)
	}
	if err := f.CheckOperands(); err != nil {
		all = append(all, err.(ErrorList)...)
	}
	SortErrors(all)
	return f, all.Err()
}

// SortErrors sorts l by position, keeping the order of errors at one place.
func SortErrors(l ErrorList) {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
}
