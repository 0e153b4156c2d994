/* NULL and RET0 semantics, static_call_query and static_call_cond. */
#include <stdio.h>

#include <optpoline/static_call.h>

static int hits, last;

static void hook_a(int x) { hits++, last = x; }
static long twice(int x, int y) { return 2L * (x + y); }
static int add1(int x) { return x + 1; }
static int add2(int x) { return x + 2; }

DEFINE_STATIC_CALL_NULL(hook, void (int));
DEFINE_STATIC_CALL_RET0(calc, long (int, int));
DEFINE_STATIC_CALL(op, add1);

__attribute__((noinline)) int op_tail(int x) { return static_call(op)(x); }
__attribute__((noinline)) long calc_tail(int x, int y) { return static_call(calc)(x, y); }
__attribute__((noinline)) void hook_call(int x) { static_call_cond(hook)(x); }
/* A conditional tail call (jcc to the trampoline with clang -Os). */
__attribute__((noinline)) int op_if(int x) { if (x > 5) return static_call(op)(x); return 0; }

#ifdef SC_INLINE
/* Inline mode: every site of the table branches to its key's current
 * target (the trampoline's ret or xor-ret stub for none or return 0), not
 * to the trampoline. */
extern const struct static_call_site __start_static_call_sites[], __stop_static_call_sites[];

static void check_sites(void)
{
	int n = 0, direct = 0;
	for (const struct static_call_site *e = __start_static_call_sites; e < __stop_static_call_sites; e++, n++) {
		const char *rel32 = (const char *)&e->addr + e->addr;
		struct static_call_key *key = *(struct static_call_key **)((const char *)&e->key + e->key);
		const char *dest = rel32 + 4 + *(const int32_t *)rel32, *t = (const char *)(uintptr_t)key->tramp;
		optpoline_sc_func f = key->func;
		direct += f == NULL                                           ? dest == t + 5
			  : f == (optpoline_sc_func)__static_call_return0 ? dest == t + 6
									  : dest == (const char *)(uintptr_t)f;
	}
	printf("inline: %d sites, %d direct, %d registered\n", n, direct,
	       optpoline_static_call_nsites(&STATIC_CALL_KEY(hook)) + optpoline_static_call_nsites(&STATIC_CALL_KEY(calc)) +
		       optpoline_static_call_nsites(&STATIC_CALL_KEY(op)));
}
#endif

int main(void)
{
	/* NULL: nothing is called; query says NULL. */
	hook_call(1);
	static_call_cond(hook)(2);
	printf("null: hits %d query %d\n", hits, static_call_query(hook) == NULL);
	static_call_update(hook, hook_a);
	hook_call(3);
	printf("hook: hits %d last %d query %d\n", hits, last, static_call_query(hook) == hook_a);
	static_call_update(hook, NULL);
	hook_call(4);
	static_call_cond(hook)(5);
	printf("null again: hits %d last %d\n", hits, last);

	/* RET0: returns 0 until updated, and again after. */
	printf("ret0: %ld %ld query %d\n", static_call(calc)(3, 4), calc_tail(3, 4),
	       static_call_query(calc) == (void *)__static_call_return0);
	static_call_update(calc, twice);
	printf("twice: %ld %ld\n", static_call(calc)(3, 4), calc_tail(3, 4));
	static_call_update(calc, (void *)__static_call_return0);
	printf("ret0 again: %ld %ld\n", static_call(calc)(3, 4), calc_tail(3, 4));

	/* A plain static call. */
	printf("op: %d %d\n", static_call(op)(10), op_tail(10));
	static_call_update(op, add2);
	printf("op: %d %d query %d\n", static_call(op)(10), op_tail(10), static_call_query(op) == add2);
	printf("op_if: %d %d\n", op_if(10), op_if(1));
#ifdef SC_INLINE
	check_sites();
#endif
	return 0;
}
