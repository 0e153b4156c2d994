package e2e

import (
	"debug/elf"
	"encoding/binary"
	"strings"

	"github.com/optpoline/optpoline/abi"
)

// dispatch checks a dispatch entry (abi.FlagDispatch, sites.md §7) in the
// linked image:
//
//   - OutlineAt is the label set, in a read-only section: a u32 count > 0
//     and that many PC-relative label addresses, each in executable code;
//   - SiteAt is cmpq disp32(%rip), %REG with REG == Entry.Reg reading
//     SlotAt;
//   - a funnel (FlagStatic) has NOut 0 and its slot holds a label of the
//     set; CallAt is its fallback: jmp rel32 (to a thunk for REG) or
//     jmp *%REG, with cs/notrack prefixes;
//   - a learned site has NOut entries of 16 bytes from SiteAt (cmpq
//     slot(%rip), %REG; nopl (%rax); je rel32 with the rel32 4-aligned),
//     each slot 8-aligned, writable and at the sentinel, each je to a
//     placeholder for REG; CallAt is a call to the learning code for REG
//     (__optpoline_learn_jump_*) or the fallback jmp.
func (v *verifier) dispatch(st *Site) {
	im := v.im
	e := st.ResolvedEntry
	if !im.exec(e.SiteAt) {
		v.problem("dispatch site %#x is not in an executable section", e.SiteAt)
		return
	}
	// The label set.
	labels := map[uint64]bool{}
	if s := im.section(e.OutlineAt); s == nil || s.Flags&(elf.SHF_WRITE|elf.SHF_EXECINSTR) != 0 {
		v.problem("label set %#x is not in a read-only data section", e.OutlineAt)
	} else if b, err := im.bytesAt(e.OutlineAt, 4); err != nil {
		v.problem("label set: %v", err)
	} else {
		n := binary.LittleEndian.Uint32(b)
		if n == 0 {
			v.problem("label set %#x is empty", e.OutlineAt)
		}
		body, err := im.bytesAt(e.OutlineAt+4, int(4*n))
		if err != nil {
			v.problem("label set: %v", err)
		}
		for k := 0; k+4 <= len(body); k += 4 {
			at := e.OutlineAt + 4 + uint64(k)
			l := at + uint64(int64(int32(binary.LittleEndian.Uint32(body[k:]))))
			if !im.exec(l) {
				v.problem("label %#x of the set is not in executable code", l)
			}
			labels[l] = true
		}
	}
	static := e.Flags&abi.FlagStatic != 0
	entries := 1
	if !static {
		entries = int(e.NOut)
		if entries == 0 {
			v.problem("learned dispatch site with no entries")
			return
		}
	} else if e.NOut != 0 {
		v.problem("funnel with nout %d, want 0", e.NOut)
	}
	code, err := im.bytesAt(e.SiteAt, 16*entries)
	if err != nil {
		v.problem("%v", err)
		return
	}
	for k := 0; k < entries; k++ {
		at := e.SiteAt + uint64(16*k)
		reg, slot, ok := decodeCmpRIP(code[16*k:], at)
		if !ok {
			v.problem("entry %d at %#x does not start with cmpq disp32(%%rip), %%REG", k, at)
			return
		}
		if k == 0 {
			st.CmpReg, st.CmpSlot = reg, slot
			if slot != e.SlotAt {
				v.problem("cmpq reads %#x, entry slot is %#x", slot, e.SlotAt)
			}
		}
		if reg != int(e.Reg) {
			v.problem("cmpq compares %s, entry says %s", regName(reg), regName(int(e.Reg)))
		}
		sec := im.section(slot)
		b, err := im.bytesAt(slot, 8)
		if sec == nil || err != nil || sec.Flags&elf.SHF_EXECINSTR != 0 || slot%8 != 0 {
			v.problem("slot %#x is not 8 aligned bytes of data", slot)
			continue
		}
		val := binary.LittleEndian.Uint64(b)
		if static {
			if !labels[val] {
				v.problem("funnel slot %#x holds %#x, not a label of the set", slot, val)
			}
			break
		}
		if sec.Flags&elf.SHF_WRITE == 0 || val != abi.Sentinel {
			v.problem("learned slot %#x is not writable or holds %#x, not the sentinel", slot, val)
		}
		e16 := code[16*k:]
		if string(e16[7:12]) != "\x0f\x1f\x00\x0f\x84" || (at+12)%4 != 0 {
			v.problem("entry %d at %#x is not cmpq; nopl (%%rax); je rel32 with the rel32 4-aligned: % x", k, at, e16[:16])
			continue
		}
		to := at + 16 + uint64(int64(int32(binary.LittleEndian.Uint32(e16[12:]))))
		st.Outline = append(st.Outline, OutlineEntry{At: at, Slot: slot, JeTarget: to})
		sym := im.placeholder(to)
		if sym == "" {
			v.problem("entry %d's je goes to %s, not a placeholder", k, im.symbolize(to))
		} else if pr := placeholderReg(sym); pr >= 0 && pr != int(e.Reg) {
			v.problem("entry %d's je goes to %s, the placeholder for %s", k, sym, regName(pr))
		}
	}
	// The miss branch.
	b, err := im.bytesAt(e.CallAt, 16)
	if err != nil || !im.exec(e.CallAt) {
		v.problem("miss branch %#x is not in executable code", e.CallAt)
		return
	}
	p := 0
	for b[p] == 0x2E || b[p] == 0x3E {
		p++
	}
	switch {
	case b[p] == 0xE8 && !static:
		to := e.CallAt + uint64(p) + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p+1:]))))
		sym := im.placeholder(to)
		if !strings.HasPrefix(sym, "__optpoline_learn_jump_") || placeholderReg(sym) != int(e.Reg) {
			v.problem("the learning call goes to %s, not the learning code for %s", im.symbolize(to), regName(int(e.Reg)))
		}
		st.FallTo = to
	case b[p] == 0xE9:
		to := e.CallAt + uint64(p) + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p+1:]))))
		if sym := im.placeholder(to); sym == "" || placeholderReg(sym) != int(e.Reg) {
			v.problem("the fallback jumps to %s, not a thunk for %s", im.symbolize(to), regName(int(e.Reg)))
		}
		st.FallTo = to
	default:
		rex := 0
		if b[p]&0xF0 == 0x40 {
			rex = int(b[p] & 1)
			p++
		}
		if b[p] != 0xFF || b[p+1]>>6 != 3 || b[p+1]>>3&7 != 4 || int(b[p+1]&7)|rex<<3 != int(e.Reg) {
			v.problem("the fallback at %#x is not jmp *%s: % x", e.CallAt, regName(int(e.Reg)), b[:6])
		}
	}
	st.Fallback = e.CallAt
}
