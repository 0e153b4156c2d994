package x86

// Prefix is an instruction prefix or gas pseudo-prefix that may precede a
// mnemonic on its line or stand alone on a line. The zero value is
// NoPrefix; the constants are in zprefixes.go.
type Prefix uint8

// NoPrefix is the zero Prefix.
const NoPrefix Prefix = 0

// LookupPrefix returns the prefix spelled word, in lowercase except that
// the REX bit letters may be in either case (gas writes rex.WB): lock, rep,
// repe/repz, repne/repnz, notrack, bnd, xacquire, xrelease, data16,
// data32, addr16, addr32, the segment overrides cs ds es fs gs ss, rex,
// rex64, rex.W ... rex.WRXB (bits in gas order W R X B), and the
// pseudo-prefixes {vex} {vex2} {vex3} {evex} {rex} {disp8} {disp16}
// {disp32} {load} {store} {nooptimize}.
func LookupPrefix(word string) (Prefix, bool) {
	p := lookupPrefix(word)
	return p, p != NoPrefix
}

// IsPrefix reports whether word is a prefix LookupPrefix knows.
func IsPrefix(word string) bool {
	return lookupPrefix(word) != NoPrefix
}

func lookupPrefix(s string) Prefix {
	if len(s) == 0 || len(s) > 15 {
		return NoPrefix
	}
	if prefixStart[s[0]]&(1<<len(s)) == 0 {
		return NoPrefix
	}
	if len(s) > 4 && s[:4] == "rex." {
		return rexPrefix(s[4:])
	}
	return prefixLookup(s)
}

// rexPrefix parses the bits of rex.<bits>: a non-empty subsequence of
// W R X B, in that order, each letter in either case.
func rexPrefix(bits string) Prefix {
	var v Prefix
	next := 0
	for i := 0; i < len(bits); i++ {
		c := bits[i] &^ 0x20 // upper case; '.' and digits become non-letters
		j := next
		for j < 4 && "WRXB"[j] != c {
			j++
		}
		if j == 4 {
			return NoPrefix
		}
		v |= 8 >> j
		next = j + 1
	}
	return PrefixREX + v
}

// String returns the canonical spelling: lowercase, except for the REX bit
// letters (rex.WB). repz and repnz print as repe and repne.
func (p Prefix) String() string {
	if p < numPrefixes {
		return prefixNames[p]
	}
	return "Prefix(?)"
}

// IsPseudo reports whether p is a gas pseudo-prefix in braces, which
// selects an encoding and emits no byte of its own.
func (p Prefix) IsPseudo() bool { return PseudoVex <= p && p <= PseudoNoOptimize }

// REXBits returns the W R X B bits (8 4 2 1) of a rex or rex.* prefix.
// rex64 counts as rex.W.
func (p Prefix) REXBits() (bits uint8, ok bool) {
	switch {
	case p == PrefixRex64:
		return 8, true
	case PrefixREX <= p && p <= PrefixREXWRXB:
		return uint8(p - PrefixREX), true
	}
	return 0, false
}
