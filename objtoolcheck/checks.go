package objtoolcheck

import (
	"fmt"
	"sort"
	"strings"
)

// A Check is one kind of finding.
type Check struct {
	ID      string
	Summary string // one line
	Doc     string // what triggers it and how to fix it
	Objtool string // objtool's wording for the same problem ("" if objtool has none)
	// Default says whether the check runs unless disabled; the others
	// (retpoline, rethunk, sls, frame-pointer) describe build modes and run
	// only when enabled.
	Default bool
}

// Check IDs.
const (
	StackRet      = "stack-ret"
	StackMismatch = "stack-mismatch"
	StackUndef    = "stack-undefined"
	StackRealign  = "stack-realign"
	StackSibling  = "stack-sibling"
	FramePointer  = "frame-pointer"
	Unreachable   = "unreachable"
	Fallthrough   = "fallthrough"
	NoSize        = "no-size"
	BadJump       = "bad-jump"
	Retpoline     = "retpoline"
	Rethunk       = "rethunk"
	SLS           = "sls"
	CFI           = "cfi"
	Sections      = "sections"
	Site          = "site"
	Annotation    = "annotation"
	Unsupported   = "unsupported"
)

// Checks is the catalogue, in the order of checks.md.
var Checks = []*Check{
	{ID: StackRet, Default: true,
		Summary: "return with a modified stack frame",
		Objtool: "return with modified stack frame",
		Doc: `A ret is reached with the CFA not at rsp+8, or with a callee-saved
register that was pushed not popped back into the same register. The caller
would return to the wrong address or see a clobbered register. Usually a
push without its pop on one path, or a stack adjustment that is not undone.`},
	{ID: StackMismatch, Default: true,
		Summary: "two paths reach an instruction with different stack states",
		Objtool: "stack state mismatch",
		Doc: `Two paths join at one instruction with different stack states (CFA or
saved registers): one path pushed or adjusted %rsp and the other did not.
The unwinder can describe only one state per address, so one of the paths
is wrong. The message gives both: cfa1 is the state already recorded
(walked first), cfa2 the incoming one.`},
	{ID: StackUndef, Default: true,
		Summary: "stack operation after the stack state became unknown",
		Objtool: "undefined stack state",
		Doc: `A push, pop or %rsp adjustment happens after %rsp was loaded from something
the analysis cannot follow (mov %rdi,%rsp, an unknown lea), so the CFA is
unknown from here on and no unwinder can walk through this code.`},
	{ID: StackRealign, Default: true,
		Summary: "stack realignment without a frame or DRAP register",
		Objtool: "unsupported stack pointer realignment",
		Doc: `"and $-N,%rsp" while the CFA is %rsp-based loses the CFA: the amount
removed is unknown. Set up a frame pointer (push %rbp; mov %rsp,%rbp) or a
DRAP register (lea 8(%rsp),%r10) first, as gcc does.`},
	{ID: StackSibling, Default: true,
		Summary: "tail call with a modified stack frame",
		Objtool: "sibling call from callable instruction with modified stack frame",
		Doc: `A jmp leaves the function (to another function, or indirectly) while the
stack frame is not back to its entry state: the callee would return into
the middle of this function's frame.`},
	{ID: FramePointer,
		Summary: "call before the frame pointer is set up",
		Objtool: "call without frame pointer save/setup",
		Doc: `(--enable=frame-pointer, objtool --stackval) A call is made before
"push %rbp; mov %rsp,%rbp", so frame-pointer unwinding loses the caller.
Also flags %rbp used as a scratch register in a function that saved it.`},
	{ID: Unreachable, Default: true,
		Summary: "instruction no path reaches",
		Objtool: "unreachable instruction",
		Doc: `No path from the function's entry reaches this instruction. Padding
(nop, int3, ud2) is exempt, and so is a dead stretch right after a call (the
compiler put it there not knowing the callee never returns). Often code
after a jmp or ret that lost its label. Code outside every function (a label
without ".type NAME, @function") is reported once per stretch, as objtool
does: nothing that unwinds or validates code knows it is there. Inline asm
and the kernel's .altinstr_*/.fixup sections are left alone.`},
	{ID: Fallthrough, Default: true,
		Summary: "a path runs into the next function or off the section",
		Objtool: "falls through to next function",
		Doc: `A path reaches the end of the function without a ret, jmp or call to a
noreturn function, so execution continues into whatever follows: the next
function, or the end of the section. A missing ret, or a call to a function
that never returns that the tool does not know (add --noreturn=SYM).`},
	{ID: NoSize, Default: true,
		Summary: "function symbol without .size, or .size without .type",
		Objtool: "is missing an ELF size annotation",
		Doc: `A symbol typed @function has no ".size sym, .-sym", so tools that map
addresses to functions (objtool, perf, the kernel's kallsyms users) see a
zero-length function; or a .size names a global label that has no .type.`},
	{ID: BadJump, Default: true,
		Summary: "jump to something that is not an instruction of this section",
		Objtool: "can't find jump dest instruction",
		Doc: `A jmp/jcc names a local label that is undefined, that labels data, or
that lies in another section: the branch lands on something that is not an
instruction of this code. Data directives of inline asm in a code section
count as instructions (the kernel writes some instructions as bytes), as
objtool decodes them.`},
	{ID: Retpoline,
		Summary: "indirect call or jump in a retpoline build",
		Objtool: "indirect call found in RETPOLINE build",
		Doc: `(--enable=retpoline) An indirect call or jmp is not annotated
retpoline-safe (.discard.retpoline_safe, or the newer .discard.annotate_insn)
and is not in .init.text: under Spectre v2 mitigations it must go through a
retpoline thunk. optpoline's sites keep the original branch as their
fallback, so a file that had none keeps none.`},
	{ID: Rethunk,
		Summary: "bare ret in a return-thunk build",
		Objtool: "'naked' return found in RETHUNK build",
		Doc: `(--enable=rethunk) A ret instruction where the build wants every return
to go through the return thunk (jmp __x86_return_thunk).`},
	{ID: SLS,
		Summary: "ret or indirect jmp not followed by int3",
		Objtool: "missing int3 after ret",
		Doc: `(--enable=sls) Straight-line-speculation hardening wants an int3 after
every ret and indirect jmp, so the CPU cannot speculate past them.`},
	{ID: CFI, Default: true,
		Summary: "CFI directive disagrees with the computed stack",
		Doc: `A .cfi_def_cfa, .cfi_def_cfa_offset, .cfi_def_cfa_register or .cfi_offset
directive describes a stack state other than the one computed from the
instructions, or .cfi_startproc/.cfi_endproc or .cfi_remember_state/
.cfi_restore_state are unbalanced. A debugger, profiler or C++ unwinder
would unwind through this code wrongly. objtool never reads CFI.`},
	{ID: Sections, Default: true,
		Summary: "section stack unbalanced or code in a non-code section",
		Doc: `.pushsection without .popsection (or the reverse) at end of file,
.previous with no previous section, instructions in a section that is not
executable ("ax"), or a function whose .size is in another section than
its label.`},
	{ID: Site, Default: true,
		Summary: "optpoline site table entry that does not match its site",
		Doc: `An optpoline_sites entry (ABI v1) does not point at a well-formed
promoted site: cmpq slot(%rip),%REG; je hit; fallback; a hit call/jmp whose
rel32 is 4-byte aligned; a slot in a writable section holding the sentinel;
an outline block of the declared size. Also a site not in the table, or two
entries for one site. Only files written by optpoline markup have sites.
Also each static_call_sites entry (inline static calls): {.long L - 4 - .,
.long __SCK__x@GOTPCREL} where L follows an unprefixed call/jmp/jcc to
__SCT__x right after ".balign 4" and the nop that 4-aligns its rel32.`},
	{ID: Annotation, Default: true,
		Summary: "annotation on the wrong kind of instruction",
		Objtool: "retpoline_safe hint not an indirect jump/call/ret/nop",
		Doc: `A .discard.retpoline_safe entry names an instruction that is not an
indirect call/jmp, ret or nop; a .discard.optpoline_ignore entry names a
non-branch; or an annotation names a label that is not an instruction.`},
	{ID: Unsupported, Default: true,
		Summary: "instruction a callable function must not contain",
		Objtool: "unsupported instruction in callable function",
		Doc: `syscall, sysenter, sysret, sysexit, lret or a far jmp inside a function
typed @function: objtool refuses these in callable code because the stack
state after them is not the caller's. User-space syscall wrappers are the
usual source; disable the check for them. Also a call to a label of the
same function (the retpoline idiom) without an entry in
.discard.intra_function_calls: the return address it pushes is modelled,
but an unannotated one is usually a mistake.`},
}

// Lookup returns the check with the given ID.
func Lookup(id string) (*Check, bool) {
	for _, c := range Checks {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// IDs returns every check ID, sorted.
func IDs() []string {
	ids := make([]string, len(Checks))
	for i, c := range Checks {
		ids[i] = c.ID
	}
	sort.Strings(ids)
	return ids
}

// EnabledSet resolves --enable/--disable lists (IDs or "all") against the
// defaults.
func EnabledSet(enable, disable []string) (map[string]bool, error) {
	set := map[string]bool{}
	for _, c := range Checks {
		set[c.ID] = c.Default
	}
	apply := func(list []string, on bool) error {
		for _, id := range list {
			id = strings.TrimSpace(id)
			if id == "all" {
				for k := range set {
					set[k] = on
				}
				continue
			}
			if _, ok := set[id]; !ok {
				return fmt.Errorf("unknown check %q (known: %s)", id, strings.Join(IDs(), ", "))
			}
			set[id] = on
		}
		return nil
	}
	if err := apply(enable, true); err != nil {
		return nil, err
	}
	if err := apply(disable, false); err != nil {
		return nil, err
	}
	return set, nil
}
