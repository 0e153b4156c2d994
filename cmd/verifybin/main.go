// Command verifybin checks the site table of linked programs against their
// code (internal/e2e.VerifyBinary), for scripts: with -kernel, a kernel
// image (vmlinux) and kernel mode's promises (e2e.VerifyKernel).
//
//	verifybin [-kernel] FILE…
//
// It prints one summary line per file ("FILE: N sites in M fragments, …")
// and every problem, and exits 1 when there is a problem, 2 on a file it
// cannot read.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/optpoline/optpoline/internal/e2e"
)

func main() {
	kernel := flag.Bool("kernel", false, "FILE is a kernel image: verify kernel mode's sites")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: verifybin [-kernel] FILE…")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	status := 0
	for _, path := range flag.Args() {
		verify := e2e.VerifyBinary
		if *kernel {
			verify = e2e.VerifyKernel
		}
		rep, err := verify(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "verifybin: %v\n", err)
			status = 2
			continue
		}
		var flags []string
		for f, n := range rep.ByFlag {
			flags = append(flags, fmt.Sprintf("%s %d", f, n))
		}
		sort.Strings(flags)
		fmt.Printf("%s: %d sites in %d fragments, %d with an outline block; flags: %s\n",
			path, rep.Entries, rep.Fragments, rep.Outlined, strings.Join(flags, ", "))
		for _, p := range rep.Problems {
			fmt.Printf("%s: %s\n", path, p)
		}
		if len(rep.Problems) > 0 && status == 0 {
			status = 1
		}
	}
	os.Exit(status)
}
