/* optpoline/static_call.h: static calls for user-space C and C++ on
 * x86-64 Linux, GCC or Clang: "the flexibility of function pointers, with
 * better performance" (the Linux kernel's static_call API, 5.10).
 *
 *   DECLARE_STATIC_CALL(name, proto);          // in a header
 *   DEFINE_STATIC_CALL(name, func);            // in one .c: target func
 *   DEFINE_STATIC_CALL_NULL(name, proto);      // no target yet
 *   DEFINE_STATIC_CALL_RET0(name, proto);      // returns 0 until updated
 *   r = static_call(name)(args…);              // call the current target
 *   static_call_cond(name)(args…);             // void, NULL-safe
 *   static_call_update(name, func);            // retarget (type-checked)
 *   f = static_call_query(name);               // current target or NULL
 *   EXPORT_STATIC_CALL(name) …                 // no-ops (see below)
 *
 * proto is a function (its name) or a function type, e.g.
 * DEFINE_STATIC_CALL_NULL(hook, int (int, const char *)). func is a
 * function whose type is proto's; static_call_update also takes NULL and
 * (void *)__static_call_return0. A call whose type does not match is a
 * compile-time error ("static_call_update: function type does not match
 * the static call").
 *
 * Out of line (any compiler, no wrapper): each static call is a trampoline
 * __SCT__name in section .static_call.text, "jmp rel32" with the rel32
 * 4-byte aligned; static_call(name)(…) calls the trampoline and
 * static_call_update rewrites its rel32 with one aligned store. Link the
 * implementation once per program: compile
 * $(optpoline print-include-dir)/optpoline/static_call.c with -pthread, or
 * define OPTPOLINE_STATIC_CALL_IMPLEMENTATION in exactly one file before
 * including this header. (optpoline cc links it by itself.)
 *
 * Inline (optpoline cc): every call or tail jump to a trampoline is also
 * recorded in the static_call_sites table and retargeted at each update,
 * so calls are direct (sites.md, "Static calls, as built").
 *
 * A static call with no target returns without calling: static_call()
 * then returns garbage, so call it through static_call_cond (void) or
 * define it with DEFINE_STATIC_CALL_RET0. Not for -flto (the trampolines
 * are assembly). */
#ifndef OPTPOLINE_STATIC_CALL_H
#define OPTPOLINE_STATIC_CALL_H

#if !defined(__x86_64__) || defined(__ILP32__)
#error "optpoline/static_call.h: x86-64 (LP64) only"
#endif

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Any function, as the key holds it (a function pointer, not void *, so
 * that -Wpedantic builds compile). */
typedef void (*optpoline_sc_func)(void);

/* A static call's key. func is read by static_call_query; the rest is the
 * implementation's. */
struct static_call_key {
	optpoline_sc_func func;  /* the current target; NULL for none */
	optpoline_sc_func tramp; /* the trampoline */
	void *sites;             /* inline sites (struct optpoline_sc_node list) */
	void *far;               /* the trampoline's slot for targets out of rel32 reach */
};

/* One entry of the static_call_sites table (inline mode), 8 bytes: both
 * fields PC-relative (the field's address plus its value). */
struct static_call_site {
	int32_t addr; /* the rel32 of a call, jmp or jcc to a trampoline (4-aligned) */
	int32_t key;  /* the GOT slot holding the key's address (@GOTPCREL) */
};

/* Retargets key (NULL: none); returns 0, or -1 when some code could not
 * be written (it then keeps its old target). Serialised; returns after
 * every thread sees the new target. */
int optpoline_static_call_update(struct static_call_key *key, optpoline_sc_func func);
/* The target that returns 0 (DEFINE_STATIC_CALL_RET0). */
long optpoline_static_call_return0(void);
/* The number of inline sites registered for key (a test's view). */
int optpoline_static_call_nsites(struct static_call_key *key);
/* Registers and forgets a module's static_call_sites table (the runtime's
 * constructor and destructor call them; idempotent). */
int optpoline_static_call_register(const struct static_call_site *start, const struct static_call_site *stop);
void optpoline_static_call_unregister(const struct static_call_site *start, const struct static_call_site *stop);

#ifdef __cplusplus
}
#endif

#define __static_call_return0 optpoline_static_call_return0

#define STATIC_CALL_KEY(name) __SCK__##name
#define STATIC_CALL_TRAMP(name) __SCT__##name
#define STATIC_CALL_TRAMP_STR(name) "__SCT__" #name

/* C and C++: the symbols keep their plain names. */
#ifdef __cplusplus
#define __OPTPOLINE_SC_EXTERN extern "C"
#else
#define __OPTPOLINE_SC_EXTERN extern
#endif

#define DECLARE_STATIC_CALL(name, ...)                                                           \
	__OPTPOLINE_SC_EXTERN struct static_call_key __SCK__##name __asm__("__SCK__" #name);      \
	__OPTPOLINE_SC_EXTERN __typeof__(__VA_ARGS__) __SCT__##name __asm__("__SCT__" #name)

/* The trampoline, 15 bytes from __SCT__name (rel32 at +1 is 4-aligned):
 *   +0  e9 rel32       jmp TARGET (+5 for none, +6 for return 0, +9 for far)
 *   +5  c3             ret
 *   +6  31 c0 c3       xor %eax,%eax; ret
 *   +9  ff 25 disp32   jmp *far(%rip)
 * It is written from an asm statement in a naked function that nothing
 * calls, so that the compiler prints the target's (C++-mangled, renamed
 * static) symbol; the symbol is a .set alias of a local label, so that
 * validators see neither a function that ends at the trampoline nor a
 * return after it. */
#define __OPTPOLINE_SC_TRAMP(name, jmp, ...)                                                     \
	static optpoline_sc_func __SCF__##name __asm__("__SCF__" #name) __attribute__((used));  \
	__attribute__((used, naked)) static void __SCD__##name(void)                             \
	{                                                                                        \
		__asm__ volatile(".pushsection .static_call.text, \"ax\", @progbits\n\t"             \
				 ".balign 16, 0xcc\n\t"                                              \
				 ".byte 0xcc, 0xcc, 0xcc\n"                                          \
				 ".L__SCT__" #name ":\n\t" jmp "\n\t"                               \
				 "ret\n\t"                                                           \
				 "xorl %%eax, %%eax\n\t"                                             \
				 "ret\n\t"                                                           \
				 "jmp *__SCF__" #name "(%%rip)\n\t"                                 \
				 ".popsection\n\t"                                                   \
				 ".globl __SCT__" #name "\n\t"                                       \
				 ".type __SCT__" #name ", @function\n\t"                             \
				 ".set __SCT__" #name ", .L__SCT__" #name "\n\t"                     \
				 ".size __SCT__" #name ", 15" ::__VA_ARGS__);                          \
	}

#define __OPTPOLINE_SC_KEY(name, func)                                                           \
	struct static_call_key __SCK__##name = {(optpoline_sc_func)(func), (optpoline_sc_func)&__SCT__##name, 0, &__SCF__##name}

#define DEFINE_STATIC_CALL(name, func)                                                           \
	DECLARE_STATIC_CALL(name, func);                                                         \
	__OPTPOLINE_SC_TRAMP(name, "jmp %P0", "X"(func))                                         \
	__OPTPOLINE_SC_KEY(name, func)

#define DEFINE_STATIC_CALL_NULL(name, ...)                                                       \
	DECLARE_STATIC_CALL(name, __VA_ARGS__);                                                  \
	__OPTPOLINE_SC_TRAMP(name, ".byte 0xe9; .long 0", "i"(0))                                \
	__OPTPOLINE_SC_KEY(name, 0)

#define DEFINE_STATIC_CALL_RET0(name, ...)                                                       \
	DECLARE_STATIC_CALL(name, __VA_ARGS__);                                                  \
	__OPTPOLINE_SC_TRAMP(name, ".byte 0xe9; .long 1", "i"(0))                                \
	__OPTPOLINE_SC_KEY(name, optpoline_static_call_return0)

/* Keys and trampolines have default visibility: a shared object that uses
 * an executable's static call needs the executable to export them
 * (-rdynamic); these are for sources written for the kernel. */
#define EXPORT_STATIC_CALL(name)
#define EXPORT_STATIC_CALL_GPL(name)
#define EXPORT_STATIC_CALL_TRAMP(name)
#define EXPORT_STATIC_CALL_TRAMP_GPL(name)

#define static_call(name) (__SCT__##name)
#define static_call_cond(name) (void)__SCT__##name

#define static_call_query(name)                                                                  \
	((__typeof__(&__SCT__##name))__atomic_load_n(&__SCK__##name.func, __ATOMIC_ACQUIRE))

/* The check: C's _Generic (the assignment alone is only a warning in C);
 * in C++ the assignment is the check. */
#ifdef __cplusplus
#define __OPTPOLINE_SC_CHECK(name, func) ((void)0)
#else
#define __OPTPOLINE_SC_CHECK(name, func)                                                         \
	_Static_assert(_Generic((func), __typeof__(&__SCT__##name): 1, void *: 1, default: 0),   \
		       "static_call_update: function type does not match the static call")
#endif

#define static_call_update(name, func)                                                           \
	do {                                                                                     \
		__OPTPOLINE_SC_CHECK(name, func);                                                \
		__typeof__(&__SCT__##name) __sc_func = (func);                                   \
		optpoline_static_call_update(&__SCK__##name, (optpoline_sc_func)__sc_func);      \
	} while (0)

#ifdef OPTPOLINE_STATIC_CALL_IMPLEMENTATION
#include "static_call.c"
#endif

#endif
