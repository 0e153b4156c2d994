package parser

// SymRef is a symbol reference in the simple forms compilers write for
// branch targets and displacements: sym, sym@RELOC, sym+N, N+sym, sym-N,
// sym@RELOC+N. Sym keeps its quotes if it was quoted.
type SymRef struct {
	Sym    string
	Reloc  string // without the '@': "PLT", "GOTPCREL", "tpoff"; "" if none
	Addend string // signed, as written: "+8", "-16", "144"; "" if none
}

// SymRef parses the expression at sp as a SymRef. It reports false for
// anything else: plain numbers, differences of symbols, parenthesised
// expressions.
func (f *File) SymRef(sp Span) (SymRef, bool) {
	var r SymRef
	e := f.NormExpr(sp)
	// A numeric local label reference: 1b, 2f.
	if n := numberLen(e); n > 0 && n == len(e)-1 && (e[n] == 'b' || e[n] == 'f') && e[0] != '0' || n == 1 && e[0] == '0' && len(e) == 2 && (e[1] == 'b' || e[1] == 'f') {
		r.Sym = e
		return r, true
	}
	// Leading "N+".
	if n := numberLen(e); n > 0 {
		if n == len(e) || e[n] != '+' {
			return r, false
		}
		r.Addend, e = e[:n], e[n+1:]
	}
	n := symLen(e)
	if n == 0 {
		return r, false
	}
	r.Sym, e = e[:n], e[n:]
	if len(e) > 0 && e[0] == '@' {
		m := 1
		for m < len(e) && isSym(e[m]) {
			m++
		}
		if m == 1 {
			return r, false
		}
		r.Reloc, e = e[1:m], e[m:]
	}
	if len(e) > 0 {
		if r.Addend != "" || e[0] != '+' && e[0] != '-' || numberLen(e[1:]) != len(e)-1 {
			return r, false
		}
		r.Addend = e
	}
	return r, true
}

// symLen is the length of the symbol at the start of e: a quoted name, or
// symbol characters not starting with a digit.
func symLen(e string) int {
	if e == "" {
		return 0
	}
	if e[0] == '"' {
		for i := 1; i < len(e); i++ {
			switch e[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return 0
	}
	if e[0] >= '0' && e[0] <= '9' {
		return 0
	}
	i := 0
	for i < len(e) && isSym(e[i]) {
		i++
	}
	return i
}

// numberLen is the length of the decimal or 0x number at the start of e.
func numberLen(e string) int {
	if len(e) > 2 && e[0] == '0' && (e[1] == 'x' || e[1] == 'X') {
		i := 2
		for i < len(e) && hexVal(e[i]) >= 0 {
			i++
		}
		if i > 2 {
			return i
		}
		return 0
	}
	i := 0
	for i < len(e) && e[i] >= '0' && e[i] <= '9' {
		i++
	}
	return i
}
