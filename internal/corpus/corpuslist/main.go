// Command corpuslist prints the paths of the largest corpus units, or
// writes large assembly files for benchmarks.
//
//	go run ./internal/corpus/corpuslist [-n N] [-gas]
//
// builds the corpus (or reuses the cached one; see package corpus) and
// prints the paths of the N largest units, largest first, one a line. With
// -gas it lists only units GNU as assembles as is.
//
//	go run ./internal/corpus/corpuslist -big PATH [-modules M]
//
// generates synthetic C translation units (about 20 functions per module:
// jump tables, indirect calls and tail calls through struct members and
// arrays, string literals, loops, TLS and varargs) and compiles them:
//
//	M modules:  gcc -O2 -g -S                    -> PATH
//	2M modules: gcc -O2 -fcf-protection=full -S  -> PATH without ".s", plus "-cet.s"
//
// and prints the two paths. With the default M=250 that is about 22 MB
// and 10 MB, and a first run takes about a minute on two cores. The C source is deterministic; the compiles
// run once in os.UserCacheDir()/optpoline/big-<hash>, where hash covers the
// source, the flags and gcc --version, so reruns only copy the files.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/optpoline/optpoline/internal/corpus"
)

func main() {
	n := flag.Int("n", 8, "print the `N` largest units (0: all)")
	gas := flag.Bool("gas", false, "only units GNU as assembles as is")
	big := flag.String("big", "", "instead of listing, write large gcc output to `PATH` (-O2 -g) and PATH minus \".s\" plus \"-cet.s\" (-O2 -fcf-protection=full)")
	modules := flag.Int("modules", 250, "with -big: `M` modules (about 20 functions each) in the generated C; the second file gets 2M")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: corpuslist [-n N] [-gas]\n       corpuslist -big PATH [-modules M]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if *big != "" {
		err = writeBig(*big, *modules)
	} else {
		err = list(*n, *gas)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "corpuslist: %v\n", err)
		os.Exit(1)
	}
}

func list(n int, gas bool) error {
	dir, err := corpus.Dir()
	if err != nil {
		return err
	}
	units, err := corpus.Build(dir)
	if err != nil {
		return err
	}
	type sized struct {
		path string
		size int64
	}
	var all []sized
	for _, u := range units {
		if gas && !u.GasOK() {
			continue
		}
		fi, err := os.Stat(u.Path)
		if err != nil {
			return err
		}
		all = append(all, sized{u.Path, fi.Size()})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].size != all[j].size {
			return all[i].size > all[j].size
		}
		return all[i].path < all[j].path
	})
	if n > 0 && n < len(all) {
		all = all[:n]
	}
	var b bytes.Buffer
	for _, s := range all {
		fmt.Fprintln(&b, s.path)
	}
	_, err = os.Stdout.Write(b.Bytes())
	return err
}

// A bigVariant is one compile of the generated source.
type bigVariant struct {
	name  string   // file name in the cache dir
	flags []string // gcc flags, not including -S -o
	mult  int      // modules generated: mult × -modules
}

// The -g output is about 5 times the size of the output without it, so
// the second variant compiles twice as many modules: that keeps the
// instruction-heavy file large without making the first compile slow.
var bigVariants = []bigVariant{
	{"big-g.s", []string{"-O2", "-g"}, 1},
	{"big-cet.s", []string{"-O2", "-fcf-protection=full"}, 2},
}

// debugDir replaces the compile directory in the debug information.
const debugDir = "/optpoline-big"

// seed fixes the generated source.
const seed = 0x0b7b011e

func writeBig(path string, modules int) error {
	if modules < 1 {
		return errors.New("-modules must be positive")
	}
	srcs := make([][]byte, len(bigVariants))
	for i, v := range bigVariants {
		var b bytes.Buffer
		if err := genC(&b, modules*v.mult, seed); err != nil {
			return err
		}
		srcs[i] = b.Bytes()
	}
	ver, err := exec.Command("gcc", "--version").Output()
	if err != nil {
		return fmt.Errorf("gcc --version: %v (is gcc installed?)", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%q\n%s\n", genVersion, ver, debugDir)
	for i, v := range bigVariants {
		fmt.Fprintf(h, "%s %q %d\n", v.name, v.flags, len(srcs[i]))
		h.Write(srcs[i])
	}
	cacheRoot, err := os.UserCacheDir()
	if err != nil {
		return err
	}
	root := filepath.Join(cacheRoot, "optpoline")
	final := filepath.Join(root, "big-"+hex.EncodeToString(h.Sum(nil))[:24])
	if _, err := os.Stat(filepath.Join(final, "done")); err != nil {
		if err := compileBig(root, final, srcs); err != nil {
			return err
		}
	}
	dsts := []string{path, strings.TrimSuffix(path, ".s") + "-cet.s"}
	for i, v := range bigVariants {
		if err := copyFile(dsts[i], filepath.Join(final, v.name)); err != nil {
			return err
		}
		fmt.Println(dsts[i])
	}
	return nil
}

// compileBig compiles srcs[i] with bigVariants[i], in parallel, into a
// temporary directory renamed to final when all succeeded.
func compileBig(root, final string, srcs [][]byte) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(root, filepath.Base(final)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // no-op after the rename
	fmt.Fprintf(os.Stderr, "corpuslist: compiling generated C into %s (once; cached)\n", final)
	errs := make([]error, len(bigVariants))
	var wg sync.WaitGroup
	for i, v := range bigVariants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfile := strings.TrimSuffix(v.name, ".s") + ".c"
			if err := os.WriteFile(filepath.Join(tmp, cfile), srcs[i], 0o644); err != nil {
				errs[i] = err
				return
			}
			// Compile in tmp with relative names and map tmp away, so
			// the output does not depend on the temporary directory.
			args := append(append([]string{}, v.flags...), "-fdebug-prefix-map="+tmp+"="+debugDir, "-S", "-o", v.name, cfile)
			cmd := exec.Command("gcc", args...)
			cmd.Dir = tmp
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("gcc %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "done"), nil, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another process finished first; use its copy.
		if _, serr := os.Stat(filepath.Join(final, "done")); serr != nil {
			return err
		}
	}
	return nil
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if d := filepath.Dir(dst); d != "." {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
