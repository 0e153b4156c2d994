package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/optpoline/optpoline/ccwrap"
	"github.com/optpoline/optpoline/internal/version"
	"github.com/optpoline/optpoline/profile"
)

const ccUsage = `Usage: optpoline cc [--optpoline-flags…] COMPILER ARGS…

A drop-in compiler wrapper: make CC="optpoline cc gcc". Each compile of a C
or C++ source to an object runs COMPILER -S, marks the assembly up and
assembles it with COMPILER; everything else runs COMPILER unchanged.
COMPILER may be preceded by a launcher (ccache, distcc, sccache, icecc).

Flags (anywhere on the line, or space-separated in OPTPOLINE_FLAGS):
  --optpoline-mode=user|kernel  markup mode (kernel is implied by -mcmodel=kernel)
  --optpoline-outline=K         outline-block entries per site (default 4)
  --optpoline-dispatch=S        dispatch jumps (computed goto): auto, off, learned, funnel
  --optpoline-off               run the compiler unchanged
  --optpoline-asm               also mark up .s and .S inputs
  --optpoline-fallback          on a markup error, warn and assemble the unmodified assembly
  --optpoline-profile=P         promote P's hot targets statically: no code is patched at
                                run time (P: optpoline profile export, or a dump directory)
  --optpoline-no-runtime        do not link the runtime; misses take the original branch
  --optpoline-keep-asm          keep each object's marked-up assembly next to it (x.o: x.opt.s)
`

// runCC is "optpoline cc": everything but the --optpoline-* options
// belongs to the compiler, so it does not parse flags with pflag.
func runCC(e *env, args []string) int {
	opts, words, err := ccwrap.SplitOptions(os.Getenv("OPTPOLINE_FLAGS"), args)
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline cc: %v\n", err)
		return 2
	}
	switch {
	case len(words) == 0:
		fmt.Fprint(e.stderr, ccUsage)
		return 2
	case words[0] == "-h" || words[0] == "--help":
		fmt.Fprint(e.stdout, ccUsage)
		return 0
	case words[0] == "--version":
		fmt.Fprintf(e.stdout, "optpoline %s (site ABI v%d)\n", version.Version, version.ABI)
		return 0
	}
	c, err := ccwrap.Parse(words, os.ReadFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline cc: %v\n", err)
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	planner := &ccwrap.Planner{
		Options: opts,
		Family:  ccwrap.FamilyOf(c.Compiler),
		TempDir: func() (string, error) { return os.MkdirTemp("", "optpoline-cc-") },
		Unique:  strconv.Itoa(os.Getpid()),
		Special: ccwrap.SpecialFile,
		// <optpoline/static_call.h>, extracted once into the cache.
		IncludeDir: func() (string, error) { return ccwrap.IncludeCache(runtimeCacheDir()) },
	}
	if !opts.NoRuntime {
		// The runtime is built once per compiler into the user's cache
		// ($XDG_CACHE_HOME/optpoline) and linked into executables and
		// shared objects.
		planner.RuntimeObject = ccwrap.RuntimeCache(runtimeCacheDir())
	}
	plan, err := planner.Plan(c)
	if err != nil {
		if plan != nil && plan.Dir != "" {
			os.RemoveAll(plan.Dir)
		}
		fmt.Fprintf(e.stderr, "optpoline: %v\n", err)
		return 1
	}
	if plan.Note != "" {
		fmt.Fprintln(e.stderr, plan.Note)
	}
	if plan.Exec != nil {
		signal.Reset()
		return execCompiler(e, plan.Exec)
	}
	var prof *profile.Profile
	if opts.Profile != "" && len(plan.Jobs) > 0 {
		if prof, _, err = loadProfiles([]string{opts.Profile}, true); err != nil {
			os.RemoveAll(plan.Dir)
			var pe *profile.Error
			if errors.As(err, &pe) {
				fmt.Fprintln(e.stderr, pe.Error())
			} else {
				fmt.Fprintf(e.stderr, "optpoline: --optpoline-profile: %v\n", err)
			}
			return 1
		}
	}
	r := &ccwrap.Runner{
		Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr,
		Signals: sigs,
		Options: opts,
		Warn:    func(s string) { fmt.Fprintln(e.stderr, s) },
		Fallback: func(me *ccwrap.MarkupError) {
			printMarkupError(e, me)
			fmt.Fprintln(e.stderr, "optpoline: assembling it without markup (--optpoline-fallback)")
		},
	}
	if prof != nil {
		r.Profile = prof
	}
	status, err := r.Run(plan)
	var se *ccwrap.SignalError
	var me *ccwrap.MarkupError
	switch {
	case errors.As(err, &se):
		return reraise(se.Signal)
	case errors.As(err, &me):
		printMarkupError(e, me)
		return 1
	case err != nil:
		fmt.Fprintf(e.stderr, "optpoline: %v\n", err)
		return 1
	}
	return status
}

// printMarkupError prints "optpoline: x.c: " and each error, capped.
func printMarkupError(e *env, me *ccwrap.MarkupError) {
	for i, l := range strings.Split(me.Err.Error(), "\n") {
		if i == maxErrors {
			fmt.Fprintf(e.stderr, "optpoline: %s: too many errors\n", me.Source)
			break
		}
		fmt.Fprintf(e.stderr, "optpoline: %s: %s\n", me.Source, l)
	}
}

// execCompiler replaces the wrapper with argv: the compiler then owns the
// streams, the signals and the exit status.
func execCompiler(e *env, argv []string) int {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "optpoline cc: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(e.stderr, "optpoline cc: %s: %v\n", argv[0], err)
	return 126
}

// reraise exits by sig, the way a shell expects a process that got it to end.
func reraise(sig os.Signal) int {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return 1
	}
	signal.Reset(s)
	syscall.Kill(os.Getpid(), s)
	time.Sleep(time.Second)
	return 128 + int(s)
}

// runtimeCacheDir is $XDG_CACHE_HOME/optpoline (~/.cache/optpoline), or a
// directory of the user's under $TMPDIR when that cannot be created (package
// builds run with HOME=/nonexistent).
func runtimeCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		if err := os.MkdirAll(filepath.Join(dir, "optpoline"), 0o755); err == nil {
			return filepath.Join(dir, "optpoline")
		}
	}
	return filepath.Join(os.TempDir(), "optpoline-"+strconv.Itoa(os.Getuid()))
}
