package objtoolcheck

import (
	"strings"

	"github.com/optpoline/optpoline/parser"
)

// checkSections checks the section stack, and that instructions go only to
// executable sections.
func (c *checker) checkSections() {
	f := c.f
	var (
		ss     parser.SectionState
		pushes []int
		exec   = map[string]bool{}
		warned = map[string]bool{}
		macros = map[string]bool{}
		buf    [3]parser.Span
	)
	for i := range f.Stmts {
		st := &f.Stmts[i]
		if st.Kind == parser.Directive {
			switch w := f.Word(i); w {
			case ".macro":
				if name := strings.Fields(strings.ReplaceAll(f.Args(i), ",", " ")); len(name) > 0 {
					macros[name[0]] = true
				}
			case ".pushsection", ".section":
				if args := f.SplitArgs(i, buf[:0]); len(args) >= 2 {
					flags := strings.TrimSpace(string(f.Src[args[1].Pos:args[1].End]))
					if strings.HasPrefix(flags, `"`) {
						name, _ := f.SectionName(i)
						exec[name] = strings.Contains(flags, "x")
					}
				}
				if w == ".pushsection" {
					pushes = append(pushes, i)
				}
			case ".popsection":
				if len(pushes) == 0 {
					c.report(i, c.funcName(i), Sections, ".popsection without .pushsection")
					continue // Step would fail the same way
				}
				pushes = pushes[:len(pushes)-1]
			case ".previous":
				// as accepts .previous even with no previous section
				// (it swaps with ""); code after it goes nowhere useful.
			}
			ss.Step(f, i)
			continue
		}
		if st.Kind != parser.Instr && st.Kind != parser.Prefix {
			continue
		}
		if macros[f.Word(i)] {
			// An invocation of a macro the file defined: what it expands
			// to is its business (the kernel's extable_type_reg writes
			// data into __ex_table).
			continue
		}
		sec := ss.Current()
		x, declared := exec[sec]
		if !declared {
			x = textName(sec)
		}
		if !x && !warned[sec] {
			warned[sec] = true
			name := sec
			if name == "" {
				name = "(no section: as puts it in .text)"
				if st.Flags&parser.InlineAsm != 0 {
					continue
				}
				c.report(i, c.funcName(i), Sections, "instruction before any section directive %s", name)
				continue
			}
			c.report(i, c.funcName(i), Sections, "instruction in non-executable section %s", name)
		}
	}
	for _, i := range pushes {
		c.report(i, c.funcName(i), Sections, ".pushsection without .popsection")
	}
}

// textName reports whether a section named so is code by its name alone
// (as gives these "ax" by default, and compilers use them without flags).
func textName(s string) bool {
	return s == ".text" || strings.HasPrefix(s, ".text.") || strings.HasSuffix(s, ".text") ||
		s == ".init" || s == ".fini" || strings.HasPrefix(s, ".gnu.linkonce.t.") ||
		s == ".fixup" || s == ".altinstr_replacement"
}

// checkSizes checks that every function symbol has a .size, in the
// section of its label.
func (c *checker) checkSizes() {
	f := c.f
	sized := map[string]int{}
	var buf [2]parser.Span
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive && f.WordIs(i, ".size") {
			if args := f.SplitArgs(i, buf[:0]); len(args) >= 1 {
				sized[strings.TrimSpace(string(f.Src[args[0].Pos:args[0].End]))] = i
			}
		}
	}
	// A code label with a .size but no .type: a NOTYPE symbol with a size.
	typed := map[string]bool{}
	for i := range f.Stmts {
		if f.Stmts[i].Kind == parser.Directive && f.WordIs(i, ".type") {
			if args := f.SplitArgs(i, buf[:0]); len(args) >= 1 {
				typed[strings.TrimSpace(string(f.Src[args[0].Pos:args[0].End]))] = true
			}
		}
	}
	for name, j := range sized {
		if l, ok := c.labels[name]; ok && !typed[name] && textName(c.sec[l]) && c.labelTarget(l) >= 0 {
			c.report(j, "", NoSize, "%s has a .size but no \".type %s, @function\": a sized NOTYPE symbol", name, name)
		}
	}
	// An alias (".set g, f", gcc's C1/C2 constructors) gets the size of
	// its target: none if the target has none.
	for i := range f.Stmts {
		if f.Stmts[i].Kind != parser.Directive || !(f.WordIs(i, ".set") || f.WordIs(i, ".equ")) {
			continue
		}
		args := f.SplitArgs(i, buf[:0])
		if len(args) != 2 {
			continue
		}
		alias := strings.TrimSpace(string(f.Src[args[0].Pos:args[0].End]))
		target := strings.TrimSpace(string(f.Src[args[1].Pos:args[1].End]))
		if k, ok := c.byName[target]; ok && !isThunkBody(c.funcs[k]) {
			if _, sizedT := sized[target]; !sizedT {
				if _, sizedA := sized[alias]; !sizedA {
					c.report(i, alias, NoSize, "%s() is missing an ELF size annotation (an alias of %s, which has none)", symName(alias), symName(target))
				}
			}
		}
	}
	for _, fn := range c.funcs {
		if isThunkBody(fn) {
			continue // gcc writes its thunks (comdat) without .size
		}
		j, ok := sized[fn.Name]
		switch {
		case !ok:
			c.report(fn.Label, fn.Name, NoSize, "%s() is missing an ELF size annotation (.size %s, .-%s)", symName(fn.Name), fn.Name, fn.Name)
		case c.sec[j] != fn.Section:
			c.report(j, fn.Name, Sections, ".size %s is in section %s, its label in %s", fn.Name, c.sec[j], fn.Section)
		}
	}
}
