package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const handFile = "testdata/hand.s"

// linkHand assembles and links a copy of testdata/hand.s with gcc.
func linkHand(t *testing.T, dir, name, src string) string {
	t.Helper()
	s := filepath.Join(dir, name+".s")
	if err := os.WriteFile(s, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, name)
	if out, err := exec.Command("gcc", "-x", "assembler", s, "-o", prog).CombinedOutput(); err != nil {
		t.Fatalf("%s: gcc: %v\n%s", name, err, out)
	}
	return prog
}

func readHand(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(handFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestVerifyHand runs the hand-written marked-up program and verifies it:
// no problems, and the counts the table promises.
func TestVerifyHand(t *testing.T) {
	prog := linkHand(t, t.TempDir(), "hand", readHand(t))
	out, err := exec.Command(prog).CombinedOutput()
	if err != nil || string(out) != "42 10 200\n" {
		t.Fatalf("hand: %v, output %q, want \"42 10 200\\n\"", err, out)
	}
	rep, sites, err := verify(prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("problem: %s", p)
	}
	if rep.Fragments != 1 || rep.Entries != 3 || rep.Outlined != 2 {
		t.Errorf("fragments %d entries %d outlined %d, want 1 3 2", rep.Fragments, rep.Entries, rep.Outlined)
	}
	want := map[string]int{"none": 1, "from_mem": 1, "tail": 1}
	if len(rep.ByFlag) != len(want) {
		t.Errorf("ByFlag = %v, want %v", rep.ByFlag, want)
	}
	for k, n := range want {
		if rep.ByFlag[k] != n {
			t.Errorf("ByFlag[%s] = %d, want %d", k, rep.ByFlag[k], n)
		}
	}
	// What the decoder found, site by site.
	for i, s := range sites {
		t.Logf("site %d: %s cmp %s slot %#x hit %#x <%s> fallback→%#x mov %#x outline %d entries final→%#x",
			i, s.Func, regName(s.CmpReg), s.CmpSlot, s.HitTarget, s.HitSym, s.FallTo, s.MovAt, len(s.Outline), s.FinalTo)
	}
	if len(sites) == 3 {
		if !strings.HasPrefix(sites[0].Func, "main+") || sites[0].HitSym != "optpoline.jmp.rax" || len(sites[0].Outline) != 2 {
			t.Errorf("site 0 = %+v", sites[0])
		}
		if sites[1].MovAt == 0 || sites[1].SiteAt-sites[1].MovAt != 7 || sites[1].HitSym != "optpoline.jmp.r11" || sites[1].FallTo != 0 {
			t.Errorf("site 1 = %+v", sites[1])
		}
		if !strings.HasPrefix(sites[2].Func, "tail_it+") || sites[2].FallTo != sites[2].OutlineAt {
			t.Errorf("site 2 = %+v", sites[2])
		}
	}
}

// TestVerifyObjdump cross-checks the verifier's byte decoding of the hand
// program against GNU objdump's disassembly.
func TestVerifyObjdump(t *testing.T) {
	prog := linkHand(t, t.TempDir(), "hand", readHand(t))
	_, sites, err := verify(prog)
	if err != nil {
		t.Fatal(err)
	}
	insns, err := objdump(prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) == 0 {
		t.Fatal("no sites decoded")
	}
	for _, s := range sites {
		for _, d := range crossCheck(insns, s) {
			t.Error(d)
		}
	}
	// The cross-check itself can fail.
	for i, bend := range []func(*Site){
		func(s *Site) { s.CmpSlot += 8 },
		func(s *Site) { s.CmpReg = 3 },
		func(s *Site) { s.JeTarget++ },
		func(s *Site) { s.HitTarget = s.FallTo },
		func(s *Site) { s.Outline[1].Slot = s.Outline[0].Slot },
		func(s *Site) { s.FinalTo = 0x1234 },
	} {
		s := sites[0]
		s.Outline = append([]OutlineEntry(nil), s.Outline...)
		bend(&s)
		if d := crossCheck(insns, s); len(d) == 0 {
			t.Errorf("bent site %d: crossCheck found nothing", i)
		}
	}
}

// TestVerifyRejects mutates the hand-written program and checks that the
// verifier reports each mutation: it can fail.
func TestVerifyRejects(t *testing.T) {
	src := readHand(t)
	tests := []struct {
		name   string
		marker string   // the "# MUT:" marker of the line to replace
		line   string   // the replacement line (marker dropped)
		want   string   // substring of a problem
		more   []string // further marker, line pairs
	}{
		{"misaligned hit call", "pad0", "\t.byte\t0xcc, 0xcc", "rel32 at", nil},
		{"wrong register in the entry", "ent0", "\t.byte\t1, 0, 2, 0", "cmpq compares %rax, entry says %rcx", nil},
		{"wrong register in the code", "cmpreg", "\tcmpq\t.Lopt_slot_0(%rip), %rdx", "cmpq compares %rdx, entry says %rax", nil},
		{"slot not the sentinel", "slot0", "\t.quad\t0", "want the sentinel", nil},
		{"slot in .rodata", "slotsec", "\t.section\t.rodata,\"a\",@progbits", "not writable", nil},
		{"slot in .bss", "slotsec", "\t.bss", "NOBITS", []string{"slot0", "\t.zero\t8"}},
		{"from_mem without the mov", "mov1", "\tmovq\tfptr(%rip), %rax\n\tmovq\t%rax, %r11", "not movq MEM, %r11", nil},
		{"from_mem flag on a register site", "ent0", "\t.byte\t0, 2, 2, 0", "FROM_MEM site compares %rax", nil},
		{"hit call to a non-placeholder", "hit0", "\tcall\tadd1", "not to a placeholder", nil},
		{"placeholder for another register", "hit0", "\tcall\toptpoline.jmp.r11", "placeholder for %r11", nil},
		{"tail flag on a call site", "ent0", "\t.byte\t0, 1, 2, 0", "want 0xe9", nil},
		{"tail site without the flag", "ent2", "\t.byte\t0, 0, 1, 0", "want 0xe8", nil},
		{"call in a tail site", "tailhit", "\tcall\toptpoline.jmp.rax", "want 0xe9", nil},
		{"outline entry without nopl", "onop", "\tnop; nop; nop", "outline entry 0", nil},
		{"outline count too large", "ent0", "\t.byte\t0, 0, 3, 0", "outline entry 2", nil},
		{"outline count too small", "ent2", "\t.byte\t0, 1, 0, 0", "outline block ends", nil},
		{"entry call is not the je target", "call0", "\t.long\t.Lopt_done_0 - .", "je goes to", nil},
		{"outline je relaxed to rel8", "oje", "\tje\toptpoline.jmp.rax", "outline entry 1", nil},
		{"reserved byte set", "ent1", "\t.byte\t11, 2, 0, 7", "reserved byte", nil},
		{"unknown flag", "ent1", "\t.byte\t11, 0x82, 0, 0", "unknown flag bits 0x80", nil},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			mutated := src
			edits := append([]string{tt.marker, tt.line}, tt.more...)
			for j := 0; j+1 < len(edits); j += 2 {
				var ok bool
				if mutated, ok = mutate(mutated, edits[j], edits[j+1]); !ok {
					t.Fatalf("marker MUT:%s not found in %s", edits[j], handFile)
				}
			}
			prog := linkHand(t, dir, "m"+string(rune('a'+i)), mutated)
			rep, err := VerifyBinary(prog)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Problems {
				if strings.Contains(p, tt.want) {
					t.Logf("rejected: %s", p)
					return
				}
			}
			t.Errorf("no problem contains %q; problems:\n%s", tt.want, strings.Join(rep.Problems, "\n"))
		})
	}

	t.Run("bad_magic", func(t *testing.T) {
		prog := linkHand(t, dir, "magic", strings.Replace(src, "0x5054504f", "0x5054504e", 1))
		if _, err := VerifyBinary(prog); err == nil || !strings.Contains(err.Error(), "bad magic") {
			t.Errorf("err = %v, want bad magic", err)
		}
	})
	t.Run("no_table", func(t *testing.T) {
		prog := linkHand(t, dir, "notable", strings.Replace(src, "optpoline_sites,", "not_the_table,", 1))
		rep, err := VerifyBinary(prog)
		if err != nil || rep.Entries != 0 || len(rep.Problems) != 0 {
			t.Errorf("VerifyBinary = %+v, %v; want an empty report", rep, err)
		}
	})
	t.Run("not_elf", func(t *testing.T) {
		if _, err := VerifyBinary(handFile); err == nil {
			t.Error("VerifyBinary accepted an assembly file")
		}
	})
}

// mutate replaces the line carrying "# MUT:marker".
func mutate(src, marker, line string) (string, bool) {
	lines := strings.Split(src, "\n")
	found := false
	for i, l := range lines {
		if strings.HasSuffix(l, "# MUT:"+marker) {
			lines[i] = line
			found = true
		}
	}
	return strings.Join(lines, "\n"), found
}

func TestPlaceholderReg(t *testing.T) {
	for name, want := range map[string]int{
		"__x86_indirect_thunk_rax":    0,
		"__x86_indirect_thunk_nt_r11": 11,
		"__llvm_retpoline_r11":        11,
		"optpoline.jmp.r15":           15,
		"__optpoline_learn_rdi":       7,
		"optpoline.out.3":             -1,
	} {
		if got := placeholderReg(name); got != want {
			t.Errorf("placeholderReg(%q) = %d, want %d", name, got, want)
		}
	}
}
