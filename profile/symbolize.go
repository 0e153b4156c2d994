package profile

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"github.com/optpoline/optpoline/abi"
)

// Report counts what Export could not name.
type Report struct {
	Sites        int    // sites exported
	OtherModule  uint64 // calls to targets in another module than their site's (not promotable)
	Unnamed      uint64 // calls to targets no function symbol starts at
	NoModule     int    // sites or targets in no module
	TargetsNamed int
	// Split counts sites whose ordinal does not fit the function symbol
	// that holds them (a part the compiler split off, foo.cold): left out.
	Split int
	// Patched counts sites whose dump marks targets the promoter patched
	// in (OPTPOLINE=learn,profile=DIR): their counts stop at promotion.
	Patched int
	// Dispatch counts the dispatch sites exported (their targets are
	// labels, named by their ordinal in the site's label set); NotLabel
	// the jumps of dispatch sites to addresses outside their set.
	Dispatch int
	NotLabel uint64
}

// image is one module's ELF file: its function symbols and site table.
type image struct {
	syms  []symbol // functions, by address
	sites map[uint64]site
	count map[string]int // call sites per function (key: symbol name + "\x00" + file)
}

type symbol struct {
	name        string
	value, size uint64
	local       bool
	file        string // STT_FILE before a local symbol
}

type site struct {
	id   uint32
	file string // the table fragment's source name
	// labels maps a dispatch site's label addresses to their ordinals in
	// its set (nil for a call site); nlabels is the set's size.
	labels  map[uint64]int
	nlabels int
}

// Export maps the dumps' addresses to symbols with each module's ELF file
// (the module's path, checked against its build-id) and adds their counts
// into one profile. Sites are keyed by function symbol and ordinal, so the
// profile survives a rebuild; targets are kept when a function symbol
// starts at them in the site's own module (only those can be promoted
// statically).
func Export(dumps []*Dump) (*Profile, *Report, error) {
	p := New()
	rep := &Report{}
	images := map[string]*image{} // path + build-id
	for _, d := range dumps {
		load := func(mod int) (*image, error) {
			m := d.Modules[mod]
			key := m.Path + "\x00" + m.BuildID
			if im, ok := images[key]; ok {
				return im, nil
			}
			im, err := openImage(m.Path, m.BuildID)
			if err != nil {
				return nil, &Error{d.Name, m.Line, err.Error()}
			}
			images[key] = im
			return im, nil
		}
		for _, ds := range d.Sites {
			if ds.Module < 0 {
				rep.NoModule++
				continue
			}
			im, err := load(ds.Module)
			if err != nil {
				return nil, nil, err
			}
			st, ok := im.sites[ds.Addr]
			if !ok {
				return nil, nil, &Error{d.Name, ds.Line, fmt.Sprintf("no optpoline site at %#x in %s", ds.Addr, d.Modules[ds.Module].Path)}
			}
			if st.id != ds.ID {
				return nil, nil, &Error{d.Name, ds.Line, fmt.Sprintf("the site at %#x has ordinal %d in %s, the dump says %d", ds.Addr, st.id, d.Modules[ds.Module].Path, ds.ID)}
			}
			fn, ok := im.funcAt(ds.Addr)
			if !ok {
				return nil, nil, &Error{d.Name, ds.Line, fmt.Sprintf("no function symbol contains the site at %#x in %s", ds.Addr, d.Modules[ds.Module].Path)}
			}
			f := &Func{FuncKey: FuncKey{File: st.file, Name: fn.name}, Local: fn.local,
				Sites: im.count[fn.name+"\x00"+st.file], Site: map[int]*Site{}}
			if st.labels != nil {
				dd := &Dispatch{ID: int(st.id), Labels: st.nlabels, Calls: ds.Calls, Label: map[int]uint64{}}
				for _, t := range ds.Targets {
					k, ok := st.labels[t.Addr]
					if t.Module != ds.Module || !ok {
						rep.NotLabel += t.Calls
						continue
					}
					dd.Label[k] += t.Calls
				}
				f.Dispatch = map[int]*Dispatch{dd.ID: dd}
				if err := p.add(f); err != nil {
					return nil, nil, &Error{d.Name, ds.Line, err.Error()}
				}
				rep.Dispatch++
				continue
			}
			if int(st.id) >= f.Sites {
				rep.Split++
				continue
			}
			s := &Site{ID: int(st.id), Calls: ds.Calls}
			patched := false
			for _, t := range ds.Targets {
				patched = patched || t.Where != ""
				switch {
				case t.Module < 0:
					rep.NoModule++
					continue
				case t.Module != ds.Module:
					rep.OtherModule += t.Calls
					continue
				}
				sym, ok := im.funcStart(t.Addr)
				if !ok {
					rep.Unnamed += t.Calls
					continue
				}
				tg := Target{Name: sym.name, Local: sym.local, Calls: t.Calls}
				if sym.local {
					tg.File = sym.file
				}
				s.Targets = append(s.Targets, tg)
				rep.TargetsNamed++
			}
			if patched {
				rep.Patched++
			}
			f.Site[s.ID] = s
			if err := p.add(f); err != nil {
				return nil, nil, &Error{d.Name, ds.Line, err.Error()}
			}
			rep.Sites++
		}
	}
	return p, rep, nil
}

// funcAt is the function symbol containing a (a global one when several do).
func (im *image) funcAt(a uint64) (symbol, bool) {
	i := sort.Search(len(im.syms), func(i int) bool { return im.syms[i].value > a })
	var best symbol
	found := false
	for j := i - 1; j >= 0 && j >= i-64; j-- {
		s := im.syms[j]
		if a < s.value+s.size && (!found || best.local && !s.local) {
			best, found = s, true
		}
	}
	return best, found
}

// funcStart is the function symbol that starts at a (a global one first).
func (im *image) funcStart(a uint64) (symbol, bool) {
	i := sort.Search(len(im.syms), func(i int) bool { return im.syms[i].value >= a })
	var best symbol
	found := false
	for ; i < len(im.syms) && im.syms[i].value == a; i++ {
		if s := im.syms[i]; !found || best.local && !s.local {
			best, found = s, true
		}
	}
	return best, found
}

func openImage(path, buildID string) (*image, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if buildID != "" {
		if got := fileBuildID(f); got != buildID {
			return nil, fmt.Errorf("%s has build-id %q, the dump's module %q: the file changed since the profile was taken", path, got, buildID)
		}
	}
	im := &image{sites: map[uint64]site{}, count: map[string]int{}}
	syms, err := f.Symbols()
	if errors.Is(err, elf.ErrNoSymbols) {
		syms, err = f.DynamicSymbols()
	}
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	file := ""
	for _, s := range syms {
		switch elf.ST_TYPE(s.Info) {
		case elf.STT_FILE:
			file = s.Name
			continue
		case elf.STT_FUNC, elf.STT_GNU_IFUNC:
		default:
			continue
		}
		if s.Section == elf.SHN_UNDEF || s.Value == 0 {
			continue
		}
		local := elf.ST_BIND(s.Info) == elf.STB_LOCAL
		sym := symbol{name: s.Name, value: s.Value, size: s.Size, local: local}
		if local {
			sym.file = file
		}
		im.syms = append(im.syms, sym)
	}
	sort.SliceStable(im.syms, func(i, j int) bool { return im.syms[i].value < im.syms[j].value })
	sec := f.Section(abi.TableSection)
	if sec == nil {
		return nil, fmt.Errorf("%s has no %s section: not built with optpoline", path, abi.TableSection)
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	frags, err := abi.Decode(data, sec.Addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", path, abi.TableSection, err)
	}
	for _, fr := range frags {
		name := cString(f, fr.NameAt)
		for _, e := range fr.Entries {
			st := site{id: e.ID, file: name}
			if e.Flags&abi.FlagDispatch != 0 {
				if st.labels, st.nlabels, err = labelSet(f, e.OutlineAt); err != nil {
					return nil, fmt.Errorf("%s: dispatch site at %#x: %v", path, e.SiteAt, err)
				}
				im.sites[e.SiteAt] = st
				continue // not a call site: the function's "sites" leave it out
			}
			im.sites[e.SiteAt] = st
			if fn, ok := im.funcAt(e.SiteAt); ok {
				im.count[fn.name+"\x00"+name]++
			}
		}
	}
	return im, nil
}

// labelSet reads a dispatch site's label set at addr (u32 n, then n
// s32 offsets, each from its own field to the label) and maps each label
// address to its ordinal.
func labelSet(f *elf.File, addr uint64) (map[uint64]int, int, error) {
	head := bytesAt(f, addr, 4)
	if head == nil {
		return nil, 0, fmt.Errorf("its label set at %#x is not in the file", addr)
	}
	n := int(binary.LittleEndian.Uint32(head))
	b := bytesAt(f, addr+4, 4*n)
	if b == nil {
		return nil, 0, fmt.Errorf("its label set at %#x (%d labels) runs past its section", addr, n)
	}
	m := make(map[uint64]int, n)
	for k := 0; k < n; k++ {
		field := addr + 4 + uint64(4*k)
		m[field+uint64(int64(int32(binary.LittleEndian.Uint32(b[4*k:]))))] = k
	}
	return m, n, nil
}

// bytesAt returns the n bytes of f's loaded image at addr, or nil.
func bytesAt(f *elf.File, addr uint64, n int) []byte {
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_ALLOC == 0 || addr < s.Addr || addr+uint64(n) > s.Addr+s.Size {
			continue
		}
		b, err := s.Data()
		if err != nil {
			return nil
		}
		return b[addr-s.Addr : addr-s.Addr+uint64(n)]
	}
	return nil
}

// fileBuildID is the hex GNU build-id of f, or "".
func fileBuildID(f *elf.File) string {
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		b, err := s.Data()
		if err != nil {
			continue
		}
		for len(b) >= 12 {
			namesz, descsz, typ := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
			name := 12 + int(namesz+3)&^3
			end := name + int(descsz+3)&^3
			if end > len(b) || name > len(b) {
				break
			}
			if typ == 3 /* NT_GNU_BUILD_ID */ && bytes.Equal(b[12:12+namesz], []byte("GNU\x00")) {
				return hex.EncodeToString(b[name : name+int(descsz)])
			}
			b = b[end:]
		}
	}
	return ""
}

// cString reads the NUL-terminated string at addr.
func cString(f *elf.File, addr uint64) string {
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS || addr < s.Addr || addr >= s.Addr+s.Size || s.Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		b, err := s.Data()
		if err != nil {
			return ""
		}
		b = b[addr-s.Addr:]
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b)
	}
	return ""
}
