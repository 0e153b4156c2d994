package parser

import (
	"strings"

	"github.com/optpoline/optpoline/parser/x86"
)

// NormExpr returns the expression text at sp with blanks and comments
// removed outside strings and character constants: the canonical spelling
// used by String methods and tests.
func (f *File) NormExpr(sp Span) string {
	var b strings.Builder
	f.normExpr(&b, sp)
	return b.String()
}

func (f *File) normExpr(b *strings.Builder, sp Span) { f.norm(b, sp, false) }

// norm copies sp without comments, dropping blanks outside quotes, or with
// keepSpace, turning each run of them into one space.
func (f *File) norm(b *strings.Builder, sp Span, keepSpace bool) {
	src := f.Src
	space := false
	for p := sp.Pos; p < sp.End; p++ {
		c := src[p]
		if isBlank(c) || c == '/' && p+1 < sp.End && src[p+1] == '*' {
			if c == '/' {
				p = skipComment(src, p, sp.End) - 1
			}
			// Keep one blank where dropping it would make "/*".
			space = keepSpace || lastByte(b) == '/'
			continue
		}
		if space && (keepSpace || c == '*') {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case c == '"':
			e := skipString(src, p, sp.End)
			b.Write(src[p:e])
			p = e - 1
		case c == '\'':
			e := skipChar(src, p, sp.End)
			b.Write(src[p:e])
			p = e - 1
		default:
			b.WriteByte(c)
		}
	}
}

func lastByte(b *strings.Builder) byte {
	if s := b.String(); s != "" {
		return s[len(s)-1]
	}
	return 0
}

// FormatOperand returns o in canonical AT&T form: "*%fs:16(%rax,%rbx,8)",
// "$sym@GOTPCREL+4", "%st(1)".
func (f *File) FormatOperand(o Operand) string {
	var b strings.Builder
	f.formatOperand(&b, o)
	return b.String()
}

func (f *File) formatOperand(b *strings.Builder, o Operand) {
	if o.Indirect {
		b.WriteByte('*')
	}
	switch o.Kind {
	case OpReg:
		b.WriteByte('%')
		b.WriteString(o.Reg.String())
	case OpImm:
		b.WriteByte('$')
		f.normExpr(b, o.Expr)
	case OpExpr:
		f.normExpr(b, o.Expr)
	case OpMem:
		if o.Seg != x86.NoReg {
			b.WriteByte('%')
			b.WriteString(o.Seg.String())
			b.WriteByte(':')
		}
		f.normExpr(b, o.Expr)
		if o.Base == x86.NoReg && o.Index == x86.NoReg && o.Scale == 0 {
			return
		}
		b.WriteByte('(')
		if o.Base != x86.NoReg {
			b.WriteByte('%')
			b.WriteString(o.Base.String())
		}
		if o.Index != x86.NoReg {
			b.WriteString(",%")
			b.WriteString(o.Index.String())
		}
		if o.Scale != 0 {
			b.WriteByte(',')
			b.WriteByte('0' + o.Scale)
		}
		b.WriteByte(')')
	}
}

// Format returns statement i in canonical form without comments or
// terminator: a label as "name:", a directive as "\t.dir\targs" with each
// run of blanks in an argument made one space, an instruction as
// "\tprefix mnemonic\top, op". Operands that do not parse are printed as
// written. Blank statements format as "".
func (f *File) Format(i int) string {
	var b strings.Builder
	s := &f.Stmts[i]
	switch s.Kind {
	case Label:
		b.WriteString(f.Word(i))
		b.WriteByte(':')
	case Assign:
		b.WriteString(f.Word(i))
		b.WriteString(" = ")
		f.normExpr(&b, f.ArgsSpan(i))
	case Directive:
		b.WriteByte('\t')
		b.WriteString(f.Word(i))
		var spans [8]Span
		for j, sp := range f.SplitArgs(i, spans[:0]) {
			if j == 0 {
				b.WriteByte('\t')
			} else {
				b.WriteByte(',')
			}
			f.norm(&b, sp, true)
		}
	case Prefix:
		b.WriteByte('\t')
		b.WriteString(strings.Join(strings.Fields(f.Prefixes(i)), " "))
	case Instr:
		b.WriteByte('\t')
		if pre := f.Prefixes(i); pre != "" {
			b.WriteString(strings.Join(strings.Fields(pre), " "))
			b.WriteByte(' ')
		}
		b.WriteString(f.Word(i))
		var spans [4]Span
		for j, sp := range f.SplitArgs(i, spans[:0]) {
			if j == 0 {
				b.WriteByte('\t')
			} else {
				b.WriteString(", ")
			}
			if o, err := f.ParseOperand(sp); err == nil {
				f.formatOperand(&b, o)
			} else {
				b.Write(f.Src[sp.Pos:sp.End]) // as written, so it stays invalid
			}
		}
	}
	return b.String()
}
