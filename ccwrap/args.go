package ccwrap

import (
	"fmt"
	"path/filepath"
	"strings"
)

// separate lists the options whose argument may be the next word, as in
// "-o out" or "-MF x.d". A word is looked up whole: "-Ifoo" carries its
// own argument.
var separate = set(
	"-o", "-x", "-I", "-D", "-U", "-A", "-B", "-L", "-l", "-T", "-u", "-z", "-e",
	"-MF", "-MT", "-MQ", "-MJ",
	"-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix",
	"-iwithprefix", "-iwithprefixbefore", "-isysroot", "-iwithsysroot",
	"-imultilib", "-imultiarch", "-iframework", "-include-pch", "-cxx-isystem",
	"-ivfsoverlay", "--sysroot", "-specs", "-wrapper", "-aux-info", "--param",
	"-dumpbase", "-dumpdir", "-dumpbase-ext", "-V", "-b",
	"-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang", "-Xanalyzer",
	"-mllvm", "-target", "-arch", "-serialize-diagnostics", "--serialize-diagnostics",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// launchers are the programs that run a compiler given as their first
// argument. A command starting with one has the compiler as its second word.
var launchers = set("ccache", "distcc", "sccache", "icecc", "pump")

// An Arg is one classified argument: an option with its separate
// argument, if any, or an input file.
type Arg struct {
	Words []string // as given: one word, or an option and its argument
	Input bool     // an input file ("-" is stdin); -l and -Wl, are options
	Lang  string   // an input's language, from -x or its suffix; "" for linker inputs
	X     bool     // Lang comes from -x
	resp  int      // index in Command.Words of the @file it came from, or -1
}

// Opt is the option's name: its first word.
func (a Arg) Opt() string { return a.Words[0] }

// Value is the argument of an option given as "NAME VALUE" or "NAMEVALUE".
func (a Arg) Value(name string) (string, bool) {
	if a.Input || !strings.HasPrefix(a.Words[0], name) {
		return "", false
	}
	if len(a.Words) == 2 && a.Words[0] == name {
		return a.Words[1], true
	}
	if len(a.Words) == 1 && len(a.Words[0]) > len(name) {
		return a.Words[0][len(name):], true
	}
	return "", false
}

// Command is a compiler command line, classified.
type Command struct {
	Launcher string   // ccache, distcc…, or ""
	Compiler string   // the compiler, as given
	Words    []string // the arguments after the compiler, as given
	Args     []Arg    // Words with response files read, classified
}

// maxRespDepth caps the nesting of response files.
const maxRespDepth = 10

// Parse classifies words, a command line that starts with the compiler
// (or a launcher and the compiler). Response files (@file) are read with
// readFile for classification only; one that cannot be read is an input,
// as for GCC.
func Parse(words []string, readFile func(string) ([]byte, error)) (*Command, error) {
	c := &Command{}
	if len(words) > 1 && launchers[filepath.Base(words[0])] && !strings.HasPrefix(words[1], "-") {
		c.Launcher, words = words[0], words[1:]
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("no compiler given")
	}
	c.Compiler, c.Words = words[0], words[1:]
	lang := ""
	var walk func(ws []string, resp, depth int)
	walk = func(ws []string, resp, depth int) {
		for i := 0; i < len(ws); i++ {
			w := ws[i]
			r := resp
			if resp < 0 {
				r = -1
			}
			if strings.HasPrefix(w, "@") && len(w) > 1 && depth < maxRespDepth {
				if data, err := readFile(w[1:]); err == nil {
					if resp < 0 {
						r = i
					}
					walk(splitResponse(string(data)), r, depth+1)
					continue
				}
			}
			a := Arg{Words: []string{w}, resp: r}
			switch {
			case w == "-" || !strings.HasPrefix(w, "-"):
				a.Input = true
				a.Lang, a.X = lang, lang != ""
				if lang == "" && w != "-" {
					a.Lang = suffixLang(w)
				}
			case separate[w] && i+1 < len(ws):
				i++
				a.Words = append(a.Words, ws[i])
			}
			if v, ok := a.Value("-x"); ok {
				lang = v
				if v == "none" {
					lang = ""
				}
			}
			c.Args = append(c.Args, a)
		}
	}
	walk(c.Words, -1, 0)
	return c, nil
}

// suffixLang is the language GCC gives a file by its suffix.
func suffixLang(name string) string {
	switch filepath.Ext(name) {
	case ".c":
		return "c"
	case ".i":
		return "cpp-output"
	case ".ii":
		return "c++-cpp-output"
	case ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C":
		return "c++"
	case ".h":
		return "c-header"
	case ".hh", ".H", ".hp", ".hxx", ".hpp", ".HPP", ".h++", ".tcc":
		return "c++-header"
	case ".s":
		return "assembler"
	case ".S", ".sx":
		return "assembler-with-cpp"
	case ".m", ".mi":
		return "objective-c"
	case ".mm", ".M", ".mii":
		return "objective-c++"
	case ".f", ".for", ".ftn", ".F", ".FOR", ".fpp", ".FPP", ".FTN", ".f90", ".f95", ".f03", ".f08",
		".F90", ".F95", ".F03", ".F08", ".go", ".d", ".adb", ".ads", ".rs":
		return "other"
	}
	return ""
}

// splitResponse splits a response file as GCC does: blanks separate
// words; single and double quotes group; a backslash escapes a character.
func splitResponse(s string) []string {
	var words []string
	var cur strings.Builder
	have := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\':
			esc, have = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, have = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
			if have {
				words = append(words, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		words = append(words, cur.String())
	}
	return words
}

// rebuild returns the arguments with each Arg replaced by f's words. A
// response file whose arguments all come through unchanged is passed on
// as its @file word; one with a changed argument is written out inline.
func (c *Command) rebuild(f func(int, Arg) []string) []string {
	var out []string
	for i := 0; i < len(c.Args); {
		a := c.Args[i]
		if a.resp < 0 {
			out = append(out, f(i, a)...)
			i++
			continue
		}
		j := i
		same := true
		var inline []string
		for ; j < len(c.Args) && c.Args[j].resp == a.resp; j++ {
			ws := f(j, c.Args[j])
			inline = append(inline, ws...)
			same = same && equal(ws, c.Args[j].Words)
		}
		if same {
			out = append(out, c.Words[a.resp])
		} else {
			out = append(out, inline...)
		}
		i = j
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// xTracker re-creates the -x state of a rewritten command: it is told
// the language each emitted input needs and writes "-x LANG" only where
// that changes, so no -x follows the last input.
type xTracker struct{ cur string }

// input returns the words for input word w that needs language lang ("" for none).
func (x *xTracker) input(lang string, w ...string) []string {
	if lang == "" {
		lang = "none"
	}
	if x.cur == "" {
		x.cur = "none"
	}
	if lang == x.cur {
		return w
	}
	x.cur = lang
	return append([]string{"-x", lang}, w...)
}

// words returns a's words in a command rebuilt with x: -x options are
// dropped, inputs get the -x they need.
func (x *xTracker) words(a Arg, ws ...string) []string {
	if _, ok := a.Value("-x"); ok {
		return nil
	}
	if !a.Input {
		return ws
	}
	lang := ""
	if a.X {
		lang = a.Lang
	}
	return x.input(lang, ws...)
}
