package x86

// Class is the control-flow class of an instruction, decided from its
// mnemonic alone.
type Class uint8

// Instruction classes.
const (
	Other   Class = iota
	Call          // call callq callw calll
	Jmp           // jmp jmpq jmpw jmpl (jmpl is 32-bit code's near jump; gas rejects it in 64-bit code)
	Jcc           // conditional jump: ja jae jb ... jz, every gas spelling
	Loop          // loop loope loopne loopz loopnz (any suffix), jcxz jecxz jrcxz
	Ret           // near return: ret retq retl retw
	FarRet        // far return: lret lretq lretl lretw
	IRet          // iret iretq iretl iretw uiret
	FarCall       // lcall lcallq lcalll lcallw
	FarJmp        // ljmp ljmpq ljmpl ljmpw
	Syscall       // enter or leave the kernel: syscall sysenter sysexit* sysret* int into ("int $3" too: mnemonic only)
	Push          // push pushq pushl pushw
	Pop           // pop popq popl popw
	PushF         // pushf pushfq pushfl pushfw
	PopF          // popf popfq popfl popfw
	Leave         // leave leaveq leavel leavew
	Enter         // enter enterq enterl enterw
	Trap          // ud0 ud1 ud2 (never fall through), int3 int1 (debug traps)
	Halt          // hlt
	Nop           // nop nopw nopl nopq
	Endbr         // endbr64 endbr32
	numClasses
)

var classNames = [numClasses]string{
	Other: "other", Call: "call", Jmp: "jmp", Jcc: "jcc", Loop: "loop",
	Ret: "ret", FarRet: "farret", IRet: "iret", FarCall: "farcall",
	FarJmp: "farjmp", Syscall: "syscall", Push: "push", Pop: "pop",
	PushF: "pushf", PopF: "popf", Leave: "leave", Enter: "enter",
	Trap: "trap", Halt: "halt", Nop: "nop", Endbr: "endbr",
}

func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return "Class(?)"
}

// IsBranch reports whether c transfers control: Call, Jmp, Jcc, Loop, Ret,
// FarRet, IRet, FarCall or FarJmp. Syscall and Trap are not branches.
func (c Class) IsBranch() bool {
	switch c {
	case Call, Jmp, Jcc, Loop, Ret, FarRet, IRet, FarCall, FarJmp:
		return true
	}
	return false
}

// mnemonic is a generated table value: the Class in the low byte, the Cond
// in bits 8-11 and hasCond when the mnemonic has a condition code.
type mnemonic uint16

const hasCond mnemonic = 1 << 15

// Classify returns the class of a mnemonic written without prefixes, such
// as "call", "callq", "jne" or "retq"; Other if it has none. The mnemonic
// must be lowercase, as compilers write it (gas would also take "CALL"). A mnemonic cannot show a far jump written "jmp $seg,$off"; that
// needs the operands.
func Classify(mnemonic string) Class {
	return Class(mnemonicLookup(mnemonic) & 0xff)
}

// Cond is a condition code, valued by its encoding: Jcc rel8 is 0x70+Cond.
// The constants CondO ... CondG are in zmnemonics.go.
type Cond uint8

// CondOf returns the canonical condition of a Jcc, SETcc or CMOVcc
// mnemonic in any gas spelling ("jz", "jnae", "setnbeb", "cmovnel"), and
// false for any other mnemonic. The mnemonic must be lowercase.
func CondOf(mnemonic string) (Cond, bool) {
	v := mnemonicLookup(mnemonic)
	if v&hasCond == 0 {
		return 0, false
	}
	return Cond(v>>8) & 15, true
}

// String returns the canonical spelling: o no b ae e ne be a s ns p np l ge le g.
func (c Cond) String() string { return condNames[c&15] }

// Invert returns the opposite condition (e <-> ne, b <-> ae, ...).
func (c Cond) Invert() Cond { return c ^ 1 }
