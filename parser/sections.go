package parser

// SectionState follows the current section through .text, .data, .bss,
// .section, .pushsection, .popsection and .previous, as as does.
type SectionState struct {
	cur, prev string
	stack     [][2]string
}

// SectionStateAt returns a state whose current section is cur, for walking
// a stretch of statements (a function) that starts in a known section.
func SectionStateAt(cur string) SectionState { return SectionState{cur: cur} }

// IsSectionDirective reports whether statement i changes sections (Step
// applies it): .text, .data, .bss, .section, .pushsection, .popsection,
// .previous.
func (f *File) IsSectionDirective(i int) bool {
	if f.Stmts[i].Kind != Directive {
		return false
	}
	switch f.Word(i) {
	case ".text", ".data", ".bss", ".section", ".pushsection", ".popsection", ".previous":
		return true
	}
	return false
}

// Current is the name of the current section, unquoted; "" before the first
// section directive.
func (s *SectionState) Current() string { return s.cur }

// Step applies statement i of f if it is a section directive and reports
// whether the current section changed.
func (s *SectionState) Step(f *File, i int) (bool, error) {
	st := &f.Stmts[i]
	if st.Kind != Directive || st.WordLen < 4 {
		return false, nil
	}
	old := s.cur
	switch w := f.Src[st.Pos+uint32(st.WordOff) : st.Pos+uint32(st.WordOff)+uint32(st.WordLen)]; string(w) {
	case ".text", ".data", ".bss":
		s.set(string(w))
	case ".section":
		name, err := f.SectionName(i)
		if err != nil {
			return false, err
		}
		s.set(name)
	case ".pushsection":
		name, err := f.SectionName(i)
		if err != nil {
			return false, err
		}
		s.stack = append(s.stack, [2]string{s.cur, s.prev})
		s.set(name)
	case ".popsection":
		if len(s.stack) == 0 {
			return false, f.errAt(st.Pos+uint32(st.WordOff), ".popsection without .pushsection")
		}
		top := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		s.cur, s.prev = top[0], top[1]
	case ".previous":
		s.cur, s.prev = s.prev, s.cur
	default:
		return false, nil
	}
	return s.cur != old, nil
}

func (s *SectionState) set(name string) {
	if name != s.cur {
		s.prev, s.cur = s.cur, name
	} else {
		s.prev = s.cur
	}
}

// SectionName returns the (unquoted) section name that a .section or
// .pushsection statement names: its first argument.
func (f *File) SectionName(i int) (string, error) {
	var buf [4]Span
	args := f.SplitArgs(i, buf[:0])
	if len(args) == 0 || args[0].Len() == 0 {
		return "", f.errAt(f.Stmts[i].Args, "missing section name")
	}
	a := args[0]
	// An unquoted name ends at the first blank (".text 1" style subsections
	// are written with a comma, but be lenient).
	raw := string(f.Src[a.Pos:a.End])
	name, err := Name(raw)
	if err != nil {
		return "", f.errAt(a.Pos, "bad section name %s: %v", raw, err)
	}
	return name, nil
}
