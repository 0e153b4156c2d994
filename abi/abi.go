// Package abi freezes the contract between the markup pass, the runtime and
// the validator: the layout of the optpoline_sites table (ABI v1), its flag
// bits, the slot sentinel and the names of the sections and symbols the
// markup pass emits. runtime/optpoline.h mirrors it; tests check both.
//
// Every address in the table is PC-relative (the field's own address plus
// its signed value), so tables need no dynamic relocations in PIE, shared
// objects or the kernel.
package abi

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// Magic opens every table fragment: the bytes "OPTP".
	Magic uint32 = 'O' | 'P'<<8 | 'T'<<16 | 'P'<<24
	// Version is the ABI version in every header.
	Version = 1
	// HeaderSize and EntrySize are the sizes in bytes of a fragment header
	// and of one site entry.
	HeaderSize = 16
	EntrySize  = 24
	// Align is the alignment of every fragment.
	Align = 8

	// Sentinel is the value of an unpromoted slot: non-canonical, so no
	// register of a working program ever equals it.
	Sentinel uint64 = 0x8000000000000000
)

// Section and symbol names.
const (
	TableSection   = "optpoline_sites" // a C identifier: ld defines __start_/__stop_optpoline_sites
	SlotSection    = ".data.optpoline" // writable slots, 8-aligned
	OutlineSection = ".text.optpoline" // outline blocks and fallback stubs
	IgnoreSection  = ".discard.optpoline_ignore"
	StartSymbol    = "__start_optpoline_sites"
	StopSymbol     = "__stop_optpoline_sites"
)

// Kernel mode's section names. The kernel's linker script places only the
// sections it names; ld warns about every other one (--orphan-handling=warn)
// and places it where the kernel does not expect code or data: after
// _etext, code is mapped no-execute. So kernel mode writes into sections
// that script already keeps (Linux 6.1, include/asm-generic/vmlinux.lds.h):
const (
	// KernelTableSection is the ELF-reserved name RO_DATA() gives an output
	// section of its own and the kernel's code never uses: in vmlinux it
	// holds the site table alone, contiguous (no __start/__stop symbols;
	// a consumer in the kernel needs a line in the linker script).
	KernelTableSection = ".rodata1"
	// KernelSlotSection is READ_MOSTLY_DATA's: the slots are read at every
	// call and written at most once.
	KernelSlotSection = ".data..read_mostly"
	// KernelOutlineSection matches TEXT_TEXT's .text.unlikely.*, inside
	// _stext.._etext (executable, unwound with ORC, listed by kallsyms).
	KernelOutlineSection = ".text.unlikely.optpoline"
)

// IsTableSection reports whether name is the site table's section in
// either mode.
func IsTableSection(name string) bool { return name == TableSection || name == KernelTableSection }

// Flags of an entry.
const (
	FlagTail      = 1 << 0 // a tail site: both branches are jmp
	FlagFromMem   = 1 << 1 // the original branch had a memory operand, loaded into %r11
	FlagFromThunk = 1 << 2 // the original branch called a retpoline thunk
	FlagKernel    = 1 << 3 // emitted in kernel mode
	FlagStatic    = 1 << 4 // promoted statically from a profile (no run-time patching)
	FlagNotrack   = 1 << 5 // the original branch had a notrack prefix
	// FlagDispatch marks a dispatch site (sites.md §7): an intra-function
	// indirect jump (computed goto) with a known label set. Its entry
	// reads differently: site is the first compare, call the learning
	// call (learned sites with a runtime) or the final fallback jmp, slot
	// the first entry's slot, outline the label set (LabelSet), nout the
	// number of inline entries (16 bytes each from site, cmpq / nopl / je
	// with its rel32 at +12, 4-aligned) or 0 for a funnel, which is also
	// FlagStatic: never patched.
	FlagDispatch = 1 << 6
)

// A label set (the outline field of a dispatch entry) is a u32 count
// followed by that many s32 PC-relative label addresses, 4-aligned, in
// LabelSetSection.
const LabelSetSection = ".rodata.optpoline"

// Header opens a table fragment (one per object file and comdat group):
//
//	u32 magic, u16 version, u16 entry_size, u32 nentries, s32 name
//
// name points at a NUL-terminated string naming the source file.
type Header struct {
	Magic     uint32
	Version   uint16
	EntrySize uint16
	N         uint32
	Name      int32
}

// Entry describes one promoted site:
//
//	s32 site     the site's first instruction (the cmpq)
//	s32 call     the hit call or jmp (E8/E9, rel32 at +1, 4-aligned)
//	s32 slot     the 8-byte slot
//	s32 outline  the outline block, or 0 when there is none
//	u8 reg       the target register's ModRM number (rax 0 … r15 15)
//	u8 flags
//	u8 nout      outline entries
//	u8 reserved  0
//	u32 id       ordinal of the site among its function's sites
type Entry struct {
	Site, Call, Slot, Outline  int32
	Reg, Flags, NOut, Reserved uint8
	ID                         uint32
}

// Fragment is a decoded table fragment; Addr fields hold absolute
// addresses (the PC-relative fields resolved).
type Fragment struct {
	Addr    uint64 // address of the header
	Header  Header
	NameAt  uint64
	Entries []ResolvedEntry
}

// ResolvedEntry is an Entry with its addresses resolved.
type ResolvedEntry struct {
	Entry
	Addr                   uint64 // address of the entry
	SiteAt, CallAt, SlotAt uint64
	OutlineAt              uint64 // 0 when there is none
}

// Decode splits a linked optpoline_sites section (loaded at addr) into
// fragments and resolves every PC-relative field.
func Decode(data []byte, addr uint64) ([]Fragment, error) {
	var out []Fragment
	le := binary.LittleEndian
	for off := 0; off < len(data); {
		if off%Align != 0 {
			off += Align - off%Align
			continue
		}
		if len(data)-off >= 8 && le.Uint64(data[off:]) == 0 {
			off += 8 // linker padding: a header never starts with 8 zero bytes
			continue
		}
		if len(data)-off < HeaderSize {
			return out, fmt.Errorf("truncated header at offset %#x", off)
		}
		h := Header{le.Uint32(data[off:]), le.Uint16(data[off+4:]), le.Uint16(data[off+6:]), le.Uint32(data[off+8:]), int32(le.Uint32(data[off+12:]))}
		if h.Magic != Magic {
			return out, fmt.Errorf("bad magic %#x at offset %#x", h.Magic, off)
		}
		if h.Version != Version || h.EntrySize != EntrySize {
			return out, fmt.Errorf("unsupported version %d / entry size %d at offset %#x", h.Version, h.EntrySize, off)
		}
		base := addr + uint64(off)
		fr := Fragment{Addr: base, Header: h, NameAt: rel(base+12, h.Name)}
		off += HeaderSize
		if uint64(len(data)-off) < uint64(h.N)*EntrySize {
			return out, errors.New("truncated entries")
		}
		for k := uint32(0); k < h.N; k++ {
			d := data[off:]
			at := addr + uint64(off)
			e := Entry{int32(le.Uint32(d)), int32(le.Uint32(d[4:])), int32(le.Uint32(d[8:])), int32(le.Uint32(d[12:])),
				d[16], d[17], d[18], d[19], le.Uint32(d[20:])}
			r := ResolvedEntry{Entry: e, Addr: at, SiteAt: rel(at, e.Site), CallAt: rel(at+4, e.Call), SlotAt: rel(at+8, e.Slot)}
			if e.Outline != 0 {
				r.OutlineAt = rel(at+12, e.Outline)
			}
			fr.Entries = append(fr.Entries, r)
			off += EntrySize
		}
		out = append(out, fr)
	}
	return out, nil
}

func rel(at uint64, v int32) uint64 { return uint64(int64(at) + int64(v)) }
