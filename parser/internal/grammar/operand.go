// Package grammar holds participle grammars for AT&T assembly: an
// executable specification of an instruction operand, used as a test oracle
// for the hand-written operand parser in package parser. It is slow
// (participle walks the grammar by reflection, about 2 MB/s); never use it
// on whole files. See /work/shared/design/references.md §C.
package grammar

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Operand is one AT&T instruction operand:
//
//	operand = [ "*" ] ( "$" expr | reg [ ":" mem ] | mem | pseudo )
//	mem     = expr [ addr ] | addr
//	addr    = "(" [ reg ] [ "," ( reg [ "," [ scale ] ] | scale ) ] ")"
//	expr    = term { term }
//	term    = Ident | Number | String | Char | Op | "*" | "(" expr ")"
//	pseudo  = "{" name "}"
//
// An expression is a token sequence with balanced parentheses: as, not the
// grammar, decides what it means.
type Operand struct {
	Indirect bool    `parser:"@'*'?"`
	Imm      *Expr   `parser:"( '$' @@"`
	Reg      *string `parser:"| @Reg ( ':'"`
	SegMem   *Mem    `parser:"  @@ )?"`
	Mem      *Mem    `parser:"| @@"`
	Pseudo   string  `parser:"| @Pseudo )"`
}

// Mem is a memory reference, or a bare expression when Addr is nil.
type Mem struct {
	Disp *Expr `parser:"  @@"`
	Addr *Addr `parser:"  @@? | @@"`
}

// Addr is the parenthesised (base,index,scale) part of a memory reference.
// As as does, it takes a scale without an index ("(%rax,1)", "(,1)") and
// an empty scale after an index ("(%rax,%rbx,)").
type Addr struct {
	Base  *string `parser:"'(' @Reg?"`
	Index *string `parser:"( ',' ( @Reg"`
	Scale string  `parser:"  ( ',' @('1' | '2' | '4' | '8')? )? | @('1' | '2' | '4' | '8') ) )? ')'"`
}

// Expr is an expression, kept as its tokens.
type Expr struct {
	Terms []*Term `parser:"@@+"`
}

// Term is a token of an expression or a parenthesised subexpression.
type Term struct {
	Token string `parser:"  @(Ident | Number | String | Char | Op | '*')"`
	Group *Expr  `parser:"| '(' @@ ')'"`
}

var operandLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `/\*(?:[^*]|\*+[^*/])*\*+/`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\])*"`},
	{Name: "Char", Pattern: `'(?:\\?.'?)?`},         // 'c, '\c or 'c': as needs no closing quote
	{Name: "Pseudo", Pattern: `\{[A-Za-z0-9_-]+\}`}, // AVX-512 rounding: {rn-sae}
	{Name: "Reg", Pattern: `%(?:st\([^)]\)|[A-Za-z0-9_\x{80}-\x{10FFFF}]+)`},
	{Name: "Number", Pattern: `[0-9][A-Za-z0-9_.$]*`}, // 42 0x2a 1b 1f
	{Name: "Ident", Pattern: `[A-Za-z_.\x{80}-\x{10FFFF}][A-Za-z0-9_.$\x{80}-\x{10FFFF}]*`},
	{Name: "Op", Pattern: `<<|>>|<=|>=|==|!=|<>|&&|\|\||[-+/&|^~!<>=@]`},
	{Name: "Punct", Pattern: `[*$:(),]`},
	{Name: "Blank", Pattern: `[ \t\r\f\v]+`},
})

var operandParser = sync.OnceValue(func() *participle.Parser[Operand] {
	return participle.MustBuild[Operand](
		participle.Lexer(operandLexer),
		participle.Elide("Blank", "Comment"),
		participle.UseLookahead(participle.MaxLookahead),
	)
})

// ParseOperand parses one operand and checks its registers.
func ParseOperand(s string) (o *Operand, err error) {
	defer func() {
		if e := recover(); e != nil {
			o, err = nil, fmt.Errorf("participle panicked: %v", e)
		}
	}()
	o, err = operandParser().ParseString("", s)
	if err != nil {
		return nil, err
	}
	return o, o.check()
}

func (o *Operand) check() error {
	switch {
	case o.Imm != nil:
		return nil
	case o.Reg != nil && o.SegMem == nil:
		if _, ok := lookupReg(*o.Reg); !ok {
			return fmt.Errorf("bad register name %s", *o.Reg)
		}
		return nil
	case o.Reg != nil:
		if r, ok := lookupReg(*o.Reg); !ok || r.class != seg {
			return fmt.Errorf("%s is not a segment register", *o.Reg)
		}
		return o.SegMem.check()
	case o.Mem != nil:
		return o.Mem.check()
	case o.Pseudo != "":
		return nil
	}
	return errors.New("missing operand")
}

func (m *Mem) check() error {
	a := m.Addr
	if a == nil {
		return nil
	}
	if a.Base == nil && a.Index == nil && a.Scale == "" {
		return errors.New("empty memory operand")
	}
	if a.Base != nil {
		r, ok := lookupReg(*a.Base)
		if !ok || !(r.class == gpr && r.width >= 32 || r.class == ip) {
			return fmt.Errorf("%s is not a valid base register", *a.Base)
		}
		if r.class == ip && a.Index != nil {
			return fmt.Errorf("%s cannot take an index register", *a.Base)
		}
	}
	if a.Index != nil {
		r, ok := lookupReg(*a.Index)
		if !ok || !(r.class == gpr && r.width >= 32 && r.name != "rsp" && r.name != "esp" || r.class == vec) {
			return fmt.Errorf("%s is not a valid index register", *a.Index)
		}
	}
	return nil
}

// Canonical prints o as package parser's FormatOperand does: blanks and
// comments outside strings dropped, registers by their canonical lowercase
// names: "*%fs:16(%rax,%rbx,8)", "$sym@GOTPCREL+4", "%st(1)".
func (o *Operand) Canonical() string {
	var b strings.Builder
	if o.Indirect {
		b.WriteByte('*')
	}
	switch {
	case o.Imm != nil:
		b.WriteByte('$')
		o.Imm.print(&b)
	case o.Reg != nil:
		writeReg(&b, *o.Reg)
		if o.SegMem != nil {
			b.WriteByte(':')
			o.SegMem.print(&b)
		}
	case o.Mem != nil:
		o.Mem.print(&b)
	default:
		b.WriteString(o.Pseudo)
	}
	return b.String()
}

func (m *Mem) print(b *strings.Builder) {
	if m.Disp != nil {
		m.Disp.print(b)
	}
	a := m.Addr
	if a == nil {
		return
	}
	b.WriteByte('(')
	if a.Base != nil {
		writeReg(b, *a.Base)
	}
	if a.Index != nil {
		b.WriteByte(',')
		writeReg(b, *a.Index)
	}
	if a.Scale != "" {
		b.WriteByte(',')
		b.WriteString(a.Scale)
	}
	b.WriteByte(')')
}

func (e *Expr) print(b *strings.Builder) {
	for _, t := range e.Terms {
		if t.Group != nil {
			b.WriteByte('(')
			t.Group.print(b)
			b.WriteByte(')')
		} else {
			b.WriteString(t.Token)
		}
	}
}

func writeReg(b *strings.Builder, tok string) {
	r, _ := lookupReg(tok)
	b.WriteByte('%')
	b.WriteString(r.name)
}
