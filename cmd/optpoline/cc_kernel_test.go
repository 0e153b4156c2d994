package main

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optpoline/optpoline/abi"
)

// kernelFlags are the code-generation flags Kbuild gives every object of a
// Linux 6.1 x86-64 retpoline build (from a tinyconfig build's .cmd files).
const kernelFlags = "-D__KERNEL__ -nostdinc -fno-PIE -mno-red-zone -mcmodel=kernel -mno-sse -mno-mmx " +
	"-fno-asynchronous-unwind-tables -mindirect-branch=thunk-extern -mindirect-branch-register " +
	"-mindirect-branch-cs-prefix -mfunction-return=thunk-extern -fno-jump-tables -Os -fomit-frame-pointer"

// kernelSource has what Kbuild's sources gave the wrapper trouble with:
// an indirect call (a site), the stringified _ASM_RIP() ("sym (% rip)")
// and a macro invocation with keyword arguments (extable_type_reg).
const kernelSource = `
struct ops { int (*fn)(int); };
extern struct ops *ops;
unsigned char kdata[8];
int call_op(int x) { return ops->fn(x) + 1; }
int asm_forms(void) {
	int r = 0;
	asm volatile(".macro kmacro reg:req, type:req\n.endm\n"
		"kmacro reg=%%eax, type=11\n.purgem kmacro\n"
		"testb $8, kdata+1 (%% rip)\n" : "+r"(r));
	return r;
}
`

// TestCCKernel builds kernel-style objects through the wrapper: kernel mode
// writes only sections the kernel's linker script keeps, the vDSO's flags
// pass through, and --optpoline-keep-asm leaves the assembly it assembled.
func TestCCKernel(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "k.c"), []byte(kernelSource), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "obj"), 0o755)
	flags := strings.Fields(kernelFlags)
	env := append([]string{"TMPDIR=" + t.TempDir()}, wrapperEnv...)

	// Kernel mode, keeping the assembly.
	argv := append(append([]string{"gcc"}, flags...), "--optpoline-keep-asm", "-c", "k.c", "-o", "obj/k.o")
	if r := runCmd(t, dir, env, nil, wrapperArgv(t, argv...)...); r.status != 0 {
		t.Fatalf("kernel compile: status %d\n%s", r.status, r.stderr)
	}
	f, err := elf.Open(filepath.Join(dir, "obj/k.o"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, name := range []string{abi.TableSection, abi.SlotSection, abi.OutlineSection, abi.OutlineSection + ".stubs"} {
		if f.Section(name) != nil {
			t.Errorf("kernel object has the user-mode section %s (an orphan for the kernel's linker script)", name)
		}
	}
	for _, name := range []string{abi.KernelSlotSection, abi.KernelOutlineSection, abi.KernelOutlineSection + ".stubs"} {
		if f.Section(name) == nil {
			t.Errorf("kernel object has no section %s", name)
		}
	}
	if tab := f.Section(abi.KernelTableSection); tab == nil {
		t.Errorf("kernel object has no %s", abi.KernelTableSection)
	} else if data, err := tab.Data(); err != nil || len(data) < abi.HeaderSize || !bytes.HasPrefix(data, []byte("OPTP")) {
		t.Errorf("%s does not start with a table header: % x (%v)", abi.KernelTableSection, data[:min(len(data), 16)], err)
	} else if n := int(f.ByteOrder.Uint32(data[8:])); n != 1 {
		t.Errorf("table has %d entries, want 1 (call_op's indirect call)", n)
	}
	asm, err := os.ReadFile(filepath.Join(dir, "obj/k.opt.s"))
	if err != nil {
		t.Fatalf("--optpoline-keep-asm: %v", err)
	}
	if !bytes.Contains(asm, []byte(".Lopt_site_0:")) || !bytes.Contains(asm, []byte("call\t__x86_indirect_thunk_")) {
		t.Errorf("obj/k.opt.s is not the marked-up kernel assembly:\n%s", asm)
	}

	// The vDSO: -mcmodel=kernel, then -mcmodel=small. It passes through:
	// the object is the bare compiler's, byte for byte.
	vdso := append(append([]string{}, flags...), "-mcmodel=small", "-fPIC", "-c", "k.c", "-o")
	bare := runCmd(t, dir, nil, nil, append(append([]string{"gcc"}, vdso...), "obj/bare.o")...)
	wrap := runCmd(t, dir, env, nil, wrapperArgv(t, append(append([]string{"gcc"}, vdso...), "obj/wrap.o")...)...)
	if bare.status != 0 || wrap.status != 0 {
		t.Fatalf("vDSO compile: bare %d, wrapped %d\n%s%s", bare.status, wrap.status, bare.stderr, wrap.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "obj/bare.o"))
	w, _ := os.ReadFile(filepath.Join(dir, "obj/wrap.o"))
	if !bytes.Equal(b, w) {
		t.Errorf("vDSO object differs from the bare compiler's: it was not passed through")
	}
}
