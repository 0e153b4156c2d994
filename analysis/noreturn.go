package analysis

import "strings"

// noreturns are functions that never return, after objtool's list
// (tools/objtool/noreturns.h and its older global_noreturns[]) plus the C
// library's and the C++ runtime's. A call to one ends a path.
var noreturns = map[string]bool{
	// C library
	"abort": true, "exit": true, "_exit": true, "_Exit": true, "quick_exit": true,
	"__stack_chk_fail": true, "__stack_chk_fail_local": true,
	"__assert_fail": true, "__assert_perror_fail": true, "__assert": true,
	"__fortify_fail": true, "__chk_fail": true,
	"longjmp": true, "siglongjmp": true, "_longjmp": true, "__longjmp_chk": true,
	"pthread_exit": true, "err": true, "errx": true, "verr": true, "verrx": true,
	"__builtin_unreachable": true, "__builtin_trap": true,
	// C++ runtime
	"__cxa_throw": true, "__cxa_rethrow": true, "__cxa_bad_cast": true, "__cxa_bad_typeid": true,
	"__cxa_pure_virtual": true, "__cxa_deleted_virtual": true, "__cxa_call_unexpected": true,
	"__cxa_throw_bad_array_new_length": true, "__cxa_throw_bad_array_length": true,
	"_Unwind_Resume": true, "_ZSt9terminatev": true, "__clang_call_terminate": true,
	// Linux kernel (objtool)
	"__fortify_panic": true, "__ia32_sys_exit": true, "__ia32_sys_exit_group": true,
	"__kunit_abort": true, "__module_put_and_kthread_exit": true, "__reiserfs_panic": true,
	"__stop_this_cpu": true, "__x64_sys_exit": true, "__x64_sys_exit_group": true,
	"arch_cpu_idle_dead": true, "bch2_trans_in_restart_error": true,
	"bch2_trans_restart_error": true, "bch2_trans_unlocked_error": true,
	"cpu_bringup_and_idle": true, "cpu_startup_entry": true, "do_exit": true,
	"do_group_exit": true, "do_task_dead": true, "ex_handler_msr_mce": true,
	"fortify_panic": true, "hlt_play_dead": true, "hv_ghcb_terminate": true,
	"kthread_complete_and_exit": true, "kthread_exit": true, "kunit_try_catch_throw": true,
	"lbug_with_loc": true, "machine_real_restart": true, "make_task_dead": true,
	"mpt_halt_firmware": true, "nmi_panic_self_stop": true, "panic": true,
	"panic_smp_self_stop": true, "rest_init": true, "resume_play_dead": true,
	"rewind_stack_and_make_dead": true, "sev_es_terminate": true, "snp_abort": true,
	"start_kernel": true, "stop_this_cpu": true, "usercopy_abort": true,
	"x86_64_start_kernel": true, "x86_64_start_reservations": true,
	"xen_cpu_bringup_again": true, "xen_start_kernel": true, "BUG_func": true,
}

// IsNoreturn reports whether a call to sym (an @PLT suffix is ignored)
// never returns, by the built-in list: the C library's exit/abort/longjmp
// family, __stack_chk_fail, __assert_fail, the C++ runtime's throw paths
// (__cxa_throw, _Unwind_Resume, std::terminate, std::__throw_*), UBSan's
// *_abort handlers and objtool's kernel list.
func IsNoreturn(sym string) bool {
	sym, _, _ = strings.Cut(sym, "@")
	if noreturns[sym] {
		return true
	}
	switch {
	case strings.HasPrefix(sym, "__optpoline_learn_tail_"):
		return true // it pops the return address and jumps on (runtime/src/learn.S)
	case strings.HasPrefix(sym, "__ubsan_handle_") && (strings.HasSuffix(sym, "_abort") || sym == "__ubsan_handle_builtin_unreachable" || sym == "__ubsan_handle_missing_return"):
		return true
	case strings.HasPrefix(sym, "_ZSt") && strings.Contains(sym, "__throw_"): // std::__throw_length_error etc.
		return true
	case strings.HasPrefix(sym, "_ZSt19__throw_"), strings.HasPrefix(sym, "_ZSt20__throw_"), strings.HasPrefix(sym, "_ZSt21__throw_"):
		return true
	}
	return false
}
