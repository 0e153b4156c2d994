package e2e

import (
	"encoding/binary"
	"fmt"

	"github.com/optpoline/optpoline/abi"
)

// VerifyKernel is VerifyBinary for a kernel image (vmlinux), whose table
// is in abi.KernelTableSection, plus what kernel mode promises (sites.md
// §2): every entry has FlagKernel, and every way a site can miss ends in
// the compiler's retpoline thunk for its register. The hit call and the
// outline block's final jump both go to the stub
// optpoline.ph.__x86_indirect_thunk_REG, whose code is [cs] jmp
// __x86_indirect_thunk_REG (a branch objtool lists in .retpoline_sites,
// so the kernel's boot-time patching still sees it).
func VerifyKernel(path string) (Report, error) {
	rep, sites, err := verify(path)
	if err != nil {
		return rep, err
	}
	im, err := openImage(path)
	if err != nil {
		return rep, err
	}
	defer im.f.Close()
	if im.f.Section(abi.TableSection) != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%s has a %s section: a user-mode object was linked in", path, abi.TableSection))
	}
	if rep.Entries == 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%s: no %s site table", path, abi.KernelTableSection))
	}
	skipped := im.kernelSkipped()
	for _, s := range sites {
		where := fmt.Sprintf("%s: site %#x (%s): ", s.Fragment, s.SiteAt, s.Func)
		bad := func(format string, args ...any) {
			rep.Problems = append(rep.Problems, where+fmt.Sprintf(format, args...))
		}
		for _, r := range skipped {
			if s.SiteAt >= r.lo && s.SiteAt < r.hi {
				bad("in %s, which kernel mode leaves alone", r.name)
			}
		}
		if s.Flags&abi.FlagKernel == 0 {
			bad("not a kernel site (flags %#x)", s.Flags)
		}
		thunk := "__x86_indirect_thunk_" + regNames[s.Reg&15]
		stub := "optpoline.ph." + thunk
		targets := []uint64{s.HitTarget}
		if s.OutlineAt != 0 {
			targets = append(targets, s.FinalTo)
		} else {
			targets = append(targets, s.FallTo)
		}
		for _, to := range targets {
			if to == 0 || !hasName(im.syms[to], stub) && !hasName(im.syms[to], thunk) {
				bad("a miss goes to %s, want %s", im.symbolize(to), stub)
				continue
			}
			if hasName(im.syms[to], thunk) {
				continue
			}
			if got := im.jmpTarget(to); !hasName(im.syms[got], thunk) {
				bad("%s jumps to %s, want %s", stub, im.symbolize(got), thunk)
			}
		}
	}
	return rep, nil
}

// A textRange is code kernel mode never rewrites.
type textRange struct {
	name   string
	lo, hi uint64
}

// kernelSkipped returns the ranges of vmlinux that hold the sections
// kernel mode skips, by the linker script's symbols (Linux 6.1) or, for
// .exit.text, its output section.
func (im *image) kernelSkipped() []textRange {
	addr := map[string]uint64{}
	for a, names := range im.syms {
		for _, n := range names {
			addr[n] = a
		}
	}
	var rs []textRange
	for _, b := range [][3]string{
		{".init.text", "_sinittext", "_einittext"},
		{".noinstr.text", "__noinstr_text_start", "__noinstr_text_end"},
		{".entry.text", "__entry_text_start", "__entry_text_end"},
	} {
		lo, ok1 := addr[b[1]]
		hi, ok2 := addr[b[2]]
		if ok1 && ok2 {
			rs = append(rs, textRange{b[0], lo, hi})
		}
	}
	if s := im.f.Section(".exit.text"); s != nil {
		rs = append(rs, textRange{".exit.text", s.Addr, s.Addr + s.Size})
	}
	return rs
}

func hasName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// jmpTarget decodes [cs] jmp rel32 at addr and returns its target, or 0.
func (im *image) jmpTarget(addr uint64) uint64 {
	b, err := im.bytesAt(addr, 6)
	if err != nil {
		return 0
	}
	p := 0
	if b[0] == 0x2E {
		p = 1
	}
	if b[p] != 0xE9 {
		return 0
	}
	return addr + uint64(p) + 5 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p+1:]))))
}
