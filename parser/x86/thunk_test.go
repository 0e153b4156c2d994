package x86_test

import (
	"testing"

	"github.com/optpoline/optpoline/parser/x86"
)

func TestThunk(t *testing.T) {
	for _, tc := range []struct {
		sym  string
		kind x86.ThunkKind
		reg  x86.Reg
	}{
		{"__x86_indirect_thunk_rax", x86.IndirectThunk, x86.RAX},
		{"__x86_indirect_thunk_r11", x86.IndirectThunk, x86.R11},
		{"__x86_indirect_thunk_eax", x86.IndirectThunk, x86.EAX},
		{"__x86_indirect_thunk_nt_rax", x86.IndirectThunkNT, x86.RAX},
		{"__llvm_retpoline_r11", x86.LLVMRetpoline, x86.R11},
		{"__llvm_retpoline_eax", x86.LLVMRetpoline, x86.EAX},
		{"__x86_return_thunk", x86.ReturnThunk, x86.NoReg},
		{"__x86_return_thunk_ecx", x86.ReturnThunk, x86.ECX},
		{"__x86_indirect_call_thunk_rdx", x86.KernelCallThunk, x86.RDX},
		{"__x86_indirect_jump_thunk_r15", x86.KernelJumpThunk, x86.R15},
		{"__x86_indirect_its_thunk_r8", x86.KernelITSThunk, x86.R8},
		{"__x86_indirect_thunk_rax@PLT", x86.NotThunk, x86.NoReg},
		{"__x86_return_thunk@PLT", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_RAX", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_rsp", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_al", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_xmm0", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_thunk_array", x86.NotThunk, x86.NoReg},
		{"__x86_return_thunk_eax", x86.NotThunk, x86.NoReg},
		{"__x86_indirect_call_thunk_eax", x86.NotThunk, x86.NoReg},
		{"__llvm_retpoline_push", x86.NotThunk, x86.NoReg},
		{"__x86.get_pc_thunk.bx", x86.NotThunk, x86.NoReg},
		{"x86_indirect_thunk_rax", x86.NotThunk, x86.NoReg},
		{"memcpy", x86.NotThunk, x86.NoReg},
		{"", x86.NotThunk, x86.NoReg},
	} {
		k, r := x86.Thunk(tc.sym)
		if k != tc.kind || r != tc.reg {
			t.Errorf("Thunk(%q) = %v, %v; want %v, %v", tc.sym, k, r, tc.kind, tc.reg)
		}
	}
}

func TestThunkNameRoundTrip(t *testing.T) {
	kinds := []x86.ThunkKind{x86.IndirectThunk, x86.IndirectThunkNT, x86.LLVMRetpoline,
		x86.KernelCallThunk, x86.KernelJumpThunk, x86.KernelITSThunk}
	n := 0
	for _, r := range allRegs() {
		if r.Class() != x86.GPR || r.Width() != 64 || r == x86.RSP {
			continue
		}
		n++
		for _, k := range kinds {
			name := x86.ThunkName(k, r)
			if name == "" {
				t.Errorf("ThunkName(%v, %v) = \"\"", k, r)
				continue
			}
			if gk, gr := x86.Thunk(name); gk != k || gr != r {
				t.Errorf("Thunk(%q) = %v, %v; want %v, %v", name, gk, gr, k, r)
			}
		}
	}
	if n != 15 {
		t.Errorf("%d registers", n)
	}
	if got := x86.ThunkName(x86.IndirectThunk, x86.RAX); got != "__x86_indirect_thunk_rax" {
		t.Errorf("got %q", got)
	}
	if got := x86.ThunkName(x86.LLVMRetpoline, x86.R11); got != "__llvm_retpoline_r11" {
		t.Errorf("got %q", got)
	}
	if got := x86.ThunkName(x86.ReturnThunk, x86.NoReg); got != "__x86_return_thunk" {
		t.Errorf("got %q", got)
	}
	for _, tc := range []struct {
		k x86.ThunkKind
		r x86.Reg
	}{
		{x86.IndirectThunk, x86.RSP}, {x86.IndirectThunk, x86.NoReg}, {x86.IndirectThunk, x86.AX},
		{x86.ReturnThunk, x86.RAX}, {x86.NotThunk, x86.RAX}, {x86.KernelCallThunk, x86.EAX},
		{x86.ThunkKind(200), x86.RAX},
	} {
		if got := x86.ThunkName(tc.k, tc.r); got != "" {
			t.Errorf("ThunkName(%v, %v) = %q, want \"\"", tc.k, tc.r, got)
		}
	}
}
