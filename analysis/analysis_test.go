package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/parser"
	"github.com/optpoline/optpoline/parser/x86"
)

func parseFile(t *testing.T, name string) *parser.File {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// find returns the index of the first statement at or after from whose raw
// text, trimmed, starts with s.
func find(t *testing.T, f *parser.File, from int, s string) int {
	t.Helper()
	for i := from; i < len(f.Stmts); i++ {
		if strings.HasPrefix(strings.TrimSpace(string(f.Raw(i))), s) {
			return i
		}
	}
	t.Fatalf("%q not found", s)
	return -1
}

func TestFuncs(t *testing.T) {
	f := parseFile(t, "funcs.s")
	fns, err := Funcs(f)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, sec, group string
		cfi              bool
		first, last      string // raw text of the first and last statements
	}
	wants := []want{
		{"gccf", ".text", "", true, "gccf:", ".size\tgccf"},
		{"clangf", ".text", "", true, "clangf:", ".cfi_endproc"},
		{"hot", ".text", "", true, "hot:", ".cfi_endproc"}, // the cold part sits between its .cfi_endproc and .size
		{"hot.cold", ".text.unlikely", "", true, "hot.cold:", ".size\thot.cold"},
		{"_Z3tswILi3EEiii", ".text._Z3tswILi3EEiii", "_Z3tswILi3EEiii", true, "_Z3tswILi3EEiii:", ".size\t_Z3tswILi3EEiii"},
		{"init_setup", ".init.text", "", true, "init_setup:", ".size\tinit_setup"},
		{"nocfi1", ".text", "", false, "nocfi1:", ".size\tnocfi1"},
		{"nocfi2", ".text", "", false, "nocfi2:", ".size\tnocfi2"},
		{"__x86_indirect_thunk_rax", ".text.__x86_indirect_thunk_rax", "__x86_indirect_thunk_rax", true, "__x86_indirect_thunk_rax:", ".cfi_endproc"},
		{"__llvm_retpoline_r11", ".text.__llvm_retpoline_r11", "__llvm_retpoline_r11", false, "__llvm_retpoline_r11:", "retq"},
	}
	if len(fns) != len(wants) {
		for _, fn := range fns {
			t.Log(fn.Name)
		}
		t.Fatalf("got %d functions, want %d", len(fns), len(wants))
	}
	for k, w := range wants {
		fn := fns[k]
		first := strings.TrimSpace(string(f.Raw(fn.Start)))
		last := strings.TrimSpace(string(f.Raw(fn.End - 1)))
		if fn.Name != w.name || fn.Section != w.sec || fn.Group != w.group || fn.CFI != w.cfi ||
			fn.Start != fn.Label || !strings.HasPrefix(first, w.first) || !strings.HasPrefix(last, w.last) {
			t.Errorf("function %d = %+v [%q … %q], want %+v", k, fn, first, last, w)
		}
	}
	// The cold part's .cfi_startproc precedes its label.
	if c := fns[3]; c.CFIStart >= c.Start || !f.WordIs(c.CFIStart, ".cfi_startproc") {
		t.Errorf("hot.cold CFIStart = %d, label %d", c.CFIStart, c.Label)
	}
}

func TestStack(t *testing.T) {
	f := parseFile(t, "funcs.s")
	fns, _ := Funcs(f)
	rsp := func(o int32) StackState { return StackState{true, x86.RSP, o} }
	rbp := func(o int32) StackState { return StackState{true, x86.RBP, o} }
	cases := []struct {
		fn    int
		instr string
		want  StackState
	}{
		{0, "pushq\t%rbp", rsp(8)},
		{0, "movq\t%rsp, %rbp", rsp(16)},
		{0, "subq", rbp(16)},
		{0, "call", rbp(16)},
		{0, "leave", rbp(16)},
		{0, "ret", rsp(8)},
		{1, "callq", rsp(16)},
		{1, "jmpq", rsp(8)},
		{2, "jmp\t*%rsi", rsp(8)},
		{3, "call\tabort", rsp(16)}, // entered from hot's je .L9
		{4, "jmp\t*.L4", rsp(8)},
		{4, "movl\t$2", rsp(8)},
		{7, "jmp", rsp(24)},
	}
	for _, c := range cases {
		fn := fns[c.fn]
		i := find(t, f, fn.Start, c.instr)
		got := Stack(f, fn)[i-fn.Start]
		comp, conf := ComputeStack(f, fn)
		if fn.CFI && got != c.want {
			t.Errorf("%s: Stack before %q = %v, want %v", fn.Name, c.instr, got, c.want)
		}
		if comp[i-fn.Start] != c.want || len(conf) > 0 {
			t.Errorf("%s: ComputeStack before %q = %v (conflicts %v), want %v", fn.Name, c.instr, comp[i-fn.Start], conf, c.want)
		}
	}
	// Jump-table data inside the function is in another section: unknown.
	fn := fns[4]
	i := find(t, f, fn.Start, ".quad\t.L3")
	if Stack(f, fn)[i-fn.Start].Known {
		t.Errorf("jump table entry has a known stack state")
	}
	// No CFI: Stack knows nothing.
	if Stack(f, fns[6])[1].Known {
		t.Errorf("Stack of a function without CFI is known")
	}
}

func TestComputeStackConflict(t *testing.T) {
	src := "\t.text\n\t.type f, @function\nf:\n\ttestq %rdi, %rdi\n\tje .L2\n\tpushq %rbx\n.L2:\n\tpopq %rbx\n\tret\n\t.size f, .-f\n"
	f, err := parser.Parse("conflict.s", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fns, _ := Funcs(f)
	states, conflicts := ComputeStack(f, fns[0])
	l2 := find(t, f, 0, ".L2:")
	if len(conflicts) != 1 || conflicts[0] != l2 {
		t.Errorf("conflicts = %v, want [%d]", conflicts, l2)
	}
	if states[l2-fns[0].Start].Known || states[l2+1-fns[0].Start].Known {
		t.Errorf("state after a conflict is known")
	}
}

func TestAddressTaken(t *testing.T) {
	f := parseFile(t, "goto.s")
	addr := AddressTaken(f)
	for _, s := range []string{".L8", ".L9", "labels.0"} {
		if !addr[s] {
			t.Errorf("%s not address-taken", s)
		}
	}
	for _, s := range []string{".LFB0", "deep", "interp"} {
		if addr[s] {
			t.Errorf("%s address-taken (debug info must be ignored)", s)
		}
	}
	g := parseFile(t, "funcs.s")
	addr = AddressTaken(g)
	if !addr[".L3"] || !addr[".L5"] || addr[".L4"] {
		t.Errorf("funcs.s: AddressTaken = %v", addr)
	}
}

func TestIsTailCall(t *testing.T) {
	cases := []struct {
		file, fn, instr string
		tail            bool
		reason          string
	}{
		{"funcs.s", "clangf", "jmpq", true, ReasonTailComment},
		{"funcs.s", "hot", "jmp\t*%rsi", true, "CFA=rsp+8"},
		{"funcs.s", "_Z3tswILi3EEiii", "jmp", false, ReasonJumpTable},
		{"funcs.s", "init_setup", "jmp", true, "CFA=rsp+8"},
		{"funcs.s", "nocfi1", "jmp", true, "CFA=rsp+8"},
		{"funcs.s", "nocfi2", "jmp", false, "CFA=rsp+24"},
		{"goto.s", "interp", "jmp", false, ReasonAddrTaken},
		{"goto.s", "deep", "jmp", false, "CFA=rsp+32"},
		{"goto.s", "nostack", "jmp", false, ReasonStackUnknown},
	}
	for _, c := range cases {
		f := parseFile(t, c.file)
		fns, _ := Funcs(f)
		addr := AddressTaken(f)
		for _, fn := range fns {
			if fn.Name != c.fn {
				continue
			}
			i := find(t, f, fn.Start, c.instr)
			tail, reason := IsTailCall(f, fn, i, nil, addr)
			if tail != c.tail || reason != c.reason {
				t.Errorf("%s: %s: IsTailCall = %v, %q; want %v, %q", c.file, c.fn, tail, reason, c.tail, c.reason)
			}
		}
	}
}

func TestIsNoreturn(t *testing.T) {
	for _, s := range []string{"abort", "exit@PLT", "__stack_chk_fail", "_Unwind_Resume@PLT", "__ubsan_handle_type_mismatch_v1_abort", "_ZSt20__throw_length_errorPKc"} {
		if !IsNoreturn(s) {
			t.Errorf("IsNoreturn(%q) = false", s)
		}
	}
	for _, s := range []string{"printf", "__ubsan_handle_type_mismatch_v1", "exit_group_helper"} {
		if IsNoreturn(s) {
			t.Errorf("IsNoreturn(%q) = true", s)
		}
	}
}
