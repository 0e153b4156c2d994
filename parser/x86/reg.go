package x86

// Reg is a register. The zero value is NoReg. The named constants
// (RAX, R8D, AH, XMM15, ST0, ...) are in zregs.go.
type Reg uint16

// NoReg is the zero Reg: no register.
const NoReg Reg = 0

// RegClass is the kind of a register.
type RegClass uint8

// Register classes.
const (
	NoRegClass RegClass = iota
	GPR                 // general purpose, any width
	Seg                 // segment: es cs ss ds fs gs
	IP                  // instruction pointer: rip eip
	MMX                 // mm0-mm7
	XMM                 // xmm0-xmm31
	YMM                 // ymm0-ymm31
	ZMM                 // zmm0-zmm31
	Mask                // AVX-512 opmask k0-k7
	X87                 // st(0)-st(7)
	Ctrl                // control cr0-cr15
	Debug               // debug db0-db15
	Bound               // MPX bnd0-bnd3
	TMM                 // AMX tile tmm0-tmm7
)

var regClassNames = [...]string{
	NoRegClass: "none", GPR: "gpr", Seg: "seg", IP: "ip", MMX: "mmx",
	XMM: "xmm", YMM: "ymm", ZMM: "zmm", Mask: "mask", X87: "x87",
	Ctrl: "ctrl", Debug: "debug", Bound: "bound", TMM: "tmm",
}

func (c RegClass) String() string {
	if int(c) < len(regClassNames) {
		return regClassNames[c]
	}
	return "RegClass(?)"
}

const (
	flagHighByte = 1 << iota
	flagREX
)

type regData struct {
	name  string
	class RegClass
	flags uint8
	num   int8
	width uint16
	full  Reg
}

// LookupReg returns the register named name, written without '%' ("rax",
// "r8d", "xmm15", "st", "st(1)", "fs", "dr7"), or NoReg. Case is ignored.
// "st" is st(0) and drN is dbN, as in GNU as. It does not allocate.
func LookupReg(name string) Reg {
	if r := regLookup(name); r != NoReg {
		return r
	}
	var buf [16]byte
	if b, ok := lowerASCII(name, regMaxLen, &buf); ok {
		return regLookup(string(b))
	}
	return NoReg
}

func (r Reg) data() *regData {
	if r >= numRegs {
		return &regInfo[NoReg]
	}
	return &regInfo[r]
}

// String returns the canonical lowercase name without '%': "rax", "st(0)",
// "db7". NoReg is "".
func (r Reg) String() string { return r.data().name }

// Class returns the register class.
func (r Reg) Class() RegClass { return r.data().class }

// Width returns the size in bits: 8, 16, 32 or 64 for GPRs (ah too is 8),
// 16 for segment registers, 64 for rip and 32 for eip, 128, 256 or 512 for
// vectors, 64 for mmx, mask, control and debug registers, 80 for x87, 128
// for bnd and 8192 for tmm. NoReg has width 0.
func (r Reg) Width() int { return int(r.data().width) }

// Num returns the encoding number, REX/VEX/EVEX extension bits included:
// rax=0 ... rdi=7, r8-r15=8-15 in every width; ah ch dh bh are 4-7, as are
// spl bpl sil dil; es cs ss ds fs gs are 0-5; xmm16 is 16. It is -1 for
// rip, eip and NoReg, which have no register number.
func (r Reg) Num() int {
	if r == NoReg || r >= numRegs {
		return -1
	}
	return int(r.data().num)
}

// Full returns the 64-bit GPR containing a GPR of any width (al, ah, ax,
// eax -> rax; r8b -> r8), rip for eip, and r itself otherwise.
func (r Reg) Full() Reg {
	if r == NoReg || r >= numRegs {
		return NoReg
	}
	return regInfo[r].full
}

// IsHighByte reports whether r is ah, bh, ch or dh, which cannot be encoded
// in an instruction with a REX prefix.
func (r Reg) IsHighByte() bool { return r.data().flags&flagHighByte != 0 }

// NeedsREX reports whether encoding r needs a REX prefix (or a VEX/EVEX
// extension bit): GPRs r8-r15 of any width, spl bpl sil dil,
// xmm/ymm/zmm8 and up, cr8-cr15 and db8-db15.
func (r Reg) NeedsREX() bool { return r.data().flags&flagREX != 0 }
