package analysis

import (
	"strings"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

// flagEffect is what an instruction does to the arithmetic flags (CF, PF,
// AF, ZF, SF, OF).
type flagEffect uint8

const (
	flagsUnknown flagEffect = iota // not in the tables: assume it reads them
	flagsNone                      // neither reads nor writes all of them (partial writes count here)
	flagsRead                      // reads at least one
	flagsWrite                     // writes (or leaves undefined) all six, reading none
)

// Integer instructions by stem (the mnemonic without its b/w/l/q suffix).
var (
	flagWriters = set("add sub cmp test and or xor neg imul mul div idiv cmpxchg xadd bsf bsr tzcnt lzcnt popcnt " +
		"andn bextr blsi blsmsk blsr bzhi ucomiss ucomisd comiss comisd vucomiss vucomisd vcomiss vcomisd " +
		"ptest vptest vtestps vtestpd pcmpestri pcmpestrm pcmpistri pcmpistrm vpcmpestri vpcmpestrm " +
		"vpcmpistri vpcmpistrm cmpxchg8b cmpxchg16b")
	flagReaders = set("adc sbb adcx adox rcl rcr cmc lahf pushf into fcmovb fcmove fcmovbe fcmovu fcmovnb " +
		"fcmovne fcmovnbe fcmovnu")
	// Neither: partial writers (inc dec bt* rol ror clc stc sahf; their
	// unwritten flags keep flowing) and instructions that leave the flags
	// alone. shl/shr/sar/sal/shld/shrd by %cl are here too: a zero count
	// leaves the flags as they were.
	flagNeutral = set("mov movabs movs movz movsx movzx movsxd lea push pop xchg bswap not inc dec bt bts btr btc " +
		"rol ror clc stc cld std sahf nop endbr64 endbr32 lfence mfence sfence pause prefetch prefetcht0 " +
		"prefetcht1 prefetcht2 prefetchnta prefetchw por cltq cqto cltd cwtl cbtw cwtd cdqe cqo cdq cwde cbw cwd " +
		"pdep pext rorx sarx shlx shrx mulx crc32 leave enter rdtsc rdtscp cpuid ud2 int3 stos lods " +
		"movsb movsw movsl movsq stosb stosw stosl stosq lodsb lodsw lodsl lodsq data16 rex64 xlat")
	shifts = set("shl sal shr sar shld shrd")
)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// stem drops a trailing operand-size letter when the rest is a known
// mnemonic ("addq" → "add", "movzbl" → "movz" via its own table entry).
func stem(w string, known func(string) bool) (string, bool) {
	if known(w) {
		return w, true
	}
	if n := len(w); n > 1 && strings.IndexByte("bwlq", w[n-1]) >= 0 && known(w[:n-1]) {
		return w[:n-1], true
	}
	// movzbl, movsbq, movswl, movslq: mov + two size letters.
	if n := len(w); n > 2 && strings.IndexByte("bwlq", w[n-1]) >= 0 && strings.IndexByte("bwlq", w[n-2]) >= 0 && known(w[:n-2]) {
		return w[:n-2], true
	}
	return "", false
}

// effectOf classifies the instruction at i (not a branch).
func effectOf(f *parser.File, i int, w string, ops []parser.Operand) flagEffect {
	if _, ok := x86.CondOf(w); ok {
		return flagsRead // jcc, setcc, cmovcc
	}
	switch x86.Classify(w) {
	case x86.PushF:
		return flagsRead
	case x86.PopF:
		return flagsWrite
	case x86.Push, x86.Pop, x86.Nop, x86.Endbr, x86.Leave, x86.Enter:
		return flagsNone
	}
	any := func(m map[string]bool) func(string) bool { return func(s string) bool { return m[s] } }
	if s, ok := stem(w, any(shifts)); ok {
		_ = s
		// A shift writes every flag unless its count is zero: only an
		// immediate count (masked to 5 or 6 bits) is known to be non-zero.
		if len(ops) >= 2 && ops[0].Kind == parser.OpImm {
			if v, ok := immValue(f, ops[0]); ok && v&63 != 0 {
				return flagsWrite
			}
			return flagsNone
		}
		if len(ops) == 1 { // "shrq %rax": a count of one
			return flagsWrite
		}
		return flagsNone
	}
	if _, ok := stem(w, any(flagReaders)); ok {
		return flagsRead
	}
	if _, ok := stem(w, any(flagWriters)); ok {
		return flagsWrite
	}
	if _, ok := stem(w, any(flagNeutral)); ok {
		return flagsNone
	}
	// SSE/AVX: every vector instruction leaves the flags alone except the
	// compares and tests named above.
	if vectorNeutral(w) {
		return flagsNone
	}
	return flagsUnknown
}

// vectorNeutral reports SSE/AVX mnemonics that do not touch the flags:
// packed/scalar float arithmetic and moves (…ss, …sd, …ps, …pd), packed
// integer instructions (p…), AVX (v…), conversions (cvt…). The flag
// writers among them (comis, ptest, pcmp*str*, vtestp*) are matched first.
func vectorNeutral(w string) bool {
	if strings.Contains(w, "comi") || strings.Contains(w, "test") || strings.Contains(w, "str") {
		return false
	}
	switch {
	case strings.HasPrefix(w, "cvt"), strings.HasPrefix(w, "v") && len(w) > 3:
		return true
	case strings.HasPrefix(w, "p") && !strings.HasPrefix(w, "pop") && !strings.HasPrefix(w, "push"):
		return len(w) > 3
	}
	for _, s := range [...]string{"ss", "sd", "ps", "pd", "dq", "dqa", "dqu"} {
		if strings.HasSuffix(w, s) && len(w) > len(s)+2 {
			return true
		}
	}
	return false
}

// FlagsReadAt reports whether the code that runs from statement start
// (usually a label) may read an arithmetic flag before writing all of
// them: a jcc, setcc, cmovcc, adc, sbb, pushf, … reached on some path
// before an instruction such as cmp, test, add or xor. It is conservative:
// an instruction it does not know, a section switch, a branch into code it
// cannot follow or a walk longer than limit statements count as a read.
// Paths end with a full write, a call, a ret, a trap or a jump out of the
// function (the ABI passes no flags to a callee or a caller), or an
// indirect jmp (its targets are checked in their own right). Direct jmps
// are followed to labels of the file. why says what decided.
func FlagsReadAt(f *parser.File, start int) (reads bool, at int, why string) {
	const limit = 2000
	labels := labelMap(f)
	seen := map[int]bool{}
	work := []int{start}
	steps := 0
	var buf [4]parser.Operand
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
	path:
		for ; i < len(f.Stmts); i++ {
			if seen[i] {
				break
			}
			seen[i] = true
			if steps++; steps > limit {
				return true, i, "too long to follow"
			}
			st := &f.Stmts[i]
			switch st.Kind {
			case parser.Directive:
				if f.IsSectionDirective(i) {
					return true, i, "section switch"
				}
				continue
			case parser.Instr:
			default:
				continue
			}
			w := f.Word(i)
			switch x86.Classify(w) {
			case x86.Call, x86.Ret, x86.Trap, x86.Halt, x86.FarRet, x86.IRet, x86.FarJmp, x86.FarCall:
				break path
			case x86.Jcc, x86.Loop:
				if x86.Classify(w) == x86.Loop && (w == "loop" || w == "loopq" || w == "loopl") {
					// loop reads only %rcx; it branches or falls through.
					if t, ok := directTarget(f, i, buf[:0]); ok {
						if j, ok := labels[t]; ok {
							work = append(work, j)
							continue
						}
					}
					return true, i, "loop to an unknown target"
				}
				return true, i, "reads the flags: " + w
			case x86.Jmp:
				os, err := f.Operands(i, buf[:0])
				if err != nil || len(os) != 1 {
					return true, i, "unreadable jmp"
				}
				if os[0].Indirect {
					break path
				}
				t, ok := directTarget(f, i, buf[:0])
				if !ok {
					return true, i, "jmp to an expression"
				}
				if IsNumericRef(t) {
					if j, ok := NumericLabel(f, i, t); ok {
						work = append(work, j)
						break path
					}
					return true, i, "jmp to an unknown numeric label"
				}
				if j, ok := labels[t]; ok && !isFuncLabel(f, j) {
					work = append(work, j)
				}
				// A jump to a function (a tail call, a thunk): the ABI
				// passes no flags.
				break path
			case x86.Syscall:
				return true, i, "system call or interrupt"
			}
			os, err := f.Operands(i, buf[:0])
			if err != nil {
				return true, i, "unreadable operands"
			}
			switch effectOf(f, i, w, os) {
			case flagsWrite:
				break path
			case flagsRead:
				return true, i, "reads the flags: " + w
			case flagsUnknown:
				return true, i, "unknown effect on the flags: " + w
			}
		}
	}
	return false, -1, ""
}

// labelMap maps every non-numeric label of f to its statement (the first
// definition).
func labelMap(f *parser.File) map[string]int { return infoOf(f).labels }
