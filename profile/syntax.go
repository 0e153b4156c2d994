package profile

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Version is the version of the dump and profile formats.
const Version = 1

// Error is a syntax or consistency error in an input: "FILE:LINE: error: MSG".
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: error: %s", e.File, e.Line, e.Msg) }

func errAt(pos lexer.Position, format string, args ...any) *Error {
	return &Error{File: pos.Filename, Line: pos.Line, Msg: fmt.Sprintf(format, args...)}
}

// The formats are small, cold and line-structured: participle lexes and
// parses them; the checks that need context (module indices, versions,
// number ranges) are done on the tree.
var lex = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `#[^\n]*`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\\n])*"`},
	{Name: "Int", Pattern: `0[xX][0-9a-fA-F]+|[0-9]+`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_-]*`},
	{Name: "Dash", Pattern: `-`},
	{Name: "Blank", Pattern: `\s+`},
})

// num is an integer token, kept as text so that range errors carry its place.
type num struct {
	Pos  lexer.Position
	Text string `parser:"@Int"`
}

type str struct {
	Pos  lexer.Position
	Text string `parser:"@String"`
}

type dumpAST struct {
	Version num          `parser:"'optpoline' 'dump' @@"`
	PID     *num         `parser:"('pid' @@)?"`
	Records []dumpRecord `parser:"@@*"`
	End     bool         `parser:"@'end'"`
}

type dumpRecord struct {
	Module *dumpModule `parser:"  @@"`
	Site   *dumpSite   `parser:"| @@"`
}

type dumpModule struct {
	Pos     lexer.Position
	Index   num `parser:"'module' @@"`
	Path    str `parser:"@@"`
	BuildID str `parser:"'build-id' @@"`
}

type modRef struct {
	Pos   lexer.Position
	None  bool `parser:"  @Dash"`
	Index *num `parser:"| @@"`
}

type dumpSite struct {
	Pos     lexer.Position
	Module  modRef       `parser:"'site' @@"`
	Addr    num          `parser:"@@"`
	ID      num          `parser:"'id' @@"`
	Flags   num          `parser:"'flags' @@"`
	File    str          `parser:"'file' @@"`
	Samples num          `parser:"'samples' @@"`
	Calls   num          `parser:"'calls' @@"`
	Targets []dumpTarget `parser:"@@*"`
}

type dumpTarget struct {
	Pos    lexer.Position
	Module modRef `parser:"'target' @@"`
	Addr   num    `parser:"@@"`
	Calls  num    `parser:"'calls' @@"`
	Where  string `parser:"@('inline' | 'outline')?"`
}

type profAST struct {
	Version num        `parser:"'optpoline' 'profile' @@"`
	Funcs   []profFunc `parser:"@@*"`
	End     bool       `parser:"@'end'"`
}

type profFunc struct {
	Pos   lexer.Position
	Name  str            `parser:"'func' @@"`
	Bind  string         `parser:"@('global' | 'local')"`
	File  str            `parser:"'file' @@"`
	Sites num            `parser:"'sites' @@"`
	Items []profFuncItem `parser:"@@*"`
}

type profFuncItem struct {
	Site     *profSite     `parser:"  @@"`
	Dispatch *profDispatch `parser:"| @@"`
}

type profDispatch struct {
	Pos    lexer.Position
	ID     num         `parser:"'dispatch' @@"`
	Labels num         `parser:"'labels' @@"`
	Calls  num         `parser:"'calls' @@"`
	Label  []profLabel `parser:"@@*"`
}

type profLabel struct {
	Pos   lexer.Position
	K     num `parser:"'label' @@"`
	Calls num `parser:"'calls' @@"`
}

type profSite struct {
	Pos     lexer.Position
	ID      num          `parser:"'site' @@"`
	Calls   num          `parser:"'calls' @@"`
	Targets []profTarget `parser:"@@*"`
}

type profTarget struct {
	Pos   lexer.Position
	Name  str    `parser:"'target' @@"`
	Bind  string `parser:"@('global' | 'local')"`
	File  *str   `parser:"('file' @@)?"`
	Calls num    `parser:"'calls' @@"`
}

var (
	dumpParser = sync.OnceValue(func() *participle.Parser[dumpAST] {
		return participle.MustBuild[dumpAST](participle.Lexer(lex), participle.Elide("Blank", "Comment"))
	})
	profParser = sync.OnceValue(func() *participle.Parser[profAST] {
		return participle.MustBuild[profAST](participle.Lexer(lex), participle.Elide("Blank", "Comment"))
	})
	// header is the first line that is not blank or a comment; leading
	// what comes before it.
	header  = regexp.MustCompile(`^(?:\s*(?:#[^\n]*)?\n)*\s*optpoline\s+(dump|profile)\s+(\S+)`)
	leading = regexp.MustCompile(`^(?:\s*(?:#[^\n]*)?\n)*`)
)

// Parse reads a dump or a profile (the header says which); exactly one of
// the results is non-nil when err is nil.
func Parse(name string, data []byte) (*Dump, *Profile, error) {
	m := header.FindSubmatch(data)
	if m == nil {
		line := 1 + countNL(leading.Find(data))
		return nil, nil, &Error{name, line, `not an optpoline dump or profile (want "optpoline dump 1" or "optpoline profile 1")`}
	}
	if string(m[2]) != strconv.Itoa(Version) {
		line := 1 + countNL(data[:len(m[0])-len(m[2])])
		return nil, nil, &Error{name, line, fmt.Sprintf("%s version %s, this optpoline reads version %d", m[1], m[2], Version)}
	}
	if string(m[1]) == "dump" {
		d, err := parseDump(name, data)
		return d, nil, err
	}
	p, err := parseProfile(name, data)
	return nil, p, err
}

func countNL(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

// syntaxErr converts participle's errors to *Error.
func syntaxErr(name string, err error) error {
	var pe participle.Error
	if errors.As(err, &pe) {
		pos := pe.Position()
		if pos.Filename == "" {
			pos.Filename = name
		}
		return errAt(pos, "%s", pe.Message())
	}
	return &Error{name, 1, err.Error()}
}

func (n num) uint(bits int) (uint64, error) {
	v, err := strconv.ParseUint(n.Text, 0, bits)
	if err != nil {
		return 0, errAt(n.Pos, "%s: not a %d-bit unsigned number", n.Text, bits)
	}
	return v, nil
}

func (s str) unquote() (string, error) {
	v, err := strconv.Unquote(s.Text)
	if err != nil {
		return "", errAt(s.Pos, "bad string %s", s.Text)
	}
	return v, nil
}

// nums converts several numbers, stopping at the first error.
func nums(bits int, out []*uint64, in ...num) error {
	for i, n := range in {
		v, err := n.uint(bits)
		if err != nil {
			return err
		}
		*out[i] = v
	}
	return nil
}

func parseDump(name string, data []byte) (*Dump, error) {
	ast, err := dumpParser().ParseBytes(name, data)
	if err != nil {
		return nil, syntaxErr(name, err)
	}
	d := &Dump{Name: name}
	if ast.PID != nil {
		v, err := ast.PID.uint(31)
		if err != nil {
			return nil, err
		}
		d.PID = int(v)
	}
	mods := map[uint64]int{} // index in the file → index in d.Modules
	ref := func(r modRef) (int, error) {
		if r.None {
			return -1, nil
		}
		v, err := r.Index.uint(31)
		if err != nil {
			return 0, err
		}
		k, ok := mods[v]
		if !ok {
			return 0, errAt(r.Index.Pos, "module %d is not defined before its use", v)
		}
		return k, nil
	}
	for _, r := range ast.Records {
		if m := r.Module; m != nil {
			v, err := m.Index.uint(31)
			if err != nil {
				return nil, err
			}
			if _, dup := mods[v]; dup {
				return nil, errAt(m.Pos, "module %d is defined twice", v)
			}
			dm := Module{Line: m.Pos.Line}
			if dm.Path, err = m.Path.unquote(); err != nil {
				return nil, err
			}
			if dm.BuildID, err = m.BuildID.unquote(); err != nil {
				return nil, err
			}
			mods[v] = len(d.Modules)
			d.Modules = append(d.Modules, dm)
			continue
		}
		s := r.Site
		ds := DumpSite{Line: s.Pos.Line}
		var id, flags uint64
		if ds.Module, err = ref(s.Module); err != nil {
			return nil, err
		}
		if err := nums(64, []*uint64{&ds.Addr, &ds.Samples, &ds.Calls}, s.Addr, s.Samples, s.Calls); err != nil {
			return nil, err
		}
		if err := nums(32, []*uint64{&id}, s.ID); err != nil {
			return nil, err
		}
		if err := nums(8, []*uint64{&flags}, s.Flags); err != nil {
			return nil, err
		}
		ds.ID, ds.Flags = uint32(id), uint8(flags)
		if ds.File, err = s.File.unquote(); err != nil {
			return nil, err
		}
		for _, t := range s.Targets {
			dt := DumpTarget{Line: t.Pos.Line, Where: t.Where}
			if dt.Module, err = ref(t.Module); err != nil {
				return nil, err
			}
			if err := nums(64, []*uint64{&dt.Addr, &dt.Calls}, t.Addr, t.Calls); err != nil {
				return nil, err
			}
			ds.Targets = append(ds.Targets, dt)
		}
		d.Sites = append(d.Sites, ds)
	}
	return d, nil
}

func parseProfile(name string, data []byte) (*Profile, error) {
	ast, err := profParser().ParseBytes(name, data)
	if err != nil {
		return nil, syntaxErr(name, err)
	}
	p := New()
	for _, f := range ast.Funcs {
		fn := &Func{Local: f.Bind == "local", Site: map[int]*Site{}}
		if fn.Name, err = f.Name.unquote(); err != nil {
			return nil, err
		}
		if fn.File, err = f.File.unquote(); err != nil {
			return nil, err
		}
		n, err := f.Sites.uint(31)
		if err != nil {
			return nil, err
		}
		fn.Sites = int(n)
		for _, it := range f.Items {
			if it.Dispatch != nil {
				if err := parseDispatch(fn, it.Dispatch); err != nil {
					return nil, err
				}
				continue
			}
			s := it.Site
			id, err := s.ID.uint(31)
			if err != nil {
				return nil, err
			}
			if id >= n {
				return nil, errAt(s.ID.Pos, "site %d of %s, which has %d sites", id, fn.Name, n)
			}
			if fn.Site[int(id)] != nil {
				return nil, errAt(s.Pos, "site %d of %s is given twice", id, fn.Name)
			}
			site := &Site{ID: int(id)}
			if site.Calls, err = s.Calls.uint(64); err != nil {
				return nil, err
			}
			for _, t := range s.Targets {
				tg := Target{Local: t.Bind == "local"}
				if tg.Name, err = t.Name.unquote(); err != nil {
					return nil, err
				}
				if t.File != nil {
					if tg.File, err = t.File.unquote(); err != nil {
						return nil, err
					}
				}
				if tg.Calls, err = t.Calls.uint(64); err != nil {
					return nil, err
				}
				site.Targets = append(site.Targets, tg)
			}
			fn.Site[int(id)] = site
		}
		if err := p.add(fn); err != nil {
			return nil, errAt(f.Pos, "%v", err)
		}
	}
	return p, nil
}

// parseDispatch adds a dispatch record to fn.
func parseDispatch(fn *Func, d *profDispatch) error {
	var id, labels uint64
	if err := nums(31, []*uint64{&id, &labels}, d.ID, d.Labels); err != nil {
		return err
	}
	if fn.Dispatch == nil {
		fn.Dispatch = map[int]*Dispatch{}
	}
	if fn.Dispatch[int(id)] != nil {
		return errAt(d.Pos, "dispatch site %d of %s is given twice", id, fn.Name)
	}
	ds := &Dispatch{ID: int(id), Labels: int(labels), Label: map[int]uint64{}}
	var err error
	if ds.Calls, err = d.Calls.uint(64); err != nil {
		return err
	}
	for _, l := range d.Label {
		var k, calls uint64
		if err := nums(31, []*uint64{&k}, l.K); err != nil {
			return err
		}
		if calls, err = l.Calls.uint(64); err != nil {
			return err
		}
		if k >= labels {
			return errAt(l.K.Pos, "label %d of dispatch site %d of %s, which has %d labels", k, id, fn.Name, labels)
		}
		if _, dup := ds.Label[int(k)]; dup {
			return errAt(l.Pos, "label %d of dispatch site %d of %s is given twice", k, id, fn.Name)
		}
		ds.Label[int(k)] = calls
	}
	fn.Dispatch[int(id)] = ds
	return nil
}
