package ccwrap

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	optruntime "github.com/optpoline/optpoline/runtime"
)

// IncludeCache extracts the runtime's include directory (optpoline/
// static_call.h and its implementation) into dir/include/KEY once, KEY
// hashing its files, and returns that directory. The tree appears by
// rename, never half-written.
func IncludeCache(dir string) (string, error) {
	inc := optruntime.Include()
	h := sha256.New()
	err := fs.WalkDir(inc, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(inc, p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	root := filepath.Join(dir, "include")
	out := filepath.Join(root, hex.EncodeToString(h.Sum(nil))[:20])
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, "tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, inc); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, out); err != nil {
		if _, serr := os.Stat(out); serr == nil {
			return out, nil // another build extracted it first
		}
		return "", err
	}
	return out, nil
}

// preprocessed are the input languages the preprocessor reads #include in.
var preprocessed = set("c", "c++", "c-header", "c++-header", "assembler-with-cpp",
	"objective-c", "objective-c++", "objective-c-header", "objective-c++-header")

// preprocesses reports whether the command preprocesses an input (so
// that an include option is never an unused argument, which Clang warns
// about).
func (c *Command) preprocesses() bool {
	for _, a := range c.Args {
		if a.Input && preprocessed[a.Lang] {
			return true
		}
	}
	return false
}

// addInclude appends "-idirafter dir": searched after every other
// directory, so a build that does not include <optpoline/…> is unchanged.
func (c *Command) addInclude(dir string) {
	c.Words = append(c.Words[:len(c.Words):len(c.Words)], "-idirafter", dir)
	c.Args = append(c.Args[:len(c.Args):len(c.Args)], Arg{Words: []string{"-idirafter", dir}, resp: -1})
}
