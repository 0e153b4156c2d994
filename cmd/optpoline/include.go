package main

import (
	"fmt"

	"github.com/optpoline/optpoline/ccwrap"
)

const printIncludeUsage = `Usage: optpoline print-include-dir

Extracts optpoline's headers (optpoline/static_call.h, and
optpoline/static_call.c for builds that do not link through optpoline cc)
into the cache and prints their directory, for -I:

  cc -I"$(optpoline print-include-dir)" …

optpoline cc adds it by itself (-idirafter).
`

func runPrintIncludeDir(e *env, args []string) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(e.stdout, printIncludeUsage)
			return 0
		}
		fmt.Fprint(e.stderr, printIncludeUsage)
		return 2
	}
	dir, err := ccwrap.IncludeCache(runtimeCacheDir())
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline print-include-dir: %v\n", err)
		return 1
	}
	fmt.Fprintln(e.stdout, dir)
	return 0
}
