package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/optpoline/optpoline/profile"
)

const profileDoc = `Read the runtime's dumps (OPTPOLINE=profile=DIR) and profiles.

  show   FILE|DIR…       print the hottest sites and their targets
  export FILE|DIR…       map dumps' addresses to symbols (the binaries must be
                         the ones that ran: checked by build-id) into a profile
  merge  FILE|DIR…       add up dumps and profiles into one profile

A DIR stands for its *.dump files. export and merge write to -o OUT (stdout
without it). "optpoline cc --optpoline-profile=P" and "optpoline markup
--profile P" promote a profile's hot targets statically.`

func runProfile(e *env, args []string) int {
	fs := newFlagSet("profile", "show|export|merge [-o OUT] FILE|DIR…", profileDoc)
	out := fs.StringP("output", "o", "", "write the profile to `OUT` (export, merge)")
	top := fs.Int("top", 20, "sites to show (0: all)")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(e.stderr, "optpoline profile: %s\n", msg)
		return 2
	}
	if fs.NArg() < 2 {
		return usageErr("want show, export or merge and at least one FILE or DIR")
	}
	verb, inputs := fs.Arg(0), fs.Args()[1:]
	switch verb {
	case "show", "export", "merge":
	default:
		return usageErr(fmt.Sprintf("unknown subcommand %q: want show, export or merge", verb))
	}
	p, rep, err := loadProfiles(inputs, verb != "export")
	if err != nil {
		var pe *profile.Error
		if errors.As(err, &pe) {
			fmt.Fprintln(e.stderr, pe.Error())
		} else {
			fmt.Fprintf(e.stderr, "optpoline profile: %v\n", err)
		}
		return 1
	}
	if verb == "show" {
		if err := p.Show(e.stdout, *top); err != nil {
			fmt.Fprintf(e.stderr, "optpoline profile: %v\n", err)
			return 1
		}
		return 0
	}
	if rep.OtherModule+rep.Unnamed > 0 {
		fmt.Fprintf(e.stderr, "optpoline profile: %d sites; left out: %d calls to targets in other modules, %d to addresses no function symbol starts at\n",
			rep.Sites, rep.OtherModule, rep.Unnamed)
	}
	if rep.Patched > 0 {
		fmt.Fprintf(e.stderr, "optpoline profile: %d sites were patched while profiling (OPTPOLINE=learn,profile=…): their promoted targets stopped reaching the stub and are under-counted; OPTPOLINE=profile=DIR alone samples without patching\n", rep.Patched)
	}
	if err := writeOutput(e, *out, p.Write); err != nil {
		fmt.Fprintf(e.stderr, "optpoline profile: %v\n", err)
		return 1
	}
	return 0
}

// loadProfiles reads every input (a directory: its *.dump files), exports
// the dumps and merges them with the profiles (when profiles are allowed).
func loadProfiles(inputs []string, allowProfiles bool) (*profile.Profile, *profile.Report, error) {
	var files []string
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			files = append(files, in)
			continue
		}
		ds, err := filepath.Glob(filepath.Join(in, "*.dump"))
		if err != nil {
			return nil, nil, err
		}
		if len(ds) == 0 {
			return nil, nil, fmt.Errorf("%s: no *.dump files", in)
		}
		sort.Strings(ds)
		files = append(files, ds...)
	}
	var dumps []*profile.Dump
	merged := profile.New()
	for _, f := range files {
		b, err := readAll(f)
		if err != nil {
			return nil, nil, err
		}
		d, p, err := profile.Parse(f, b)
		switch {
		case err != nil:
			return nil, nil, err
		case d != nil:
			dumps = append(dumps, d)
		case !allowProfiles:
			return nil, nil, fmt.Errorf("%s: a profile, not a dump (merge adds profiles)", f)
		default:
			if err := merged.Merge(p); err != nil {
				return nil, nil, fmt.Errorf("%s: %v", f, err)
			}
		}
	}
	p, rep, err := profile.Export(dumps)
	if err != nil {
		return nil, nil, err
	}
	if err := merged.Merge(p); err != nil {
		return nil, nil, err
	}
	return merged, rep, nil
}

func readAll(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
