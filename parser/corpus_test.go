package parser

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
)

// TestCorpusRoundTrip parses every file of the corpus (real gcc and clang
// output, built at test time) and checks that it parses without error,
// prints back byte for byte, tiles, and that its canonical form parses to
// the same canonical form.
func TestCorpusRoundTrip(t *testing.T) {
	units := corpus.BuildT(t)
	var bytesTotal, stmts, instrs int
	for _, u := range units {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(u.Name, src)
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			continue
		}
		if err := f.CheckOperands(); err != nil {
			t.Errorf("%s: %v", u.Name, err)
		}
		checkTiling(t, f)
		var b bytes.Buffer
		NewRewriter(f).WriteTo(&b)
		if !bytes.Equal(b.Bytes(), src) {
			t.Errorf("%s: printed file differs from the input", u.Name)
		}
		canon := canonical(f)
		g, err := Parse(u.Name+"(canonical)", []byte(canon))
		if err != nil {
			t.Errorf("%s: canonical form does not parse: %v", u.Name, err)
			continue
		}
		if again := canonical(g); again != canon {
			t.Errorf("%s: canonical form is not stable:\n%s", u.Name, firstDiff(canon, again))
		}
		bytesTotal += len(src)
		stmts += len(f.Stmts)
		for i := range f.Stmts {
			if f.Stmts[i].Kind == Instr {
				instrs++
			}
		}
	}
	if instrs < 10000 {
		t.Errorf("only %d instructions in the corpus: is it being built?", instrs)
	}
	t.Logf("%d files, %.1f MB, %d statements, %d instructions", len(units), float64(bytesTotal)/1e6, stmts, instrs)
}

// canonical prints every non-blank statement of f in canonical form, one per
// line.
func canonical(f *File) string {
	var b strings.Builder
	for i := range f.Stmts {
		if f.Stmts[i].Kind == Blank {
			continue
		}
		b.WriteString(f.Format(i))
		b.WriteByte('\n')
	}
	return b.String()
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n\t%q\n\t%q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

// TestCorpusCanonicalAssembles assembles each corpus file and its canonical
// form (comments dropped, blanks normalised, operands re-spelled) with the
// unit's own compiler driver, and requires the same bytes and the same
// relocations in every allocated section: the parser's view of each
// statement and operand is faithful, not only its spans.
func TestCorpusCanonicalAssembles(t *testing.T) {
	units := corpus.BuildT(t)
	dir := t.TempDir()
	var mu sync.Mutex
	checked := 0
	corpus.Parallel(units, func(k int, u corpus.Unit) {
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Error(err)
			return
		}
		f, err := Parse(u.Name, src)
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			return
		}
		canonPath := filepath.Join(dir, fmt.Sprintf("%d.s", k))
		if err := os.WriteFile(canonPath, []byte(canonical(f)), 0o644); err != nil {
			t.Error(err)
			return
		}
		a, err := assemble(u, u.Path, filepath.Join(dir, fmt.Sprintf("%d-orig.o", k)))
		if err != nil {
			t.Errorf("%s: original does not assemble: %v", u.Name, err)
			return
		}
		b, err := assemble(u, canonPath, filepath.Join(dir, fmt.Sprintf("%d-canon.o", k)))
		if err != nil {
			t.Errorf("%s: canonical form does not assemble: %v", u.Name, err)
			return
		}
		if a != b {
			t.Errorf("%s: canonical form assembles differently:\n%s", u.Name, firstDiff(a, b))
			return
		}
		mu.Lock()
		checked++
		mu.Unlock()
	})
	t.Logf("%d of %d files assemble identically from their canonical form", checked, len(units))
}

// assemble runs the unit's compiler driver on an assembly file and
// summarises the allocated sections' bytes and relocations.
func assemble(u corpus.Unit, in, out string) (string, error) {
	args := []string{"-c", "-x", "assembler", in, "-o", out}
	if cmdOut, err := exec.Command(u.Compiler, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", u.Compiler, strings.Join(args, " "), err, cmdOut)
	}
	ef, err := elf.Open(out)
	if err != nil {
		return "", err
	}
	defer ef.Close()
	var b strings.Builder
	for _, s := range ef.Sections {
		switch {
		case s.Flags&elf.SHF_ALLOC != 0 && s.Type != elf.SHT_NOBITS:
			data, err := s.Data()
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s %v %x\n", s.Name, s.Flags, data)
		case s.Type == elf.SHT_RELA && !strings.HasPrefix(s.Name, ".rela.debug"):
			data, err := s.Data()
			if err != nil {
				return "", err
			}
			// Relocations name symbols by index; the symbol table order is
			// the same for both inputs, so the raw bytes compare.
			fmt.Fprintf(&b, "%s %x\n", s.Name, data)
		}
	}
	return b.String(), nil
}
