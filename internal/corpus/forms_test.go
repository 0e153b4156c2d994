package corpus

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// A form is one spelling from /work/shared/design/asm-forms.md that the
// corpus must contain at least once.
type form struct {
	name string
	fam  string // "gcc", "clang" or "" for either
	lit  string // a substring every matching line contains (a fast filter)
	re   string // matched against a whole line
}

var forms = []form{
	// §1 call operands
	{"gcc call *%reg", "gcc", "call\t*%", `^\tcall\t\*%r\w+$`},
	{"clang callq *%reg", "clang", "callq\t*%", `^\tcallq\t\*%r\w+`},
	{"call *%r12..r15", "gcc", "call\t*%r1", `^\tcall\t\*%r1[2-5]$`},
	{"call *disp(%reg)", "", "*", `^\tcallq?\t\*-?\d+\(%r\w+\)`},
	{"call *0(%rbp)", "gcc", "*0(", `^\tcall\t\*0\(%r(bp|13)\)$`},
	{"call *(%reg)", "", "*(", `^\tcallq?\t\*\(%r\w+\)`},
	{"call *(%b,%i,8)", "", ",8)", `^\tcallq?\t\*\(%r\w+,%r\w+,8\)`},
	{"call *sym(,%i,8)", "", ",8)", `^\t(call|jmp)q?\t\*\w+\(,%r\w+,8\)`},
	{"call *sym(%rip)", "gcc", "(%rip)", `^\tcall\t\*\w+\(%rip\)$`},
	{"gcc call *N+sym(%rip)", "gcc", "(%rip)", `^\tcall\t\*\d+\+\w+\(%rip\)$`},
	{"clang callq *sym+N(%rip)", "clang", "(%rip)", `^\tcallq\t\*\w+\+\d+\(%rip\)`},
	{"call *sym@GOTPCREL(%rip)", "gcc", "@GOTPCREL", `^\tcall\t\*\w+@GOTPCREL\(%rip\)$`},
	{"clang jmpq *sym@GOTPCREL # TAILCALL", "clang", "@GOTPCREL", `^\tjmpq\t\*\w+@GOTPCREL\(%rip\)\s+# TAILCALL`},
	{"call *%fs:(%reg) (IE)", "", "%fs:(", `^\tcallq?\t\*%fs:\(%r\w+\)`},
	{"call *%fs:sym@tpoff (LE)", "gcc", "@tpoff", `^\tcall\t\*%fs:\w+@tpoff$`},
	{"call *sym@dtpoff(%reg) (LD)", "gcc", "@dtpoff", `^\tcall\t\*\w+@dtpoff\(%r\w+\)$`},
	{"clang @GOTTPOFF", "clang", "@GOTTPOFF", `@GOTTPOFF\(%rip\)`},
	{"clang @TPOFF", "clang", "@TPOFF", `%fs:\w+@TPOFF`},
	{"clang @DTPOFF", "clang", "@DTPOFF", `\w+@DTPOFF`},
	{"call *%gs:sym(%rip)", "gcc", "%gs:", `^\tcall\t\*%gs:\w+\(%rip\)$`},
	{"call *%gs:(%b,%i,8)", "gcc", "%gs:", `^\tcall\t\*%gs:\(%r\w+,%r\w+,8\)$`},
	{"clang callq *%gs:(%reg)", "clang", "%gs:", `^\tcallq\t\*%gs:\(%r\w+\)`},
	{"call *sym@TLSCALL(%rax)", "gcc", "@TLSCALL", `^\tcall\t\*\w+@TLSCALL\(%rax\)$`},
	{"movabsq $sym", "", "movabsq", `^\tmovabsq\t\$\w+, %r\w+`},
	{"movabsq $sym@PLTOFF", "", "@PLTOFF", `^\tmovabsq\t\$\w+@PLTOFF, %r\w+`},
	// prefixes
	{"gcc notrack jmp", "gcc", "notrack", `^\tnotrack jmp\t\*%r\w+$`},
	{"gcc notrack call", "gcc", "notrack", `^\tnotrack call\t\*%r\w+$`},
	{"clang notrack\\t\\tjmpq", "clang", "notrack", `^\tnotrack\t\tjmpq\t\*%r\w+`},
	{"gcc cs on its own line", "gcc", "cs", `^\tcs$`},
	{"gcc data16 leaq @tlsgd", "gcc", "data16", `^\tdata16\tleaq\t\w+@tlsgd\(%rip\), %rdi$`},
	{"gcc .value 0x6666", "gcc", "0x6666", `^\t\.value\t0x6666$`},
	{"rex64 alone", "", "rex64", `^\trex64$`},
	{"gcc -fno-plt .byte 0x66", "gcc", "0x66", `^\t\.byte\t0x66$`},
	{"call *__tls_get_addr@GOTPCREL", "gcc", "__tls_get_addr", `^\tcall\t\*__tls_get_addr@GOTPCREL\(%rip\)$`},
	{"clang data16 alone", "clang", "data16", `^\tdata16$`},
	// §2 thunks
	{"call __x86_indirect_thunk_REG", "gcc", "thunk", `^\tcall\t__x86_indirect_thunk_r\w+$`},
	{"call __x86_indirect_thunk_nt_REG (nocf_check, CET)", "gcc", "thunk_nt", `^\tcall\t__x86_indirect_thunk_nt_r\w+$`},
	{"jmp __x86_indirect_thunk_REG", "gcc", "thunk", `^\tjmp\t__x86_indirect_thunk_r\w+$`},
	{"callq __llvm_retpoline_r11", "clang", "retpoline", `^\tcallq\t__llvm_retpoline_r11`},
	{"jmp __llvm_retpoline_r11 # TAILCALL", "clang", "retpoline", `^\tjmp\t__llvm_retpoline_r11\s+# TAILCALL`},
	{"callq __x86_indirect_thunk_r11", "clang", "thunk", `^\tcallq\t__x86_indirect_thunk_r11`},
	{"jmp __x86_return_thunk", "gcc", "return_thunk", `^\tjmp\t__x86_return_thunk$`},
	{"int3", "gcc", "int3", `^\tint3$`},
	{"gcc local thunk section", "gcc", "thunk", `^\t\.section\t\.text\.__x86_indirect_thunk_r\w+,"axG",@progbits,__x86_indirect_thunk_r\w+,comdat$`},
	{"gcc return thunk section", "gcc", "thunk", `^\t\.section\t\.text\.__x86_return_thunk,"axG"`},
	{"clang retpoline comdat", "clang", "retpoline", `^\t\.section\t\.text\.__llvm_retpoline_r11,"axG",@progbits,__llvm_retpoline_r11,comdat`},
	{".LIND label", "gcc", ".LIND", `^\.LIND\d+:$`},
	{"thunk mov %rax, (%rsp)", "gcc", "mov\t", `^\tmov\t%r\w+, \(%rsp\)$`},
	// §3 jump tables and computed goto
	{"gcc jmp *.L(,%r,8)", "gcc", ".L", `^\tjmp\t\*\.L\d+\(,%r\w+,8\)$`},
	{"gcc .long .Lx-.Ly", "gcc", ".long", `^\t\.long\t\.L\d+-\.L\d+$`},
	{"clang .LJTI", "clang", ".LJTI", `^\.LJTI\d+_\d+:`},
	{"clang .quad .LBB", "clang", ".LBB", `^\t\.quad\t\.LBB\d+_\d+`},
	{"movabsq $.LJTI", "clang", ".LJTI", `^\tmovabsq\t\$\.LJTI`},
	{"gcc comdat .rodata jump table", "gcc", ".rodata._Z", `^\t\.section\t\.rodata\._Z\w+,"aG",@progbits,_Z\w+,comdat$`},
	{"gcc computed goto labels.N", "gcc", "labels.", `^labels\.\d+:$`},
	{"clang Block address taken", "clang", "Block address", `^\.Ltmp\d+:\s+# Block address taken`},
	{"gcc jmp *(%b,%i,8)", "gcc", ",8)", `^\tjmp\t\*\(%r\w+,%r\w+,8\)$`},
	{"clang jmpq *(%b,%i,8)", "clang", ",8)", `^\tjmpq\t\*\(%r\w+,%r\w+,8\)`},
	{"clang jmpq *%reg # TAILCALL", "clang", "TAILCALL", `^\tjmpq\t\*%r\w+\s+# TAILCALL`},
	// §4 around call sites
	{"gcc .loc view", "gcc", ".loc", `^\t\.loc \d+ \d+ \d+ view \.LVU\d+$`},
	{".LVL label", "gcc", ".LVL", `^\.LVL\d+:$`},
	{"clang #DEBUG_VALUE", "clang", "DEBUG_VALUE", `#DEBUG_VALUE:`},
	{".LEHB label", "gcc", ".LEHB", `^\.LEHB\d+:$`},
	{".gcc_except_table", "", "gcc_except_table", `^\t\.section\t\.gcc_except_table`},
	{".uleb128 .LEHB-.LFB", "gcc", ".uleb128", `^\t\.uleb128 \.LEHB\d+-\.LFB\d+$`},
	{"varargs movl $1, %eax", "", "$1, %eax", `^\tmovl\t\$1, %eax$`},
	{"varargs movb $1, %al", "", "%al", `^\tmovb\t\$1, %al$`},
	{"static chain mov to r10", "", "%r10", `^\tmovq?\t[^,]+, %r10$`},
	{"gcc #APP", "gcc", "#APP", `^#APP$`},
	{"gcc # N \"file\" 1", "gcc", "# ", `^# \d+ ".*" 1$`},
	{"clang \\t#APP", "clang", "#APP", `^\t#APP$`},
	{"asm text call *%rax", "", "*%rax", `^\tcallq?\s+\*%rax`},
	{"asm 1b", "gcc", "1b", `^\tjg 1b$`},
	{"asm .pushsection", "gcc", ".pushsection", `\.pushsection`},
	{"asm .popsection", "gcc", ".popsection", `\.popsection`},
	{"toplevel asm fn with ;", "", "toplevel_fn:", `^toplevel_fn: pushq %rbx; movq %rsi, %rax; call \*%rax;`},
	{"call _setjmp", "", "setjmp", `^\tcallq?\t_?setjmp`},
	{"endbr64", "", "endbr64", `^\tendbr64$`},
	// §5 functions, sections, data
	{"gcc f.cold", "gcc", ".cold", `^\w+\.cold:$`},
	{"gcc .text.unlikely", "gcc", "unlikely", `^\t\.section\t\.text\.unlikely$`},
	{"clang .text.unlikely.", "clang", "unlikely", `^\t\.section\t\.text\.unlikely\.,`},
	{"gcc .LCOLDB", "gcc", ".LCOLDB", `^\.LCOLDB\d+:$`},
	{".text.startup", "gcc", ".text.startup", `\.text\.startup`},
	{".init.text", "", ".init.text", `^\t\.section\t\.init\.text,"ax",@progbits$`},
	{"comdat .text._Z", "", ".text._Z", `^\t\.section\t\.text\._Z\w+,"axG",@progbits,_Z\w+,comdat$`},
	{"gcc .string escapes", "gcc", ".string", `^\t\.string\t"q\\" b\\\\ n\\n #; \\351\\001"$`},
	{"clang .asciz escapes", "clang", ".asciz", `^\t\.asciz\t"q\\" b\\\\ n\\n #; \\351\\001"$`},
	{"clang .asciz a\\000b", "clang", ".asciz", `^\t\.asciz\t"a\\000b"$`},
	{".ascii", "", ".ascii", `^\t\.ascii\t"`},
	{"gcc .value", "gcc", ".value", `^\t\.value\t`},
	{"clang .short", "clang", ".short", `^\t\.short\t`},
	{"gcc .p2align 4,,10", "gcc", ".p2align", `^\t\.p2align 4,,10$`},
	{"clang .p2align 4, 0x90", "clang", ".p2align", `^\t\.p2align\t4, 0x90$`},
	{".sleb128", "", ".sleb128", `^\t\.sleb128`},
	{"gcc .set alias", "gcc", ".set", `^\t\.set\talias_fn,target_fn$`},
	{"clang .set alias", "clang", ".set", `^\.set alias_fn, target_fn$`},
	{".comm", "", ".comm", `^\t\.comm\t\w+,\d+,\d+$`},
	{".local", "gcc", ".local", `^\t\.local\t\w+$`},
	{"gcc .cfi_escape", "gcc", ".cfi_escape", `^\t\.cfi_escape 0x10,`},
	{"clang quoted label", "clang", `"dash-y"`, `^"dash-y":`},
	{"clang quoted .size", "clang", `"dash-y"`, `^\t\.size\t"dash-y", \.Lfunc_end\d+-"dash-y"$`},
	{"clang quoted section", "clang", ".mysec", `^\t\.section\t"\.mysec,\\"ax\\",@progbits #","ax",@progbits$`},
	{"gcc section with #", "gcc", ".mysec", `^\t\.section\t\.mysec,"ax",@progbits #,"ax",@progbits$`},
	{"name with $ and .", "", "dot.y$z", `^"?dot\.y\$z"?:`},
	{"gcc .file 0", "gcc", ".file", `^\t\.file 0 "`},
	{"clang .file 0 md5", "clang", ".file", `^\t\.file\t0 ".*md5 0x`},
	{".loc is_stmt 0", "", "is_stmt", `is_stmt 0`},
	{".loc discriminator", "", "discriminator", `discriminator \d+`},
	{".loc prologue_end", "clang", "prologue_end", `prologue_end`},
	{".loc view -0", "gcc", "view -0", `view -0$`},
	{"gcc .ident", "gcc", ".ident", `^\t\.ident\t"GCC: `},
	{"clang .ident", "clang", ".ident", `^\t\.ident\t"Debian clang version`},
	{"gcc exec stack note", "gcc", "GNU-stack", `^\t\.section\t\.note\.GNU-stack,"x",@progbits$`},
	{".addrsig", "clang", ".addrsig", `^\t\.addrsig$`},
	{".addrsig_sym", "clang", ".addrsig_sym", `^\t\.addrsig_sym \w+`},
	{"gcc mcount 1: .byte", "gcc", ".byte", `^1:\t\.byte\t0x0f, 0x1f, 0x44, 0x00, 0x00$`},
	{"gcc __mcount_loc", "gcc", "__mcount_loc", `^\t\.section __mcount_loc, "a",@progbits$`},
	{".previous", "gcc", ".previous", `^\t\.previous$`},
	{"__patchable_function_entries", "", "__patchable", `__patchable_function_entries`},
	{".LPFE label", "gcc", ".LPFE", `^\.LPFE\d+:$`},
	{"CET note .long 1f - 0f", "gcc", "1f - 0f", `^\t\.long\t1f - 0f$`},
	{"clang call __fentry__", "clang", "__fentry__", `^\tcallq\t__fentry__`},
}

// TestForms checks that the corpus contains every spelling in forms, so
// that the programs in testdata/c keep producing what the parser must handle.
func TestForms(t *testing.T) {
	units := BuildT(t)
	res := make([]*regexp.Regexp, len(forms))
	for i, f := range forms {
		res[i] = regexp.MustCompile(f.re)
	}
	var mu sync.Mutex
	found := make([]string, len(forms)) // first unit with the form
	Parallel(units, func(_ int, u Unit) {
		mu.Lock()
		var todo []int
		for i, f := range forms {
			if found[i] == "" && (f.fam == "" || f.fam == u.Family()) {
				todo = append(todo, i)
			}
		}
		mu.Unlock()
		if len(todo) == 0 {
			return
		}
		fd, err := os.Open(u.Path)
		if err != nil {
			t.Error(err)
			return
		}
		defer fd.Close()
		hit := make([]bool, len(forms))
		sc := bufio.NewScanner(fd)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			for _, i := range todo {
				if !hit[i] && strings.Contains(line, forms[i].lit) && res[i].MatchString(line) {
					hit[i] = true
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("%s: %v", u.Name, err)
		}
		mu.Lock()
		for i, h := range hit {
			if h && found[i] == "" {
				found[i] = u.Name
			}
		}
		mu.Unlock()
	})
	for i, f := range forms {
		if found[i] == "" {
			t.Errorf("form %q (%s) not in the corpus: %s", f.name, f.fam, f.re)
		} else if testing.Verbose() {
			t.Logf("%-40s %s", f.name, found[i])
		}
	}
}
