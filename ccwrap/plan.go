package ccwrap

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/passes"
)

// Family is the compiler's family: it decides how the compiler names the
// files it derives from its output.
type Family uint8

const (
	GCC Family = iota
	Clang
)

// A Plan is what the wrapper does for one command line.
type Plan struct {
	// Exec, when set, is the whole plan: run this command, the original
	// one, in place of the wrapper.
	Exec []string
	Why  string // why the command passes through
	Note string // a message for stderr

	Jobs []Job       // one per input of the compile, in order
	Link []string    // compile and link in one command: the link, after the jobs
	Mode passes.Mode // the markup mode
	Dir  string      // the temporary directory; removed when the run ends
	// Runtime says the markup sends misses to the runtime's learning
	// stubs: the program will be linked with the runtime (through the
	// wrapper). False for freestanding code and kernel mode.
	Runtime bool
}

// A Job compiles one input. A promoted job runs Compile (to Asm), marks
// Asm up into Marked and assembles Marked into Tmp; a plain job, for an
// input that is not C or C++, only runs Compile. Tmp is renamed to Out
// when Out is set.
type Job struct {
	Source   string   // the input, as given
	Compile  []string // COMPILER … -S -o Asm, or the plain compile
	Asm      string   // the compiler's assembly; "" for a plain job
	Marked   string   // the marked-up assembly
	Assemble []string // COMPILER … -c -x assembler Marked -o Tmp
	Tmp      string   // the object as the assembler writes it
	Out      string   // the object's final name, or "" to keep Tmp
	arg      int      // index of the input in Command.Args
}

// A Planner turns a Command into a Plan.
type Planner struct {
	Options Options
	Family  Family
	// TempDir makes the invocation's private temporary directory; it is
	// called only when a plan needs one.
	TempDir func() (string, error)
	// Unique goes into the names of the temporary objects written next
	// to their final name, so concurrent builds do not collide.
	Unique string
	// Special reports whether path exists and is not a regular file
	// (/dev/null): the object is written to it directly.
	Special func(path string) bool
	// RuntimeObject, when set, returns the runtime object a link of an
	// executable or shared object needs (not with -nostdlib, -r,
	// -ffreestanding or in kernel mode); nil leaves markup self-contained
	// and links untouched.
	RuntimeObject func(compiler string) (string, error)
	// IncludeDir, when set, returns the directory of <optpoline/…>
	// headers (IncludeCache): commands that preprocess C or C++ get it
	// with -idirafter, also those that pass through (-E, -M, -S…); not
	// kernel or freestanding ones (user-space headers). An error leaves
	// the command without it.
	IncludeDir func() (string, error)
}

// promotable is the languages whose objects the wrapper promotes.
var promotable = set("c", "c++", "cpp-output", "c++-cpp-output")

// passOpts are the options that make the command something other than a
// compile to an object (or that the wrapper does not promote): it passes
// through.
var passOpts = set("-E", "-M", "-MM", "-S", "-fsyntax-only", "-###", "--version",
	"-dumpversion", "-dumpfullversion", "-dumpmachine", "-dumpspecs", "--target-help",
	"-m16", "-m32", "-mx32", "-gsplit-dwarf", "-emit-llvm", "-fembed-bitcode")

// clangAux are the options that make Clang write a file named after the
// object (GCC's are pinned with -dumpbase instead): Clang compiles them unchanged.
var clangAux = []string{"--coverage", "-ftest-coverage", "-fprofile-arcs", "-fstack-usage",
	"-ftime-trace", "-fsave-optimization-record"}

// passPrefixes are prefixes of such options.
var passPrefixes = []string{"-print-", "--print-", "--help", "-fdump-go-spec"}

// Plan returns the plan for c.
func (p *Planner) Plan(c *Command) (*Plan, error) {
	pass := func(why, note string) (*Plan, error) {
		return &Plan{Exec: append(c.tool(true), c.Words...), Why: why, Note: note}, nil
	}
	if p.Options.Off {
		return pass(Prefix+"off", "")
	}
	if p.IncludeDir != nil && c.preprocesses() && p.Options.Mode == passes.User &&
		!c.has("-nostdinc", "-ffreestanding", "-mcmodel=kernel") {
		if dir, err := p.IncludeDir(); err == nil {
			c.addInclude(dir)
		}
	}
	var sources, inputs int
	compileOnly, verbose, lto, output := false, false, false, 0
	kernelBuild, cmodel := false, ""
	mode := p.Options.Mode
	for _, a := range c.Args {
		w := a.Opt()
		if a.Input {
			inputs++
			switch {
			case w == "-":
				return pass("reads stdin", "")
			case promotable[a.Lang] || p.Options.Asm && (a.Lang == "assembler" || a.Lang == "assembler-with-cpp"):
				sources++
			case a.Lang != "" && a.Lang != "assembler" && a.Lang != "assembler-with-cpp":
				return pass("input "+w+" is "+a.Lang, "")
			}
			continue
		}
		switch {
		case passOpts[w]:
			return pass(w, "")
		case hasPrefix(w, passPrefixes):
			return pass(w, "")
		case w == "-c":
			compileOnly = true
		case w == "-v":
			verbose = true
		case isOutput(a):
			output++
		case strings.HasPrefix(w, "-flto") && w != "-flto=none":
			lto = true
		case w == "-fno-lto" || w == "-flto=none":
			lto = false
		case strings.HasPrefix(w, "-mcmodel="):
			cmodel = w // the last one counts
		case isKernelDefine(a):
			kernelBuild = true
		}
	}
	if cmodel == "-mcmodel=kernel" && !p.Options.ModeSet {
		mode = passes.Kernel
	}
	switch {
	case kernelBuild && mode != passes.Kernel && !p.Options.ModeSet:
		// Kbuild compiles the code outside the kernel image (the vDSO
		// with a later -mcmodel=small, the decompressor, boot and
		// real-mode code) with __KERNEL__ but without the kernel's code
		// model. It links neither the runtime nor the kernel's sections.
		return pass("-D__KERNEL__ without -mcmodel=kernel", "")
	case inputs == 0 && verbose:
		return pass("-v", "")
	case inputs == 0:
		return pass("no input files", "")
	case lto:
		return pass("-flto", "optpoline: -flto: LTO objects are not promoted")
	case sources == 0 && !compileOnly && p.linksRuntime(c, mode):
		// A link of objects: it gets the runtime, which their sites need.
		obj, err := p.RuntimeObject(c.Compiler)
		if err != nil {
			return nil, err
		}
		argv := append(append(c.tool(true), c.Words...), runtimeLink(c, obj)...)
		return &Plan{Exec: argv, Why: "a link: the runtime is added"}, nil
	case sources == 0:
		return pass("no C or C++ input", "")
	case p.Family == Clang && c.hasPrefix(clangAux...):
		return pass("Clang names its "+strings.Join(clangAux, ", ")+" files after the output", "")
	case compileOnly && output > 0 && inputs > 1:
		return pass("-o with -c and several inputs", "")
	}

	dir, err := p.TempDir()
	if err != nil {
		return nil, err
	}
	plan := &Plan{Mode: mode, Dir: dir, Runtime: p.linksRuntime(c, mode)}
	k := 0
	for i, a := range c.Args {
		if !a.Input {
			continue
		}
		if !promotable[a.Lang] && !(p.Options.Asm && sources > 0 && strings.HasPrefix(a.Lang, "assembler")) {
			if compileOnly {
				plan.Jobs = append(plan.Jobs, Job{Source: a.Opt(), Compile: p.plainCompile(c, i)})
			}
			continue
		}
		k++
		plan.Jobs = append(plan.Jobs, p.job(c, i, k, compileOnly, dir))
	}
	if !compileOnly {
		plan.Link = p.link(c, plan.Jobs)
		if plan.Runtime {
			obj, err := p.RuntimeObject(c.Compiler)
			if err != nil {
				return plan, err
			}
			plan.Link = append(plan.Link, runtimeLink(c, obj)...)
		}
	}
	return plan, nil
}

// isKernelDefine reports whether a is -D__KERNEL__, as Kbuild passes it.
func isKernelDefine(a Arg) bool {
	v, ok := a.Value("-D")
	return ok && v == "__KERNEL__"
}

// linksRuntime reports whether the command's code runs with the runtime:
// user mode, a runtime to link, and neither freestanding code nor a
// partial or libc-less link.
func (p *Planner) linksRuntime(c *Command, mode passes.Mode) bool {
	return p.RuntimeObject != nil && mode == passes.User &&
		!c.has("-nostdlib", "-nodefaultlibs", "-nostartfiles", "-ffreestanding", "-r", "-static-pie")
}

// runtimeLink is what a link adds for the runtime: its object, and for an
// executable the export of its entry points, so that shared objects loaded
// later find the executable's registry instead of starting their own.
func runtimeLink(c *Command, obj string) []string {
	if c.has("-shared") {
		return []string{obj}
	}
	return []string{obj, "-Wl,--export-dynamic-symbol=optpoline_*"}
}

func hasPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// has reports whether any of the options is given, as a whole word.
func (c *Command) has(opts ...string) bool {
	for _, a := range c.Args {
		for _, o := range opts {
			if !a.Input && a.Opt() == o {
				return true
			}
		}
	}
	return false
}

// isOutput reports whether a is -o FILE or -oFILE.
func isOutput(a Arg) bool {
	_, ok := a.Value("-o")
	return ok && !strings.HasPrefix(a.Opt(), "-ob")
}

// output is the -o argument, if any.
func (c *Command) output() (string, bool) {
	v, ok := "", false
	for _, a := range c.Args {
		if isOutput(a) {
			v, _ = a.Value("-o")
			ok = true
		}
	}
	return v, ok
}

// tool is the command prefix: the launcher (for the compile step) and the compiler.
func (c *Command) tool(launch bool) []string {
	if launch && c.Launcher != "" {
		return []string{c.Launcher, c.Compiler}
	}
	return []string{c.Compiler}
}

// plainCompile compiles input i of a -c command as the compiler would.
func (p *Planner) plainCompile(c *Command, i int) []string {
	var x xTracker
	args := c.rebuild(func(n int, a Arg) []string {
		if a.Input && n != i {
			return nil
		}
		return x.words(a, a.Words...)
	})
	return append(c.tool(true), args...)
}

// linkOnly are options that only the link reads; the compile steps of a
// compile-and-link command leave them out, as the driver does.
var linkOnly = set("-shared", "-pie", "-no-pie", "-rdynamic", "-s", "-r",
	"-static-libgcc", "-static-libstdc++", "-Xlinker", "-T", "-u", "-z", "-e", "-L", "-l")

var linkOnlyPrefixes = []string{"-Wl,", "-l", "-L", "-fuse-ld=", "--ld-path="}

// job plans the promoted compile of input i, the k-th promoted one.
func (p *Planner) job(c *Command, i, k int, compileOnly bool, dir string) Job {
	src := c.Args[i].Opt()
	base := filepath.Base(src)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	tmp := filepath.Join(dir, strconv.Itoa(k)+"-"+stem)
	j := Job{Source: src, Asm: tmp + ".s", Marked: tmp + ".opt.s", arg: i}
	out, hasOut := c.output()
	if compileOnly {
		if !hasOut {
			out = stem + ".o"
		}
		j.Out, j.Tmp = out, p.tmpObject(out)
		if j.Tmp == out {
			j.Out = ""
		}
	} else {
		j.Tmp = tmp + ".o"
	}
	step := "-S"
	if strings.HasPrefix(c.Args[i].Lang, "assembler") {
		step = "-E" // --optpoline-asm: preprocess (or copy) the assembly
	}
	var x xTracker
	args := c.rebuild(func(n int, a Arg) []string {
		switch {
		case a.Input && n != i:
			return nil
		case a.Input:
			return x.words(a, a.Words...)
		case a.Opt() == "-x":
			return nil
		case a.Opt() == "-c":
			return []string{step}
		case isOutput(a):
			return nil
		case !compileOnly && (linkOnly[a.Opt()] || hasPrefix(a.Opt(), linkOnlyPrefixes)):
			return nil
		}
		return a.Words
	})
	if !compileOnly {
		args = append(args, step)
	}
	args = append(args, p.pins(c, src, out, hasOut, compileOnly, &j)...)
	if p.Options.KeepAsm && compileOnly && !(p.Special != nil && p.Special(out)) {
		j.Marked = stripExt(out) + ".opt.s"
	}
	if c.Args[i].Lang == "assembler" {
		j.Asm = src // --optpoline-asm: the input is the assembly
	} else {
		j.Compile = append(append(c.tool(true), args...), "-o", j.Asm)
	}
	asm := c.rebuild(func(_ int, a Arg) []string {
		if !a.Input && reachesAssembler(a.Opt()) {
			return a.Words
		}
		return nil
	})
	if p.Family == Clang {
		asm = append(asm, "-Qunused-arguments")
	}
	j.Assemble = append(append(c.tool(false), asm...), "-c", "-x", "assembler", j.Marked, "-o", j.Tmp)
	return j
}

// tmpObject is where the assembler writes out before it is renamed: a
// hidden name in the same directory, or out itself for a special file.
func (p *Planner) tmpObject(out string) string {
	if p.Special != nil && p.Special(out) {
		return out
	}
	d, b := filepath.Split(out)
	return d + "." + b + ".optpoline-" + p.Unique + ".tmp"
}

// reachesAssembler reports whether the driver hands option w (or what it
// implies) to the assembler.
func reachesAssembler(w string) bool {
	switch w {
	case "-Xassembler", "-m64", "-B", "--sysroot", "-target", "-v", "-Qy", "-Qn",
		"-fintegrated-as", "-fno-integrated-as", "-integrated-as", "-no-integrated-as":
		return true
	}
	return hasPrefix(w, []string{"-Wa,", "-g", "-B", "--sysroot=", "--target=", "-target=",
		"-fdebug-prefix-map=", "-ffile-prefix-map=", "-fdebug-compilation-dir", "--gcc-toolchain="})
}

// link is the link of a compile-and-link command: the original command
// with each promoted source replaced by its object.
func (p *Planner) link(c *Command, jobs []Job) []string {
	objs := map[int]string{}
	for _, j := range jobs {
		if j.Tmp != "" {
			objs[j.arg] = j.Tmp
		}
	}
	var x xTracker
	args := c.rebuild(func(n int, a Arg) []string {
		if obj, ok := objs[n]; ok {
			return x.input("", obj)
		}
		return x.words(a, a.Words...)
	})
	return append(c.tool(false), args...)
}
