// Package ccwrap is the drop-in compiler wrapper behind "optpoline cc":
// it classifies a GCC or Clang command line, plans the steps that compile
// each C/C++ source to assembly, mark it up and assemble it, and runs them.
//
// The wrapper aims to be as transparent as ccache. Everything that does
// not produce an object from C or C++ (preprocessing, -S, queries such as
// --version, assembly inputs, probes reading stdin, -m32, LTO) passes
// through unchanged: the caller executes [Plan.Exec] in place of itself.
// A promoted compile runs three steps per source:
//
//  1. COMPILER ARGS -S -o TMP.s, with the user's flags, in the user's
//     working directory. Dependency files (-MD, -MMD) and the names of
//     auxiliary outputs (GCC's -dumpdir/-dumpbase) are pinned to what the
//     compiler would have derived from the real output, so they come out
//     as without the wrapper.
//  2. markup.Stream over TMP.s.
//  3. COMPILER -c -x assembler TMP.s -o OUT, passing the flags that reach
//     the assembler (-Wa, -Xassembler, -g…, -m64, -B, --target…). The
//     object is written next to OUT under a temporary name and renamed,
//     so a failed build leaves no partial object.
//
// With a launcher (ccache, distcc, sccache, icecc) as the first word, step
// 1 runs through the launcher and step 3 runs the compiler directly.
//
// With -save-temps the .s left behind is the marked-up assembly that was
// assembled: that is what -save-temps documents, the input of the
// assembler.
package ccwrap
