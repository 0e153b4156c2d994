package ccwrap

import (
	"path/filepath"
	"strings"
)

// auxOpts are the options that make GCC write files named after the
// output ("dumpbase"): temporaries, coverage notes, stack usage, dumps.
var auxOpts = []string{"-save-temps", "--coverage", "-ftest-coverage", "-fprofile-arcs",
	"-fprofile-generate", "-fprofile-use", "-fauto-profile", "-fstack-usage",
	"-fcallgraph-info", "-fdump-"}

// pins returns the options that make the compile step of source src,
// which writes to a temporary file, name what it derives from the
// output as the original command would: the dependency file and its
// target (-MD, -MMD) and, for GCC, the base of auxiliary files. out is
// the -o argument (hasOut) or, for -c, the object's default name. With
// -save-temps it points j.Marked at the .s the compiler would have left.
//
// The names are those GCC 12 and Clang 14 derive. For -c: the
// dependency file is out with its suffix replaced by .d, its target out
// (quoted as by -MQ). Compiling and linking in one command with -o P,
// every source's dependency file is P.d with target P (each overwrites
// the last); without -o, GCC writes a-SRC.d and Clang SRC.d, both with
// target SRC.o.
func (p *Planner) pins(c *Command, src, out string, hasOut, compileOnly bool, j *Job) []string {
	var pins []string
	base := filepath.Base(src)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if c.has("-MD", "-MMD") {
		dep, target := stripExt(out)+".d", out
		if !hasOut {
			dep, target = stem+".d", stem+".o"
			if !compileOnly && p.Family == GCC {
				dep = "a-" + dep
			}
		}
		if !c.has("-MF") && !c.hasPrefix("-MF") {
			pins = append(pins, "-MF", dep)
		}
		if !c.has("-MT", "-MQ") && !c.hasPrefix("-MT", "-MQ") {
			pins = append(pins, "-MQ", target)
		}
	}
	if p.Family == Clang && c.wpDeps() && !c.has("-MT", "-MQ") && !c.hasPrefix("-MT", "-MQ") {
		// -Wp,-MD,FILE names the file; Clang takes the target from the
		// output (GCC's cc1 from the source: nothing to pin).
		target := out
		if !hasOut {
			target = stem + ".o"
		}
		pins = append(pins, "-MQ", target)
	}
	if !c.hasPrefix(auxOpts...) {
		return pins
	}
	// GCC names auxiliary files DUMPDIR + DUMPBASE minus DUMPBASE-EXT + suffix.
	dumpdir, dumpbase := "", base
	switch {
	case compileOnly && hasOut:
		dumpdir = out[:strings.LastIndex(out, "/")+1]
		dumpbase = stripExt(filepath.Base(out)) + ext
	case !compileOnly && hasOut:
		dumpdir = out + "-"
	case !compileOnly:
		dumpdir = "a-"
	}
	if p.Family == GCC && !c.hasPrefix("-dumpdir", "-dumpbase") {
		pins = append(pins, "-dumpdir", dumpdir, "-dumpbase", dumpbase, "-dumpbase-ext", ext)
	}
	if st, ok := c.saveTemps(); ok {
		s := dumpdir + strings.TrimSuffix(dumpbase, ext) + ".s"
		switch {
		case p.Family == Clang && st == "obj" && hasOut:
			s = filepath.Join(filepath.Dir(out), stem+".s")
		case p.Family == Clang:
			s = stem + ".s"
		case st == "cwd":
			s = filepath.Base(s)
		}
		j.Marked = s
	}
	return pins
}

// wpDeps reports a dependency file requested with -Wp,-MD,FILE or -Wp,-MMD,FILE (Kbuild's way).
func (c *Command) wpDeps() bool {
	for _, a := range c.Args {
		if w := a.Opt(); !a.Input && strings.HasPrefix(w, "-Wp,") {
			for _, f := range strings.Split(w, ",") {
				if f == "-MD" || f == "-MMD" {
					return true
				}
			}
		}
	}
	return false
}

// saveTemps reports -save-temps and its where (cwd, obj or "").
func (c *Command) saveTemps() (string, bool) {
	where, ok := "", false
	for _, a := range c.Args {
		if w := a.Opt(); !a.Input && (w == "-save-temps" || strings.HasPrefix(w, "-save-temps=")) {
			where, ok = strings.TrimPrefix(strings.TrimPrefix(w, "-save-temps"), "="), true
		}
	}
	return where, ok
}

// hasPrefix reports whether an option starts with one of prefixes.
func (c *Command) hasPrefix(prefixes ...string) bool {
	for _, a := range c.Args {
		if !a.Input && hasPrefix(a.Opt(), prefixes) {
			return true
		}
	}
	return false
}

// stripExt removes the suffix of name's last element.
func stripExt(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name))
}
