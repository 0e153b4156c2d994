package ccwrap

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/optpoline/optpoline/passes"
)

// Options are the wrapper's own settings, given as --optpoline-* arguments
// anywhere on the command line or in OPTPOLINE_FLAGS.
type Options struct {
	Mode     passes.Mode // user, or kernel (also implied by -mcmodel=kernel)
	ModeSet  bool        // --optpoline-mode was given: -mcmodel does not override it
	Outline  int         // outline entries per site
	Off      bool        // run the compiler unchanged
	Asm      bool        // also mark up .s and .S inputs
	Fallback bool        // on a markup error, warn and assemble the unmodified .s
	// NoRuntime keeps markup self-contained (misses take the original
	// branch, nothing learns) and links without the runtime: for objects
	// linked by something other than the wrapper.
	NoRuntime bool
	// Profile is a profile (optpoline profile export) whose hot targets
	// markup promotes statically; "" for none.
	Profile string
	// KeepAsm leaves the marked-up assembly of each compiled object next
	// to it, as OBJ.opt.s (x.o → x.opt.s), for "optpoline check" over a
	// build (scripts/kernel-check.sh); -save-temps keeps it too, with the
	// compiler's other temporaries.
	KeepAsm bool
	// Dispatch is the strategy for dispatch jumps (computed goto).
	Dispatch passes.Dispatch
}

// DefaultOptions are the settings without any --optpoline-* option.
func DefaultOptions() Options { return Options{Outline: 4} }

// Prefix starts every option of the wrapper's own.
const Prefix = "--optpoline-"

// SplitOptions applies the options in env (the space-separated value of
// OPTPOLINE_FLAGS), then those in args, and returns the rest of args, the
// compiler's command line, in order.
func SplitOptions(env string, args []string) (Options, []string, error) {
	o := DefaultOptions()
	for _, a := range strings.Fields(env) {
		if err := o.set(a); err != nil {
			return o, nil, fmt.Errorf("OPTPOLINE_FLAGS: %w", err)
		}
	}
	var rest []string
	for _, a := range args {
		if !strings.HasPrefix(a, Prefix) {
			rest = append(rest, a)
			continue
		}
		if err := o.set(a); err != nil {
			return o, nil, err
		}
	}
	return o, rest, nil
}

func (o *Options) set(arg string) error {
	if !strings.HasPrefix(arg, Prefix) {
		return fmt.Errorf("%q: not an %s option", arg, Prefix+"*")
	}
	name, val, hasVal := strings.Cut(strings.TrimPrefix(arg, Prefix), "=")
	flag := func(p *bool) error {
		if hasVal {
			return fmt.Errorf("%s takes no value", Prefix+name)
		}
		*p = true
		return nil
	}
	switch name {
	case "off":
		return flag(&o.Off)
	case "asm":
		return flag(&o.Asm)
	case "fallback":
		return flag(&o.Fallback)
	case "no-runtime":
		return flag(&o.NoRuntime)
	case "keep-asm":
		return flag(&o.KeepAsm)
	case "mode":
		switch val {
		case "user":
			o.Mode = passes.User
		case "kernel":
			o.Mode = passes.Kernel
		default:
			return fmt.Errorf("%s: want user or kernel", arg)
		}
		o.ModeSet = true
	case "profile":
		if val == "" {
			return fmt.Errorf("%s: want a profile file", arg)
		}
		o.Profile = val
	case "dispatch":
		d, err := passes.ParseDispatch(val)
		if err != nil {
			return fmt.Errorf("%s: %w", arg, err)
		}
		o.Dispatch = d
	case "outline":
		k, err := strconv.Atoi(val)
		if err != nil || k < 0 || k > 255 {
			return fmt.Errorf("%s: want 0 to 255", arg)
		}
		o.Outline = k
	default:
		return fmt.Errorf("unknown option %s", arg)
	}
	return nil
}
