package main

import (
	"errors"
	"fmt"

	"github.com/optpoline/optpoline/internal/version"
	"github.com/spf13/pflag"
)

// newFlagSet returns a flag set for a subcommand with --help and --version.
func newFlagSet(name, argsUsage, doc string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Usage = func() {}
	fs.BoolP("help", "h", false, "show this help")
	fs.Bool("version", false, "print the version")
	fs.SetAnnotation("help", "usage", []string{"optpoline " + name + " [flags] " + argsUsage, doc})
	return fs
}

// parseFlags parses args; done reports that the command must return code
// now (after --help, --version or a usage error).
func parseFlags(e *env, fs *pflag.FlagSet, args []string) (code int, done bool) {
	fs.SetOutput(e.stderr)
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) || err == nil && mustBool(fs, "help") {
		printUsage(e, fs, e.stdout)
		return 0, true
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline %s: %v\n", fs.Name(), err)
		printUsage(e, fs, e.stderr)
		return 2, true
	}
	if mustBool(fs, "version") {
		fmt.Fprintf(e.stdout, "optpoline %s (site ABI v%d)\n", version.Version, version.ABI)
		return 0, true
	}
	return 0, false
}

func printUsage(e *env, fs *pflag.FlagSet, w interface{ Write([]byte) (int, error) }) {
	u := fs.Lookup("help").Annotations["usage"]
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n%s", u[0], u[1], fs.FlagUsages())
}

func mustBool(fs *pflag.FlagSet, name string) bool {
	v, _ := fs.GetBool(name)
	return v
}
