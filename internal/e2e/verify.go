// Package e2e proves the markup pass end to end: it marks up every unit of
// the compiler-output corpus, links and runs the result against the
// reference output, and checks the linked optpoline_sites table against
// the code bytes of the program (VerifyBinary).
package e2e

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/abi"
)

// Report is what VerifyBinary found in one linked program.
type Report struct {
	Fragments int            // table fragments (one per object file with sites)
	Entries   int            // site entries
	ByFlag    map[string]int // entries per flag name (FlagNames); "none" counts entries without flags
	Outlined  int            // entries with an outline block (dispatch entries never count)
	Problems  []string       // every mismatch between the table and the code, one line each
}

// FlagNames names the flag bits of an entry, as counted in Report.ByFlag.
var FlagNames = []struct {
	Bit  uint8
	Name string
}{
	{abi.FlagTail, "tail"},
	{abi.FlagFromMem, "from_mem"},
	{abi.FlagFromThunk, "from_thunk"},
	{abi.FlagKernel, "kernel"},
	{abi.FlagStatic, "static"},
	{abi.FlagNotrack, "notrack"},
	{abi.FlagDispatch, "dispatch"},
}

const knownFlags = abi.FlagTail | abi.FlagFromMem | abi.FlagFromThunk | abi.FlagKernel | abi.FlagStatic | abi.FlagNotrack | abi.FlagDispatch

// regNames are the 64-bit registers by ModRM number.
var regNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

const r11 = 11

func regName(r int) string {
	if r >= 0 && r < len(regNames) {
		return "%" + regNames[r]
	}
	return fmt.Sprintf("reg%d", r)
}

// PlaceholderName reports whether a symbol may be the target of an
// unpromoted hit call: a retpoline thunk, an optpoline stub
// (optpoline.*) or the runtime's learning stub (__optpoline_*).
func PlaceholderName(name string) bool {
	for _, p := range []string{"__x86_indirect_thunk_", "__llvm_retpoline_", "optpoline.", "__optpoline_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// placeholderReg returns the register a placeholder name is for (its
// suffix after the last '_' or '.'), or -1 when the name names none.
func placeholderReg(name string) int {
	i := strings.LastIndexAny(name, "_.")
	suf := name[i+1:]
	for r, n := range regNames {
		if suf == n {
			return r
		}
	}
	return -1
}

// image is a linked ELF file with its allocated sections' bytes.
type image struct {
	f     *elf.File
	secs  []*elf.Section // SHF_ALLOC sections with an address
	data  map[*elf.Section][]byte
	syms  map[uint64][]string // symbol names by address
	funcs []elf.Symbol        // STT_FUNC symbols sorted by address
}

func openImage(path string) (*image, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 {
		f.Close()
		return nil, fmt.Errorf("%s: not an x86-64 ELF64 file", path)
	}
	im := &image{f: f, data: map[*elf.Section][]byte{}, syms: map[uint64][]string{}}
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC != 0 && s.Size > 0 {
			im.secs = append(im.secs, s)
		}
	}
	syms, err := f.Symbols()
	if err != nil && err != elf.ErrNoSymbols {
		f.Close()
		return nil, err
	}
	for _, s := range syms {
		if s.Name == "" || s.Section == elf.SHN_UNDEF {
			continue
		}
		switch elf.ST_TYPE(s.Info) {
		case elf.STT_SECTION, elf.STT_FILE, elf.STT_TLS:
			continue
		case elf.STT_FUNC:
			im.funcs = append(im.funcs, s)
		}
		im.syms[s.Value] = append(im.syms[s.Value], s.Name)
	}
	sort.Slice(im.funcs, func(i, j int) bool { return im.funcs[i].Value < im.funcs[j].Value })
	return im, nil
}

// section returns the allocated section holding addr, or nil.
func (im *image) section(addr uint64) *elf.Section {
	for _, s := range im.secs {
		if addr >= s.Addr && addr-s.Addr < s.Size {
			return s
		}
	}
	return nil
}

func (im *image) sectionData(s *elf.Section) ([]byte, error) {
	if b, ok := im.data[s]; ok {
		return b, nil
	}
	b, err := s.Data()
	if err != nil {
		return nil, err
	}
	im.data[s] = b
	return b, nil
}

// bytesAt returns the file bytes of [addr, addr+n) when they lie in one
// allocated section with contents (not SHT_NOBITS).
func (im *image) bytesAt(addr uint64, n int) ([]byte, error) {
	s := im.section(addr)
	if s == nil {
		return nil, fmt.Errorf("%#x is in no allocated section", addr)
	}
	if s.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("%#x is in %s, which has no file contents", addr, s.Name)
	}
	if addr-s.Addr+uint64(n) > s.Size {
		return nil, fmt.Errorf("%#x+%d runs past the end of %s", addr, n, s.Name)
	}
	b, err := im.sectionData(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", s.Name, err)
	}
	off := addr - s.Addr
	return b[off : off+uint64(n)], nil
}

// exec reports whether addr is in an executable section.
func (im *image) exec(addr uint64) bool {
	s := im.section(addr)
	return s != nil && s.Flags&elf.SHF_EXECINSTR != 0
}

// placeholder returns the placeholder-named symbol at addr, or "".
func (im *image) placeholder(addr uint64) string {
	for _, n := range im.syms[addr] {
		if PlaceholderName(n) {
			return n
		}
	}
	return ""
}

// symbolize names addr as func+off, or a hex address.
func (im *image) symbolize(addr uint64) string {
	i := sort.Search(len(im.funcs), func(i int) bool { return im.funcs[i].Value > addr }) - 1
	if i >= 0 {
		f := im.funcs[i]
		if addr-f.Value < f.Size || f.Size == 0 && addr-f.Value < 1<<16 {
			return fmt.Sprintf("%s+%#x", f.Name, addr-f.Value)
		}
	}
	if ns := im.syms[addr]; len(ns) > 0 {
		return ns[0]
	}
	return fmt.Sprintf("%#x", addr)
}

func (im *image) cString(addr uint64) string {
	s := im.section(addr)
	if s == nil || s.Type == elf.SHT_NOBITS {
		return ""
	}
	b, err := im.sectionData(s)
	if err != nil {
		return ""
	}
	b = b[addr-s.Addr:]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Site is what VerifyBinary decoded at one table entry (for tests that
// cross-check the decoder).
type Site struct {
	abi.ResolvedEntry
	Fragment  string // the fragment's name string
	Func      string // symbolized SiteAt
	MovAt     uint64 // the movq MEM, %r11 before the site, or 0
	CmpReg    int    // register compared by the cmpq
	CmpSlot   uint64 // rip-relative operand of the cmpq
	JeTarget  uint64
	Fallback  uint64 // address of the fallback branch
	FallTo    uint64 // its direct target, 0 when indirect
	HitTarget uint64 // the hit call's target
	HitSym    string // the placeholder symbol there
	Outline   []OutlineEntry
	FinalTo   uint64 // the outline block's final jmp target
}

// OutlineEntry is one decoded entry of an outline block.
type OutlineEntry struct {
	At, Slot, JeTarget uint64
}

// VerifyBinary checks every entry of the optpoline_sites table of a linked
// program against its code and data (see sites.md §2–4):
//
//   - SiteAt, in an executable section, is cmpq disp32(%rip), %REG
//     (REX.W 3B, ModRM mod 00 rm 101) with REG == Entry.Reg and the rip
//     target == SlotAt, then je rel8 (74) to CallAt;
//   - the fallback after the je is a call (for tail sites a jmp, or a call
//     to the runtime's tail learning stub __optpoline_learn_tail_*), direct to
//     OutlineAt when there is an outline block, followed (non-tail) by a
//     jmp to just past the hit call and 0xCC padding up to CallAt;
//   - CallAt is E8 (E9 for FlagTail) with its rel32 4-aligned, and its
//     target is a placeholder symbol (PlaceholderName) for REG;
//   - SlotAt is 8-aligned in a writable, non-executable section with file
//     contents and holds abi.Sentinel (a FlagStatic slot holds the hit
//     target instead); no two entries share a site or a slot;
//   - with FlagFromMem, the instruction ending at SiteAt is movq MEM, %r11
//     and REG is %r11;
//   - OutlineAt, when nonzero, is an executable optpoline.* symbol holding
//     NOut entries cmpq slot(%rip), %REG; nopl (%rax); je rel32 (rel32
//     4-aligned, slots as above, targets a placeholder or inside the
//     block, or for FlagStatic executable code that the slot holds), then nopl (%rax) or xchg %ax,%ax; [cs] jmp rel32 (4-aligned, to
//     executable code) or the original jmp *%REG;
//   - reserved bytes are 0, flags known, and no dynamic relocation applies
//     to the table.
//
// A program without a table gives an empty report. The error is for files
// that cannot be read or tables that do not decode.
func VerifyBinary(path string) (Report, error) {
	r, _, err := verify(path)
	return r, err
}

func verify(path string) (Report, []Site, error) {
	rep := Report{ByFlag: map[string]int{}}
	im, err := openImage(path)
	if err != nil {
		return rep, nil, err
	}
	defer im.f.Close()
	tab := im.f.Section(abi.TableSection)
	if tab == nil {
		tab = im.f.Section(abi.KernelTableSection) // a kernel: vmlinux
	}
	if tab == nil {
		return rep, nil, nil
	}
	v := &verifier{im: im, rep: &rep, slots: map[uint64]string{}, sites: map[uint64]bool{}}
	if tab.Flags&elf.SHF_ALLOC == 0 || tab.Flags&(elf.SHF_WRITE|elf.SHF_EXECINSTR) != 0 || tab.Type != elf.SHT_PROGBITS {
		v.problem("section %s: type %v flags %v, want PROGBITS with flags SHF_ALLOC only", tab.Name, tab.Type, tab.Flags)
	}
	if tab.Addr%abi.Align != 0 {
		v.problem("section %s at %#x is not %d-aligned", tab.Name, tab.Addr, abi.Align)
	}
	data, err := tab.Data()
	if err != nil {
		return rep, nil, fmt.Errorf("%s: %s: %v", path, tab.Name, err)
	}
	frs, err := abi.Decode(data, tab.Addr)
	if err != nil {
		return rep, nil, fmt.Errorf("%s: %s: %v", path, tab.Name, err)
	}
	v.dynRelocs(tab)
	var sites []Site
	rep.Fragments = len(frs)
	for _, fr := range frs {
		name := im.cString(fr.NameAt)
		if name == "" {
			v.problem("fragment at %#x: name %#x is not a non-empty string", fr.Addr, fr.NameAt)
		}
		for _, e := range fr.Entries {
			rep.Entries++
			if e.Flags == 0 {
				rep.ByFlag["none"]++
			}
			for _, f := range FlagNames {
				if e.Flags&f.Bit != 0 {
					rep.ByFlag[f.Name]++
				}
			}
			if e.OutlineAt != 0 && e.Flags&abi.FlagDispatch == 0 {
				rep.Outlined++ // (a dispatch entry's OutlineAt is its label set)
			}
			sites = append(sites, v.entry(name, e))
		}
	}
	return rep, sites, nil
}

type verifier struct {
	im    *image
	rep   *Report
	slots map[uint64]string // slot address → who uses it
	sites map[uint64]bool
	where string // prefix of problems for the current entry
}

func (v *verifier) problem(format string, args ...any) {
	v.rep.Problems = append(v.rep.Problems, v.where+fmt.Sprintf(format, args...))
}

// dynRelocs reports dynamic relocations that apply to the table: it must
// be position-independent by construction.
func (v *verifier) dynRelocs(tab *elf.Section) {
	for _, s := range v.im.f.Sections {
		if s.Type != elf.SHT_RELA || s.Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		b, err := s.Data()
		if err != nil {
			continue
		}
		for i := 0; i+24 <= len(b); i += 24 {
			off := binary.LittleEndian.Uint64(b[i:])
			if off >= tab.Addr && off-tab.Addr < tab.Size {
				v.problem("%s: dynamic relocation at %#x in %s", s.Name, off, tab.Name)
			}
		}
	}
}

func (v *verifier) entry(frag string, e abi.ResolvedEntry) Site {
	im := v.im
	st := Site{ResolvedEntry: e, Fragment: frag, Func: im.symbolize(e.SiteAt), CmpReg: -1}
	v.where = fmt.Sprintf("%s: site %s (%#x, id %d, reg %s, flags %#x): ", frag, st.Func, e.SiteAt, e.ID, regName(int(e.Reg)), e.Flags)
	defer func() { v.where = "" }()
	tail := e.Flags&abi.FlagTail != 0
	static := e.Flags&abi.FlagStatic != 0

	if e.Reg > 15 {
		v.problem("register number %d > 15", e.Reg)
	}
	if e.Reserved != 0 {
		v.problem("reserved byte is %d, want 0", e.Reserved)
	}
	if e.Flags&^knownFlags != 0 {
		v.problem("unknown flag bits %#x", e.Flags&^knownFlags)
	}
	if e.OutlineAt == 0 && e.NOut != 0 && e.Flags&abi.FlagDispatch == 0 {
		v.problem("nout %d without an outline block", e.NOut)
	}
	if v.sites[e.SiteAt] {
		v.problem("two entries for the same site")
	}
	v.sites[e.SiteAt] = true
	if e.Flags&abi.FlagDispatch != 0 {
		v.dispatch(&st)
		return st
	}

	// The inline part: cmpq slot(%rip), %REG; je hit.
	if !im.exec(e.SiteAt) {
		v.problem("site %#x is not in an executable section", e.SiteAt)
		return st
	}
	if s := im.section(e.CallAt); s != im.section(e.SiteAt) || e.CallAt <= e.SiteAt || e.CallAt-e.SiteAt > 64 {
		v.problem("hit call %#x is not just after the site in the same section", e.CallAt)
		return st
	}
	code, err := im.bytesAt(e.SiteAt, int(e.CallAt-e.SiteAt)+5)
	if err != nil {
		v.problem("%v", err)
		return st
	}
	reg, slot, ok := decodeCmpRIP(code, e.SiteAt)
	if !ok {
		v.problem("site does not start with cmpq disp32(%%rip), %%REG: % x", code[:min(7, len(code))])
		return st
	}
	st.CmpReg, st.CmpSlot = reg, slot
	if reg != int(e.Reg) {
		v.problem("cmpq compares %s, entry says %s", regName(reg), regName(int(e.Reg)))
	}
	if slot != e.SlotAt {
		v.problem("cmpq reads %#x, entry slot is %#x", slot, e.SlotAt)
	}
	if len(code) < 9 || code[7] != 0x74 {
		v.problem("no je rel8 (74) after the cmpq: % x", code[7:min(9, len(code))])
		return st
	}
	st.JeTarget = e.SiteAt + 9 + uint64(int64(int8(code[8])))
	if st.JeTarget != e.CallAt {
		v.problem("je goes to %#x, entry call is %#x", st.JeTarget, e.CallAt)
	}

	// The fallback branch, the jump over the hit call, the padding.
	v.fallback(&st, code, tail)

	// The hit call.
	hit := code[e.CallAt-e.SiteAt:]
	want := byte(0xE8)
	if tail {
		want = 0xE9
	}
	if hit[0] != want {
		v.problem("hit branch at %#x is %#02x, want %#02x (tail=%v)", e.CallAt, hit[0], want, tail)
	}
	if (e.CallAt+1)%4 != 0 {
		v.problem("hit rel32 at %#x is not 4-byte aligned", e.CallAt+1)
	}
	st.HitTarget = e.CallAt + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(hit[1:]))))
	switch {
	case static:
		// The slot names the target; checked with the slot.
	case hit[0] != 0xE8 && hit[0] != 0xE9:
	default:
		st.HitSym = im.placeholder(st.HitTarget)
		if st.HitSym == "" {
			v.problem("hit branch goes to %s, not to a placeholder (thunk or optpoline stub)", im.symbolize(st.HitTarget))
		} else if pr := placeholderReg(st.HitSym); pr >= 0 && pr != int(e.Reg) {
			v.problem("hit branch goes to %s, the placeholder for %s", st.HitSym, regName(pr))
		}
	}

	// The slot.
	v.slot(e.SlotAt, "slot", static, st.HitTarget)

	// A memory operand is loaded into %r11 just before the site.
	if e.Flags&abi.FlagFromMem != 0 {
		if e.Reg != r11 {
			v.problem("FROM_MEM site compares %s, want %%r11", regName(int(e.Reg)))
		}
		st.MovAt = v.movR11Before(e.SiteAt)
		if st.MovAt == 0 {
			v.problem("FROM_MEM, but the instruction before the site is not movq MEM, %%r11")
		}
	}

	if e.OutlineAt != 0 {
		v.outline(&st)
	}
	return st
}

// decodeCmpRIP decodes cmpq disp32(%rip), %REG at b (address at).
func decodeCmpRIP(b []byte, at uint64) (reg int, target uint64, ok bool) {
	if len(b) < 7 || (b[0] != 0x48 && b[0] != 0x4C) || b[1] != 0x3B || b[2]&0xC7 != 0x05 {
		return 0, 0, false
	}
	reg = int(b[2]>>3&7) | int(b[0]&4)<<1
	return reg, at + 7 + uint64(int64(int32(binary.LittleEndian.Uint32(b[3:])))), true
}

// fallback checks the branch between the je and the hit call.
func (v *verifier) fallback(st *Site, code []byte, tail bool) {
	e := st.ResolvedEntry
	p := 9
	end := int(e.CallAt - e.SiteAt)
	for p < end && (code[p] == 0x2E || code[p] == 0x3E) { // cs, notrack
		p++
	}
	st.Fallback = e.SiteAt + uint64(p)
	if p >= end {
		v.problem("no fallback branch between the je and the hit call")
		return
	}
	var isCall, isJmp bool
	switch op := code[p]; {
	case op == 0xE8 || op == 0xE9:
		if p+5 > end {
			v.problem("fallback at %#x runs into the hit call", st.Fallback)
			return
		}
		isCall, isJmp = op == 0xE8, op == 0xE9
		st.FallTo = st.Fallback + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(code[p+1:]))))
		p += 5
		if !v.im.exec(st.FallTo) {
			v.problem("fallback goes to %#x, outside executable code", st.FallTo)
		}
	default:
		// call/jmp *REG or *MEM: [REX] FF /2 or /4
		q := p
		rexB := 0
		if code[q]&0xF0 == 0x40 {
			rexB = int(code[q] & 1)
			q++
		}
		if q+1 >= end || code[q] != 0xFF {
			v.problem("fallback at %#x is not a call or jmp: % x", st.Fallback, code[p:min(p+6, end)])
			return
		}
		ext := int(code[q+1] >> 3 & 7)
		isCall, isJmp = ext == 2, ext == 4
		n, ok := modrmLen(code[q+1:])
		if !ok || !(isCall || isJmp) || q+1+n > end {
			v.problem("fallback at %#x is not a call or jmp: % x", st.Fallback, code[p:min(p+6, end)])
			return
		}
		if code[q+1]>>6 == 3 {
			if rm := int(code[q+1]&7) | rexB<<3; rm != int(e.Reg) {
				v.problem("fallback branches through %s, the site compares %s", regName(rm), regName(int(e.Reg)))
			}
		}
		p = q + 1 + n
	}
	// A learning tail site calls the runtime's tail learning stub, which
	// pops the address its call pushes.
	tailLearn := tail && isCall && strings.HasPrefix(v.im.symbolize(st.FallTo), "__optpoline_learn_tail_")
	if tail && !isJmp && !tailLearn || !tail && !isCall {
		v.problem("fallback at %#x is a %s, want a %s", st.Fallback, map[bool]string{true: "call", false: "jmp"}[isCall],
			map[bool]string{true: "jmp (tail site)", false: "call"}[tail])
	}
	if e.OutlineAt != 0 && st.FallTo != e.OutlineAt {
		v.problem("fallback goes to %s, the entry's outline block is %s", v.im.symbolize(st.FallTo), v.im.symbolize(e.OutlineAt))
	}
	if !tail {
		var to uint64
		switch {
		case p+2 <= end && code[p] == 0xEB:
			to = e.SiteAt + uint64(p) + 2 + uint64(int64(int8(code[p+1])))
			p += 2
		case p+5 <= end && code[p] == 0xE9:
			to = e.SiteAt + uint64(p) + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(code[p+1:]))))
			p += 5
		default:
			v.problem("no jmp over the hit call after the fallback at %#x", e.SiteAt+uint64(p))
			return
		}
		if to != e.CallAt+5 {
			v.problem("the jmp after the fallback goes to %#x, want %#x (just past the hit call)", to, e.CallAt+5)
		}
	}
	for ; p < end; p++ {
		if code[p] != 0xCC {
			v.problem("padding before the hit call is not 0xcc at %#x: %#02x", e.SiteAt+uint64(p), code[p])
			return
		}
	}
}

// modrmLen returns the length of a ModRM byte with its SIB and
// displacement (b starts at the ModRM byte).
func modrmLen(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	mod, rm := b[0]>>6, b[0]&7
	n := 1
	if mod == 3 {
		return 1, true
	}
	if rm == 4 {
		if len(b) < 2 {
			return 0, false
		}
		n++
		if mod == 0 && b[1]&7 == 5 {
			n += 4
		}
	} else if mod == 0 && rm == 5 {
		n += 4
	}
	switch mod {
	case 1:
		n++
	case 2:
		n += 4
	}
	return n, len(b) >= n
}

// movR11Before finds movq MEM, %r11 ([seg/addr prefixes] REX.WR 8B
// ModRM(mod != 11, reg 011) [SIB] [disp]) ending exactly at addr and
// returns its address, or 0.
func (v *verifier) movR11Before(addr uint64) uint64 {
	s := v.im.section(addr)
	if s == nil {
		return 0
	}
	for n := 3; n <= 15; n++ {
		if addr-s.Addr < uint64(n) {
			break
		}
		b, err := v.im.bytesAt(addr-uint64(n), n)
		if err != nil {
			break
		}
		p := 0
		for p < len(b) && (b[p] == 0x64 || b[p] == 0x65 || b[p] == 0x67 || b[p] == 0x2E || b[p] == 0x3E || b[p] == 0x26 || b[p] == 0x36) {
			p++
		}
		if p+3 > len(b) || b[p]&0xFC != 0x4C || b[p+1] != 0x8B || b[p+2]>>6 == 3 || b[p+2]>>3&7 != 3 {
			continue
		}
		if l, ok := modrmLen(b[p+2:]); ok && p+2+l == len(b) {
			// The shortest match leaves out a %fs:/%gs: prefix before it.
			at := addr - uint64(n)
			for at > s.Addr {
				if pb, err := v.im.bytesAt(at-1, 1); err != nil || pb[0] != 0x64 && pb[0] != 0x65 {
					break
				}
				at--
			}
			return at
		}
	}
	return 0
}

// slot checks an 8-byte slot: writable data holding the sentinel, or, for
// a static site, the hit target; used by one site only.
func (v *verifier) slot(at uint64, what string, static bool, target uint64) {
	if prev, dup := v.slots[at]; dup {
		v.problem("%s %#x is also used by %s", what, at, prev)
	}
	v.slots[at] = v.where + what
	s := v.im.section(at)
	switch {
	case s == nil:
		v.problem("%s %#x is in no allocated section", what, at)
		return
	case s.Flags&elf.SHF_WRITE == 0:
		v.problem("%s %#x is in %s, which is not writable", what, at, s.Name)
	case s.Flags&elf.SHF_EXECINSTR != 0:
		v.problem("%s %#x is in %s, which is executable", what, at, s.Name)
	}
	if at%8 != 0 {
		v.problem("%s %#x is not 8-byte aligned", what, at)
	}
	if s.Type == elf.SHT_NOBITS {
		v.problem("%s %#x is in %s (NOBITS): it reads 0, want the sentinel %#x", what, at, s.Name, abi.Sentinel)
		return
	}
	b, err := v.im.bytesAt(at, 8)
	if err != nil {
		v.problem("%s: %v", what, err)
		return
	}
	val := binary.LittleEndian.Uint64(b)
	switch {
	case static && val != target:
		v.problem("static %s %#x holds %#x, the hit call goes to %#x", what, at, val, target)
	case !static && val != abi.Sentinel:
		v.problem("%s %#x in %s holds %#x, want the sentinel %#x", what, at, s.Name, val, abi.Sentinel)
	}
}

// outline checks the outline block of an entry.
func (v *verifier) outline(st *Site) {
	e := st.ResolvedEntry
	at := e.OutlineAt
	if !v.im.exec(at) {
		v.problem("outline block %#x is not in an executable section", at)
		return
	}
	named := false
	for _, n := range v.im.syms[at] {
		named = named || strings.HasPrefix(n, "optpoline.")
	}
	if !named {
		v.problem("outline block %s has no optpoline.* symbol", v.im.symbolize(at))
	}
	size := 16*int(e.NOut) + 10 // entries, nopl, up to 7 bytes of jmp
	if s := v.im.section(at); s != nil && s.Addr+s.Size-at < uint64(size) {
		size = int(s.Addr + s.Size - at)
	}
	b, err := v.im.bytesAt(at, size)
	if err != nil {
		v.problem("outline block: %v", err)
		return
	}
	if len(b) < 16*int(e.NOut)+5 {
		v.problem("outline block at %#x runs past the end of its section", at)
		return
	}
	end := at + 16*uint64(e.NOut) + 3
	for k := range int(e.NOut) {
		ea := at + 16*uint64(k)
		eb := b[16*k:]
		reg, slot, ok := decodeCmpRIP(eb, ea)
		if !ok || !bytes.Equal(eb[7:10], []byte{0x0F, 0x1F, 0x00}) || eb[10] != 0x0F || eb[11] != 0x84 {
			v.problem("outline entry %d at %#x is not cmpq disp32(%%rip), %%REG; nopl (%%rax); je rel32: % x", k, ea, eb[:16])
			continue
		}
		if reg != int(e.Reg) {
			v.problem("outline entry %d compares %s, entry says %s", k, regName(reg), regName(int(e.Reg)))
		}
		if (ea+12)%4 != 0 {
			v.problem("outline entry %d: je rel32 at %#x is not 4-byte aligned", k, ea+12)
		}
		to := ea + 16 + uint64(int64(int32(binary.LittleEndian.Uint32(eb[12:]))))
		st.Outline = append(st.Outline, OutlineEntry{At: ea, Slot: slot, JeTarget: to})
		switch static := e.Flags&abi.FlagStatic != 0; {
		case static:
			// A profiled target: the slot holds it.
			if !v.im.exec(to) {
				v.problem("static outline entry %d: je goes to %#x, outside executable code", k, to)
			}
		case (to < at || to >= end) && v.im.placeholder(to) == "":
			v.problem("outline entry %d: je goes to %s, not to a placeholder or into the block", k, v.im.symbolize(to))
		}
		v.slot(slot, fmt.Sprintf("outline slot %d", k), e.Flags&abi.FlagStatic != 0, to)
	}
	fb := b[16*int(e.NOut):]
	fa := at + 16*uint64(e.NOut)
	// A nop (nopl (%rax), or xchg %ax,%ax before a cs-prefixed jmp) puts the
	// final jmp's rel32 on a 4-byte boundary.
	var p int
	switch {
	case bytes.Equal(fb[:3], []byte{0x0F, 0x1F, 0x00}):
		p = 3
	case bytes.Equal(fb[:2], []byte{0x66, 0x90}):
		p = 2
	default:
		v.problem("outline block ends at %#x with % x, want nopl (%%rax); jmp", fa, fb)
		return
	}
	// The final jmp: a direct jmp rel32 (thunk, stub or learning stub) whose
	// rel32 is 4-aligned, so the runtime can retarget it with one store. A
	// learning tail site's block ends in a call to the tail learning stub
	// instead (which pops the address it pushes); a call site's never does.
	for p < len(fb) && (fb[p] == 0x2E || fb[p] == 0x3E) {
		p++
	}
	rex := 0
	if p < len(fb) && fb[p]&0xF0 == 0x40 {
		rex = int(fb[p])
		p++
	}
	switch {
	case rex == 0 && p < len(fb) && (fb[p] == 0xE9 || fb[p] == 0xE8 && e.Flags&abi.FlagTail != 0):
		rb, err := v.im.bytesAt(fa+uint64(p)+1, 4)
		if err != nil {
			v.problem("outline final jmp: %v", err)
			return
		}
		if (fa+uint64(p)+1)%4 != 0 {
			v.problem("outline final jmp rel32 at %#x is not 4-byte aligned", fa+uint64(p)+1)
		}
		st.FinalTo = fa + uint64(p) + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(rb))))
		if !v.im.exec(st.FinalTo) {
			v.problem("outline final jmp goes to %#x, outside executable code", st.FinalTo)
		}
	case p+1 < len(fb) && fb[p] == 0xFF && fb[p+1]&0xF8 == 0xE0:
		if rm := int(fb[p+1]&7) | (rex&1)<<3; rm != int(e.Reg) {
			v.problem("outline final jmp goes through %s, the site compares %s", regName(rm), regName(int(e.Reg)))
		}
	default:
		v.problem("outline block ends at %#x with % x, want nopl (%%rax); jmp rel32 or jmp *%s", fa, fb, regName(int(e.Reg)))
	}
}
