package abi

import (
	"encoding/binary"
	"strings"
	"testing"
)

// tentry is an entry to encode, with absolute addresses.
type tentry struct {
	site, call, slot, outline uint64 // outline 0: none
	reg, flags, nout          uint8
	id                        uint32
}

// section builds a table section loaded at addr, one part at a time.
type section struct {
	addr uint64
	b    []byte
}

func (s *section) at() uint64 { return s.addr + uint64(len(s.b)) }

func (s *section) u32(v uint32) { s.b = binary.LittleEndian.AppendUint32(s.b, v) }

// rel appends the PC-relative encoding of target at the current position.
func (s *section) rel(target uint64) { s.u32(uint32(int32(int64(target) - int64(s.at())))) }

func (s *section) pad(n int) { s.b = append(s.b, make([]byte, n)...) }

// fragment appends a header and its entries; it returns the header address.
func (s *section) fragment(name uint64, es ...tentry) uint64 {
	h := s.at()
	s.u32(Magic)
	s.b = binary.LittleEndian.AppendUint16(s.b, Version)
	s.b = binary.LittleEndian.AppendUint16(s.b, EntrySize)
	s.u32(uint32(len(es)))
	s.rel(name)
	for _, e := range es {
		s.rel(e.site)
		s.rel(e.call)
		s.rel(e.slot)
		if e.outline == 0 {
			s.u32(0)
		} else {
			s.rel(e.outline)
		}
		s.b = append(s.b, e.reg, e.flags, e.nout, 0)
		s.u32(e.id)
	}
	return h
}

func checkEntry(t *testing.T, where string, got ResolvedEntry, want tentry, addr uint64) {
	t.Helper()
	if got.Addr != addr || got.SiteAt != want.site || got.CallAt != want.call || got.SlotAt != want.slot || got.OutlineAt != want.outline {
		t.Errorf("%s: addr/site/call/slot/outline = %#x/%#x/%#x/%#x/%#x, want %#x/%#x/%#x/%#x/%#x", where,
			got.Addr, got.SiteAt, got.CallAt, got.SlotAt, got.OutlineAt, addr, want.site, want.call, want.slot, want.outline)
	}
	if got.Reg != want.reg || got.Flags != want.flags || got.NOut != want.nout || got.ID != want.id || got.Reserved != 0 {
		t.Errorf("%s: reg/flags/nout/id/reserved = %d/%#x/%d/%d/%d, want %d/%#x/%d/%d/0", where,
			got.Reg, got.Flags, got.NOut, got.ID, got.Reserved, want.reg, want.flags, want.nout, want.id)
	}
}

func TestMagic(t *testing.T) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], Magic)
	if string(b[:]) != "OPTP" {
		t.Errorf("Magic bytes = %q, want OPTP", b[:])
	}
	if HeaderSize%Align != 0 || EntrySize%Align != 0 {
		t.Errorf("header %d / entry %d not multiples of %d: fragments would need padding", HeaderSize, EntrySize, Align)
	}
}

func TestDecodeOneFragment(t *testing.T) {
	// Code below the table, data above it: negative and positive offsets.
	s := &section{addr: 0x402000}
	es := []tentry{
		{site: 0x401130, call: 0x40113c, slot: 0x404010, outline: 0x401800, reg: 11, flags: FlagFromMem, nout: 4, id: 0},
		{site: 0x401150, call: 0x40115c, slot: 0x404018, reg: 0, flags: FlagTail | FlagFromThunk, id: 1},
		{site: 0x7ffff000, call: 0x7ffff00c, slot: 0x8000, outline: 0x1000, reg: 15, flags: FlagKernel | FlagNotrack, nout: 255, id: 0xdeadbeef},
	}
	hdr := s.fragment(0x403000, es...)
	frs, err := Decode(s.b, s.addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(frs) != 1 {
		t.Fatalf("got %d fragments, want 1", len(frs))
	}
	fr := frs[0]
	if fr.Addr != hdr || fr.NameAt != 0x403000 || fr.Header.N != 3 || fr.Header.Magic != Magic ||
		fr.Header.Version != Version || fr.Header.EntrySize != EntrySize {
		t.Errorf("fragment = %+v, want addr %#x name %#x n 3", fr, hdr, 0x403000)
	}
	if len(fr.Entries) != len(es) {
		t.Fatalf("got %d entries, want %d", len(fr.Entries), len(es))
	}
	for i, e := range es {
		checkEntry(t, "entry "+string(rune('0'+i)), fr.Entries[i], e, hdr+HeaderSize+uint64(i)*EntrySize)
	}
	// The raw field is kept: 0 means no outline block.
	if fr.Entries[1].Outline != 0 || fr.Entries[0].Outline == 0 {
		t.Errorf("raw outline fields = %d, %d", fr.Entries[0].Outline, fr.Entries[1].Outline)
	}
}

func TestDecodeEmptyAndNoEntries(t *testing.T) {
	frs, err := Decode(nil, 0x1000)
	if err != nil || len(frs) != 0 {
		t.Errorf("Decode(nil) = %v, %v; want no fragments", frs, err)
	}
	s := &section{addr: 0x1000}
	s.fragment(0x2000)
	frs, err = Decode(s.b, s.addr)
	if err != nil || len(frs) != 1 || len(frs[0].Entries) != 0 || frs[0].NameAt != 0x2000 {
		t.Errorf("Decode(header only) = %+v, %v", frs, err)
	}
}

func TestDecodeTwoFragmentsWithPadding(t *testing.T) {
	e1 := tentry{site: 0x1100, call: 0x110c, slot: 0x5000, outline: 0x3000, reg: 0, nout: 4}
	e2 := tentry{site: 0x1200, call: 0x120c, slot: 0x5008, reg: 11, flags: FlagFromMem | FlagTail, id: 1}
	e3 := tentry{site: 0x2100, call: 0x210c, slot: 0x6000, outline: 0x3100, reg: 3, flags: FlagFromThunk, nout: 2}
	// Padding a linker may put between object files' sections: a multiple
	// of the alignment, zero filled. 8 bytes is what a 16-aligned input
	// section after a 16+24n-byte fragment gets.
	for _, pad := range []int{0, 8, 16, 24, 40} {
		s := &section{addr: 0x400000}
		h1 := s.fragment(0x7000, e1, e2)
		s.pad(pad)
		h2 := s.fragment(0x7010, e3)
		frs, err := Decode(s.b, s.addr)
		if err != nil {
			t.Errorf("pad %d: %v", pad, err)
			continue
		}
		if len(frs) != 2 {
			t.Errorf("pad %d: got %d fragments, want 2", pad, len(frs))
			continue
		}
		if frs[0].Addr != h1 || frs[1].Addr != h2 || frs[0].NameAt != 0x7000 || frs[1].NameAt != 0x7010 {
			t.Errorf("pad %d: fragment addrs %#x %#x names %#x %#x, want %#x %#x names 0x7000 0x7010", pad,
				frs[0].Addr, frs[1].Addr, frs[0].NameAt, frs[1].NameAt, h1, h2)
		}
		if len(frs[0].Entries) != 2 || len(frs[1].Entries) != 1 {
			t.Errorf("pad %d: entries %d, %d; want 2, 1", pad, len(frs[0].Entries), len(frs[1].Entries))
			continue
		}
		checkEntry(t, "frag 0 entry 0", frs[0].Entries[0], e1, h1+HeaderSize)
		checkEntry(t, "frag 0 entry 1", frs[0].Entries[1], e2, h1+HeaderSize+EntrySize)
		checkEntry(t, "frag 1 entry 0", frs[1].Entries[0], e3, h2+HeaderSize)
	}
}

func TestDecodeTrailingPadding(t *testing.T) {
	for _, pad := range []int{8, 16, 24} {
		s := &section{addr: 0x10000}
		s.fragment(0x20000, tentry{site: 0x9000, call: 0x900c, slot: 0x30000})
		s.pad(pad)
		frs, err := Decode(s.b, s.addr)
		if err != nil || len(frs) != 1 || len(frs[0].Entries) != 1 {
			t.Errorf("trailing pad %d: %d fragments, err %v; want 1 fragment, no error", pad, len(frs), err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := func() *section {
		s := &section{addr: 0x1000}
		s.fragment(0x2000, tentry{site: 0x1100, call: 0x110c, slot: 0x3000}, tentry{site: 0x1200, call: 0x120c, slot: 0x3008})
		return s
	}
	full := good().b
	tests := []struct {
		name  string
		data  func() []byte
		want  string // substring of the error
		nfrag int    // fragments decoded before the error
	}{
		{"bad magic", func() []byte { b := good().b; b[0] = 'X'; return b }, "bad magic", 0},
		{"magic byte-swapped", func() []byte {
			b := good().b
			binary.BigEndian.PutUint32(b, Magic)
			return b
		}, "bad magic", 0},
		{"bad version", func() []byte { b := good().b; b[4] = 2; return b }, "unsupported version", 0},
		{"bad entry size", func() []byte { b := good().b; b[6] = 32; return b }, "entry size", 0},
		{"truncated header", func() []byte { return full[:HeaderSize-4] }, "truncated header", 0},
		{"header only, entries missing", func() []byte { return full[:HeaderSize] }, "truncated entries", 0},
		{"last entry cut", func() []byte { return full[:len(full)-1] }, "truncated entries", 0},
		{"count too large", func() []byte { b := good().b; b[8] = 3; return b }, "truncated entries", 0},
		{"count overflows", func() []byte {
			b := good().b
			binary.LittleEndian.PutUint32(b[8:], 0xffffffff)
			return b
		}, "truncated entries", 0},
		{"second fragment bad magic", func() []byte {
			s := good()
			s.fragment(0x2000)
			s.b[len(full)+1] = 0
			return s.b
		}, "bad magic", 1},
		{"second fragment truncated", func() []byte {
			s := good()
			s.fragment(0x2000, tentry{site: 0x1300, call: 0x130c, slot: 0x3010})
			return s.b[:len(s.b)-8]
		}, "truncated entries", 1},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			frs, err := Decode(tt.data(), 0x1000)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
			if len(frs) != tt.nfrag {
				t.Errorf("decoded %d fragments before the error, want %d", len(frs), tt.nfrag)
			}
		})
	}
}

// TestDecodeAddressWrap checks PC-relative resolution at both ends of the
// address space (kernel addresses sit just below 2^64).
func TestDecodeAddressWrap(t *testing.T) {
	s := &section{addr: 0xffffffff81e00000}
	e := tentry{site: 0xffffffff81000100, call: 0xffffffff8100010c, slot: 0xffffffff82000000, outline: 0xffffffff81e80000, reg: 11, flags: FlagKernel}
	h := s.fragment(0xffffffff81f00000, e)
	frs, err := Decode(s.b, s.addr)
	if err != nil || len(frs) != 1 || len(frs[0].Entries) != 1 {
		t.Fatalf("Decode = %+v, %v", frs, err)
	}
	checkEntry(t, "kernel entry", frs[0].Entries[0], e, h+HeaderSize)
	if frs[0].NameAt != 0xffffffff81f00000 {
		t.Errorf("NameAt = %#x", frs[0].NameAt)
	}
}
