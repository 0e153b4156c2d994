package ccwrap

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/optpoline/optpoline/internal/atomicfile"
	"github.com/optpoline/optpoline/markup"
	"github.com/optpoline/optpoline/passes"
)

// A Runner carries out a plan's jobs. The compiler's own output and exit
// status pass through.
type Runner struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Signals delivers the signals the caller catches (SIGINT, SIGTERM,
	// SIGHUP): the running compiler gets the signal, the temporary files
	// are removed, and Run returns a *SignalError.
	Signals <-chan os.Signal
	Options Options
	// Fallback is told of each markup error that --optpoline-fallback
	// lets pass: the compiler's own assembly is assembled instead.
	Fallback func(*MarkupError)
	// Profile is the loaded Options.Profile, if any; Warn is told of each
	// stale profile entry, as "FILE:LINE: warning: MSG".
	Profile passes.StaticProfile
	Warn    func(string)
}

// A MarkupError is a markup failure on the assembly of Source.
type MarkupError struct {
	Source string
	Err    error
}

func (e *MarkupError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *MarkupError) Unwrap() error { return e.Err }

// A SignalError reports that the run stopped on a signal.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "interrupted by " + e.Signal.String() }

// Run runs p's jobs and link and returns the exit status: the first
// failing compiler's, or 0. Like the compiler, a -c command goes on with
// its other inputs after one fails; the link runs only when every input
// compiled. The temporary directory and objects are removed in every
// case. err is set for failures of the wrapper itself.
func (r *Runner) Run(p *Plan) (status int, err error) {
	var pending []string // temporary objects outside p.Dir
	defer func() {
		for _, f := range pending {
			os.Remove(f)
		}
		if p.Dir != "" {
			os.RemoveAll(p.Dir)
		}
	}()
	for _, j := range p.Jobs {
		if j.Out != "" {
			pending = append(pending, j.Tmp)
		}
		code, err := r.job(p, j)
		if err != nil {
			return 1, err
		}
		if code != 0 && status == 0 {
			status = code
		}
	}
	if status != 0 || p.Link == nil {
		return status, nil
	}
	return r.command(p.Link)
}

// job runs one job; a compiler failure is a status, not an error.
func (r *Runner) job(p *Plan, j Job) (int, error) {
	if j.Compile != nil {
		if code, err := r.command(j.Compile); code != 0 || err != nil {
			return code, err
		}
	}
	if j.Asm == "" {
		return 0, nil // a plain job
	}
	if err := r.interrupted(); err != nil {
		return 1, err
	}
	src := j.Marked
	if err := r.markup(p, j); err != nil {
		me := &MarkupError{j.Source, err}
		if !r.Options.Fallback {
			return 1, me
		}
		if r.Fallback != nil {
			r.Fallback(me)
		}
		src = j.Asm
	}
	if err := r.interrupted(); err != nil {
		return 1, err
	}
	asm := j.Assemble
	if src != j.Marked {
		asm = replace(asm, j.Marked, src)
	}
	if code, err := r.command(asm); code != 0 || err != nil {
		return code, err
	}
	if j.Out != "" {
		if err := os.Rename(j.Tmp, j.Out); err != nil {
			return 1, err
		}
	}
	return 0, nil
}

// markup marks j.Asm up into j.Marked.
func (r *Runner) markup(p *Plan, j Job) error {
	if _, err := os.Stat(j.Asm); err != nil {
		return err
	}
	open := func() (io.ReadCloser, error) { return os.Open(j.Asm) }
	cfg := passes.Config{Mode: p.Mode, Outline: r.Options.Outline, Runtime: p.Runtime, Profile: r.Profile, Dispatch: r.Options.Dispatch}
	name := j.Source + ".s"
	return atomicfile.Write(j.Marked, func(w io.Writer) error {
		res, err := markup.Stream(name, open, cfg, w, pieceSize)
		if err == nil && r.Warn != nil {
			for _, wn := range res.Warnings {
				r.Warn(fmt.Sprintf("%s:%d: warning: %s", name, wn.Line, wn.Msg))
			}
		}
		return err
	})
}

// pieceSize is how much assembly markup parses at a time.
const pieceSize = 1 << 20

func replace(argv []string, old, new string) []string {
	out := append([]string(nil), argv...)
	for i, a := range out {
		if a == old {
			out[i] = new
		}
	}
	return out
}

// interrupted returns a *SignalError if a signal has arrived.
func (r *Runner) interrupted() error {
	select {
	case sig := <-r.Signals:
		return &SignalError{sig}
	default:
		return nil
	}
}

// command runs argv with the runner's streams and returns its exit
// status. A signal that arrives meanwhile is passed on to it.
func (r *Runner) command(argv []string) (int, error) {
	if err := r.interrupted(); err != nil {
		return 1, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r.Stdin, r.Stdout, r.Stderr
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case sig := <-r.Signals:
		cmd.Process.Signal(sig)
		<-done
		return 1, &SignalError{sig}
	}
	var ee *exec.ExitError
	switch {
	case werr == nil:
		return 0, nil
	case errors.As(werr, &ee):
		return exitStatus(ee.ProcessState), nil
	}
	return 1, fmt.Errorf("%s: %w", argv[0], werr)
}

// exitStatus is a finished process's status as a shell reports it:
// 128+N for death by signal N.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
