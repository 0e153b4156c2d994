package ccwrap

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// FamilyOf tells Clang from GCC by the name the compiler resolves to
// (Debian's cc and gcc are links to gcc-12, clang to llvm-14/bin/clang);
// anything else is taken for GCC.
func FamilyOf(compiler string) Family {
	name := filepath.Base(compiler)
	if p, err := exec.LookPath(compiler); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			name += " " + filepath.Base(r)
		}
	}
	if strings.Contains(name, "clang") {
		return Clang
	}
	return GCC
}

// SpecialFile reports whether path exists and is not a regular file, as
// /dev/null: the assembler writes such an output directly.
func SpecialFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular()
}
