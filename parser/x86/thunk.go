package x86

import "strings"

// ThunkKind is the family of a retpoline thunk symbol.
//
// Only names that really exist are listed. GCC 12 has no separate jump
// thunk: "jmp __x86_indirect_thunk_REG" uses the call thunk, and with
// -mno-indirect-branch-register it still loads the target into a register,
// so the register-less "__x86_indirect_thunk" that GCC's naming code can
// build was never seen and is not recognised. The Kernel* kinds are
// defined in the kernel's arch/x86/lib/retpoline.S and are reached only by
// run-time patching: compilers never emit them.
type ThunkKind uint8

// Thunk kinds.
const (
	NotThunk ThunkKind = iota
	// IndirectThunk is __x86_indirect_thunk_REG: gcc
	// -mindirect-branch=thunk*, clang -mretpoline-external-thunk, the kernel.
	IndirectThunk
	// IndirectThunkNT is __x86_indirect_thunk_nt_REG: gcc
	// -mindirect-branch=thunk-extern -fcf-protection on a branch through a
	// nocf_check pointer (a notrack branch).
	IndirectThunkNT
	// LLVMRetpoline is __llvm_retpoline_REG: clang -mretpoline.
	LLVMRetpoline
	// ReturnThunk is __x86_return_thunk (gcc -mfunction-return=thunk*,
	// the kernel) or, for gcc -m32 "ret $N", __x86_return_thunk_ecx.
	ReturnThunk
	// KernelCallThunk and KernelJumpThunk are
	// __x86_indirect_call_thunk_REG and __x86_indirect_jump_thunk_REG,
	// the call-depth-tracking thunk arrays (Linux 6.2+).
	KernelCallThunk
	KernelJumpThunk
	// KernelITSThunk is __x86_indirect_its_thunk_REG, the Indirect
	// Target Selection mitigation (Linux 6.15+).
	KernelITSThunk
	numThunkKinds
)

var thunkPrefixes = [numThunkKinds]string{
	IndirectThunk:   "__x86_indirect_thunk_",
	IndirectThunkNT: "__x86_indirect_thunk_nt_",
	LLVMRetpoline:   "__llvm_retpoline_",
	ReturnThunk:     "__x86_return_thunk",
	KernelCallThunk: "__x86_indirect_call_thunk_",
	KernelJumpThunk: "__x86_indirect_jump_thunk_",
	KernelITSThunk:  "__x86_indirect_its_thunk_",
}

var thunkKindNames = [numThunkKinds]string{
	NotThunk: "not-thunk", IndirectThunk: "indirect-thunk",
	IndirectThunkNT: "indirect-thunk-nt", LLVMRetpoline: "llvm-retpoline",
	ReturnThunk: "return-thunk", KernelCallThunk: "kernel-call-thunk",
	KernelJumpThunk: "kernel-jump-thunk", KernelITSThunk: "kernel-its-thunk",
}

func (k ThunkKind) String() string {
	if k < numThunkKinds {
		return thunkKindNames[k]
	}
	return "ThunkKind(?)"
}

// thunkReg reports whether a thunk of kind k exists for r. Branch thunks
// take any 64-bit GPR but rsp; those emitted by compilers also take a
// 32-bit one but esp (-m32). The return thunk takes no register, or ecx
// (or rcx) for gcc's "pop %ecx; add $N,%esp; jmp __x86_return_thunk_ecx".
func thunkReg(k ThunkKind, r Reg) bool {
	switch k {
	case ReturnThunk:
		return r == NoReg || r == ECX || r == RCX
	case IndirectThunk, IndirectThunkNT, LLVMRetpoline:
		return r.Class() == GPR && (r.Width() == 64 && r != RSP || r.Width() == 32 && r != ESP)
	case KernelCallThunk, KernelJumpThunk, KernelITSThunk:
		return r.Class() == GPR && r.Width() == 64 && r != RSP
	}
	return false
}

// Thunk reports which thunk sym names and the register it branches
// through: "__x86_indirect_thunk_rax" is (IndirectThunk, RAX),
// "__llvm_retpoline_r11" is (LLVMRetpoline, R11), "__x86_return_thunk" is
// (ReturnThunk, NoReg). Symbol names are case-sensitive, and a name with a
// suffix such as "@PLT" is NotThunk (thunk references never carry one).
func Thunk(sym string) (ThunkKind, Reg) {
	if len(sym) < len("__llvm_retpoline_") || sym[0] != '_' || sym[1] != '_' {
		return NotThunk, NoReg
	}
	if sym == thunkPrefixes[ReturnThunk] {
		return ReturnThunk, NoReg
	}
	for k := IndirectThunk; k < numThunkKinds; k++ {
		p := thunkPrefixes[k]
		if k == ReturnThunk {
			p += "_"
		}
		rest, ok := strings.CutPrefix(sym, p)
		if !ok {
			continue
		}
		r := LookupReg(rest)
		if r.String() != rest || !thunkReg(k, r) {
			continue // e.g. "nt_rax" under IndirectThunk
		}
		return k, r
	}
	return NotThunk, NoReg
}

// ThunkName returns the symbol of the thunk of kind k for r, the inverse
// of Thunk, or "" if there is no such thunk.
func ThunkName(k ThunkKind, r Reg) string {
	if k == NotThunk || k >= numThunkKinds || !thunkReg(k, r) {
		return ""
	}
	if r == NoReg {
		return thunkPrefixes[k]
	}
	if k == ReturnThunk {
		return thunkPrefixes[k] + "_" + r.String()
	}
	return thunkPrefixes[k] + r.String()
}
