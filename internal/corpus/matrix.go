package corpus

import "slices"

// A Config is one set of compiler flags applied to every program.
type Config struct {
	// Name is short, unique and free of '/', e.g. "O2-thunk-extern".
	Name string
	// Compilers lists the compiler families the config applies to: "gcc"
	// and/or "clang". C++ sources are compiled with g++ or clang++.
	Compilers []string
	// Flags are the compiler flags, not including -S -o.
	Flags []string
	// LinkFlags are added when the .s is linked into a program (e.g. -no-pie).
	LinkFlags []string
	// Thunks says the program needs testdata/c/support/thunks.s, which
	// defines __x86_indirect_thunk_*, __x86_return_thunk and __fentry__.
	Thunks bool
	// GasOK lists the families whose output GNU as 2.40 assembles as is.
	// clang's output is rejected because of .addrsig unless -fno-addrsig.
	GasOK []string
	// Links says the output links into a program (with the same driver).
	Links bool
	// Runs says that program runs and must print what gcc -O0 prints.
	Runs bool
	// NoRun lists sources (base names) that link but are not run, because
	// the compiler's output is known to be wrong. Each has a comment.
	NoRun []string
}

// Applies reports whether the config is used with the compiler family.
func (c Config) Applies(family string) bool { return slices.Contains(c.Compilers, family) }

var (
	both     = []string{"gcc", "clang"}
	gccOnly  = []string{"gcc"}
	clangOne = []string{"clang"}
)

// run is a config that links and runs; gas accepts gcc's output only.
func run(name string, fams []string, flags ...string) Config {
	c := Config{Name: name, Compilers: fams, Flags: flags, Links: true, Runs: true}
	if c.Applies("gcc") {
		c.GasOK = gccOnly
	}
	return c
}

func (c Config) link(flags ...string) Config { c.LinkFlags = flags; return c }
func (c Config) thunks() Config              { c.Thunks = true; return c }
func (c Config) noLink() Config              { c.Links, c.Runs = false, false; return c }
func (c Config) gas(fams ...string) Config   { c.GasOK = fams; return c }
func (c Config) noRun(srcs ...string) Config { c.NoRun = srcs; return c }

// ReferenceConfig names the config whose gcc (g++) build gives the expected
// output of every program.
const ReferenceConfig = "O0"

// Matrix is the list of configurations. Each one adds a form (see
// /work/shared/design/asm-forms.md); together they are not a cross product.
//
// Left out on purpose: gcc rejects -mindirect-branch=thunk (and
// thunk-inline) together with -fcf-protection and with -mcmodel=large;
// thunk-extern is accepted with both.
var Matrix = []Config{
	// Baselines. PIE is the default for both compilers.
	run("O0", both, "-O0"),
	run("O0-nopie-g", both, "-O0", "-fno-pie", "-g").link("-no-pie"),
	run("O1-verbose", both, "-O1", "-fverbose-asm"),
	run("O2", both, "-O2"),
	run("O2-g", both, "-O2", "-g"),
	run("Os", both, "-Os"),
	run("O3-avx2", both, "-O3", "-march=haswell"),
	run("O2-nopie", both, "-O2", "-fno-pie").link("-no-pie"),
	run("O2-pic", both, "-O2", "-fPIC"),
	run("O2-pic-noplt", both, "-O2", "-fPIC", "-fno-plt"),
	run("O2-cet", both, "-O2", "-fcf-protection=full"),
	run("O2-sections-common", both, "-O2", "-ffunction-sections", "-fdata-sections", "-fcommon"),
	run("O2-noasync-patchable", both, "-O2", "-fno-asynchronous-unwind-tables", "-fpatchable-function-entry=4,2"),
	run("O2-large", both, "-O2", "-fno-pie", "-mcmodel=large").link("-no-pie"),
	run("O2-large-pic", both, "-O2", "-fPIC", "-mcmodel=large"),
	// gcc: -mnop-mcount is rejected with -fPIC/-fPIE; clang 14 has neither
	// -mnop-mcount nor -mrecord-mcount on x86, so it calls __fentry__.
	run("O2-nopie-fentry-nop", gccOnly, "-O2", "-fno-pie", "-pg", "-mfentry", "-mrecord-mcount", "-mnop-mcount").
		link("-no-pie"),
	run("O2-fentry", clangOne, "-O2", "-pg", "-mfentry").thunks(),
	// Code only: kernel code model cannot link into a user-space program.
	run("O2-kernel", both, "-O2", "-fno-pie", "-mcmodel=kernel", "-mno-red-zone").noLink(),

	// gcc thunks and hardening.
	run("O0-thunk", gccOnly, "-O0", "-mindirect-branch=thunk"),
	run("O2-thunk", gccOnly, "-O2", "-mindirect-branch=thunk"),
	run("O2-g-thunk-reg", gccOnly, "-O2", "-g", "-mindirect-branch=thunk", "-mindirect-branch-register"),
	run("O2-thunk-extern", gccOnly, "-O2", "-mindirect-branch=thunk-extern").thunks(),
	run("O2-nopie-thunk-extern-reg-cs-ret", gccOnly, "-O2", "-fno-pie", "-mindirect-branch=thunk-extern",
		"-mindirect-branch-register", "-mindirect-branch-cs-prefix", "-mfunction-return=thunk-extern").
		thunks().link("-no-pie"),
	// gcc 12 bug: each inlined thunk body carries the out-of-line thunk's
	// ".cfi_def_cfa_offset 16", which stays in force after the site, so
	// unwinding through a thunk-inline call site (a C++ throw) crashes or
	// calls std::terminate. virt.cc throws through std::function calls.
	run("Os-thunk-inline", gccOnly, "-Os", "-mindirect-branch=thunk-inline").noRun("virt.cc", "throwcall.cc"),
	run("O2-sls-retthunk", gccOnly, "-O2", "-mharden-sls=all", "-mfunction-return=thunk"),
	run("O2-cet-thunk-extern-reg", gccOnly, "-O2", "-fcf-protection=full", "-mindirect-branch=thunk-extern",
		"-mindirect-branch-register").thunks(),
	run("O2-pic-tlsdesc", gccOnly, "-O2", "-fPIC", "-mtls-dialect=gnu2"),
	// Linux-kernel-like: every mitigation at once, code only.
	run("O2-kernel-thunk-extern-all", gccOnly, "-O2", "-fno-pie", "-mcmodel=kernel", "-mno-red-zone",
		"-fno-asynchronous-unwind-tables", "-mindirect-branch=thunk-extern", "-mindirect-branch-register",
		"-mindirect-branch-cs-prefix", "-mfunction-return=thunk-extern", "-mharden-sls=all",
		"-pg", "-mfentry", "-mrecord-mcount", "-mnop-mcount", "-fcf-protection=branch").noLink(),

	// clang retpolines.
	run("O2-retpoline", clangOne, "-O2", "-mretpoline"),
	run("O2-g-retpoline-extern", clangOne, "-O2", "-g", "-mretpoline-external-thunk").thunks(),
	run("O2-kernel-retpoline-extern", clangOne, "-O2", "-fno-pie", "-mcmodel=kernel", "-mno-red-zone",
		"-fno-asynchronous-unwind-tables", "-mretpoline-external-thunk").noLink(),
	// No "# TAILCALL" comments and no .addrsig: gas accepts this output.
	run("O2-noverbose-noaddrsig", clangOne, "-O2", "-fno-verbose-asm", "-fno-addrsig").gas("clang"),
	run("O0-g-noaddrsig", clangOne, "-O0", "-g", "-fno-addrsig").gas("clang"),
}
