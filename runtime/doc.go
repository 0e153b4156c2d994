// Package optruntime holds the optpoline run-time library: the C and
// x86-64 assembly sources that every marked-up executable and shared
// object links (sites.md §5), embedded so that the optpoline binary can
// build them on demand. The sources live in src/ (Go refuses C files in a
// package directory unless it uses cgo):
//
//   - optpoline.h: ABI v1 of the optpoline_sites table (mirrors package
//     abi) and the public API.
//   - learn.S: the learning stubs __optpoline_learn_REG and
//     __optpoline_learn_thunk_REG.
//   - learnjump.S: the dispatch sites' learning code
//     __optpoline_learn_jump_REG and __optpoline_learn_jump_thunk_REG.
//   - thunks.S: user-space retpoline thunks __x86_indirect_thunk_REG.
//   - ring.c: per-thread sample rings (build with -mgeneral-regs-only).
//   - runtime.c: registration, the promoter and the patch protocol.
//   - profile.c: profile dumps (OPTPOLINE=profile=DIR).
//   - include/optpoline/: the headers programs include (static_call.h,
//     see [Include]), static_call.c (static calls' implementation, also
//     compiled by users who do not link through optpoline cc) and
//     textpoke.h (the code-writing primitives runtime.c and static_call.c
//     share).
package optruntime

import (
	"embed"
	"io/fs"
)

// Sources are the runtime's source files.
//
//go:embed src/*.h src/*.S src/*.c src/include
var Sources embed.FS

// Objects lists the sources to compile, with the extra flags each needs.
var Objects = []struct {
	Source string
	Flags  []string
}{
	{"src/learn.S", nil},
	{"src/learnjump.S", nil},
	{"src/thunks.S", nil},
	{"src/ring.c", []string{"-mgeneral-regs-only"}},
	{"src/runtime.c", nil},
	{"src/profile.c", nil},
	{"src/include/optpoline/static_call.c", []string{"-DOPTPOLINE_STATIC_CALL_MODULE"}},
}

// Include is the include directory that "optpoline cc" puts on the
// include path and "optpoline print-include-dir" extracts: #include
// <optpoline/static_call.h>.
func Include() fs.FS {
	sub, err := fs.Sub(Sources, "src/include")
	if err != nil {
		panic(err) // the embedded tree always has it
	}
	return sub
}

// CFlags are the flags every runtime object is built with.
var CFlags = []string{"-O2", "-fPIC", "-std=c11", "-Wall", "-Wextra", "-Werror"}
