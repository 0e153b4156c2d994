package ccwrap

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"

	optruntime "github.com/optpoline/optpoline/runtime"
)

// RuntimeCache returns a RuntimeObject function that builds the runtime
// (package optruntime's sources) with the given compiler once, into
// dir/runtime/KEY/optpoline-rt.o, and reuses it: KEY hashes the sources,
// their flags and the compiler's resolved path, size and modification
// time. Parallel builds (make -j) wait on a lock file for the one that
// builds; the object appears by rename, never half-written.
func RuntimeCache(dir string) func(compiler string) (string, error) {
	return func(compiler string) (string, error) {
		key, err := runtimeKey(compiler)
		if err != nil {
			return "", err
		}
		out := filepath.Join(dir, "runtime", key)
		obj := filepath.Join(out, "optpoline-rt.o")
		if _, err := os.Stat(obj); err == nil {
			return obj, nil
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", err
		}
		lock, err := os.OpenFile(out+".lock", os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return "", err
		}
		defer lock.Close()
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			return "", err
		}
		if _, err := os.Stat(obj); err == nil {
			return obj, nil // built while we waited
		}
		if err := buildRuntime(compiler, out, obj); err != nil {
			return "", fmt.Errorf("building the optpoline runtime with %s: %w", compiler, err)
		}
		return obj, nil
	}
}

// runtimeKey identifies a runtime build.
func runtimeKey(compiler string) (string, error) {
	path, err := exec.LookPath(compiler)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(path); err == nil {
		path = r
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%q\x00%v\x00", path, st.Size(), st.ModTime().UnixNano(), optruntime.CFlags, optruntime.Objects)
	err = fs.WalkDir(optruntime.Sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(optruntime.Sources, p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:20], err
}

// buildRuntime compiles every runtime source into out and combines the
// objects into obj with a relocatable link.
func buildRuntime(compiler, out, obj string) error {
	tmp, err := os.MkdirTemp(out, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, optruntime.Sources); err != nil {
		return err
	}
	// -Werror is for the runtime's own tests, not for a user's compiler.
	flags := slices.DeleteFunc(slices.Clone(optruntime.CFlags), func(f string) bool { return f == "-Werror" })
	var objs []string
	for i, o := range optruntime.Objects {
		dst := filepath.Join(tmp, fmt.Sprintf("%d.o", i))
		// -x: a C++ driver (g++, clang++) links C++ programs, and would
		// compile a .c file as C++.
		lang := "c"
		if filepath.Ext(o.Source) == ".S" {
			lang = "assembler-with-cpp"
		}
		args := append(append(slices.Clone(flags), o.Flags...), "-I", filepath.Join(tmp, "src"), "-x", lang, "-c", filepath.Join(tmp, o.Source), "-o", dst)
		if err := runQuiet(compiler, args...); err != nil {
			return err
		}
		objs = append(objs, dst)
	}
	combined := filepath.Join(tmp, "optpoline-rt.o")
	if err := runQuiet(compiler, append([]string{"-r", "-nostdlib", "-o", combined}, objs...)...); err != nil {
		return err
	}
	return os.Rename(combined, obj)
}

func runQuiet(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %v\n%s", name, args, err, out)
	}
	return nil
}
