/* Symbol spellings: names that clang must quote (__asm__("dash-y"), a
   name with '$' and '.'), aliases (.set), weak and hidden symbols, common
   symbols (.comm, .local), a section name with quotes and '#', a used
   static, and function pointers to all of them in a data table. */
#include <stdio.h>

#ifdef __clang__
#define DASH_NAME "dash-y"  /* clang quotes it; gas rejects gcc's unquoted spelling */
#define DOT_NAME "dot.y$z"
#else
#define DASH_NAME "dash_y"
#define DOT_NAME "dot.y$z"
#endif

__attribute__((noinline)) long dash_fn(long x) __asm__(DASH_NAME);
__attribute__((noinline)) long dash_fn(long x) { return x + 40; }
__attribute__((noinline)) long dot_fn(long x) __asm__(DOT_NAME);
__attribute__((noinline)) long dot_fn(long x) { return x * 5; }

long target_fn(long x) { return x - 9; }
long alias_fn(long x) __attribute__((alias("target_fn")));
__attribute__((weak)) long weak_fn(long x) { return x ^ 3; }
__attribute__((visibility("hidden"), noinline)) long hidden_fn(long x) { return x << 2; }

/* gcc writes .section .mysec,"ax",@progbits #,"ax",@progbits;
   the '#' turns its own flags into a comment. clang quotes the name. */
__attribute__((section(".mysec,\"ax\",@progbits #"), noinline)) long odd_section_fn(long x)
{
	return x + 1000;
}
__attribute__((section(".data.named"))) long named_data = 77;

int common_var __attribute__((common));
long common_arr[16] __attribute__((common));
static long local_bss[32];
static __attribute__((used)) long used_static = 5;

typedef long (*fn_t)(long);
fn_t const fns[] = { dash_fn, dot_fn, alias_fn, weak_fn, hidden_fn, odd_section_fn, target_fn };
fn_t volatile chosen = dash_fn;

int main(void)
{
	long r = 0;
	for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		r = fns[i](r + (long)i) % 100003;
		common_arr[i] = r;
		local_bss[i * 2] = r;
	}
	common_var = (int)chosen(2);
	printf("symbols %ld common %d %ld %ld named %ld\n", r, common_var, common_arr[3],
	       local_bss[4], named_data);
	return 0;
}
