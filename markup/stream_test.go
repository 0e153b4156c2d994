package markup

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/optpoline/optpoline/internal/corpus"
	"github.com/optpoline/optpoline/passes"
)

// TestStreamMatchesFile marks up every corpus file gas accepts twice: whole
// (File) and in pieces of a few KiB (Stream), and requires the same sites
// and skips and, once assembled, the same bytes in every code section and
// in the slots. (The tables differ only in how many fragments they have.)
func TestStreamMatchesFile(t *testing.T) {
	units := corpus.BuildT(t)
	dir := t.TempDir()
	cfg := passes.Config{Outline: 2}
	var mu sync.Mutex
	compared, pieceCuts := 0, 0
	corpus.Parallel(units, func(k int, u corpus.Unit) {
		if !u.GasOK() {
			return
		}
		src, err := os.ReadFile(u.Path)
		if err != nil {
			t.Error(err)
			return
		}
		var whole, streamed bytes.Buffer
		wa, err := FileAll(u.Name, src, cfg, &whole)
		if err != nil {
			t.Errorf("%s: File: %v", u.Name, err)
			return
		}
		open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil }
		sa, err := StreamAll(u.Name, open, cfg, &streamed, 4096)
		if err != nil {
			t.Errorf("%s: Stream: %v", u.Name, err)
			return
		}
		wr, sr := wa.Calls, sa.Calls
		if wa.Dispatch.Summary() != sa.Dispatch.Summary() {
			t.Errorf("%s: File: %s; Stream: %s", u.Name, wa.Dispatch.Summary(), sa.Dispatch.Summary())
			return
		}
		if wr.Summary() != sr.Summary() {
			t.Errorf("%s: File: %s; Stream: %s", u.Name, wr.Summary(), sr.Summary())
			return
		}
		for i := range wr.Skipped {
			if a, b := wr.Skipped[i], sr.Skipped[i]; a.Line != b.Line || a.Reason != b.Reason {
				t.Errorf("%s: skip %d: File %d %q, Stream %d %q", u.Name, i, a.Line, a.Reason, b.Line, b.Reason)
				return
			}
		}
		if len(wr.Sites)+len(wa.Dispatch.Sites) == 0 {
			if !bytes.Equal(streamed.Bytes(), src) {
				t.Errorf("%s: nothing promoted but Stream changed the file", u.Name)
			}
			return
		}
		a, err := sectionBytes(whole.Bytes(), filepath.Join(dir, fmt.Sprintf("w%d", k)))
		if err != nil {
			t.Errorf("%s: whole: %v", u.Name, err)
			return
		}
		b, err := sectionBytes(streamed.Bytes(), filepath.Join(dir, fmt.Sprintf("s%d", k)))
		if err != nil {
			t.Errorf("%s: streamed: %v", u.Name, err)
			return
		}
		if a != b {
			t.Errorf("%s: streamed output assembles differently:\n%.400s\n%.400s", u.Name, a, b)
			return
		}
		mu.Lock()
		compared++
		pieceCuts += strings.Count(streamed.String(), "# optpoline: promoted-site data")
		mu.Unlock()
	})
	if compared < 50 {
		t.Errorf("only %d files compared", compared)
	}
	if pieceCuts <= compared {
		t.Errorf("%d data blocks for %d files: the files were not cut into pieces", pieceCuts, compared)
	}
	t.Logf("%d files with sites compared, %d pieces with sites", compared, pieceCuts)
}

// sectionBytes assembles src with as and returns the contents of its code
// sections (stubs aside) and the slot section.
func sectionBytes(src []byte, base string) (string, error) {
	if err := os.WriteFile(base+".s", src, 0o644); err != nil {
		return "", err
	}
	if out, err := exec.Command("as", "--64", base+".s", "-o", base+".o").CombinedOutput(); err != nil {
		return "", fmt.Errorf("as: %v\n%s", err, out)
	}
	ef, err := elf.Open(base + ".o")
	if err != nil {
		return "", err
	}
	defer ef.Close()
	// Section order depends on where a section first appears, which the
	// pieces change: compare the sorted list.
	var lines []string
	for _, s := range ef.Sections {
		// The stubs come in another order (each piece sorts its own);
		// branches reach them through relocations, not bytes.
		if s.Name == ".text.optpoline.stubs" {
			continue
		}
		if s.Flags&elf.SHF_EXECINSTR != 0 || s.Name == ".data.optpoline" {
			data, err := s.Data()
			if err != nil {
				return "", err
			}
			lines = append(lines, fmt.Sprintf("%s %x\n", s.Name, data))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, ""), nil
}
