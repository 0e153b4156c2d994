/* gcc only: nested functions. Taking their address builds trampolines on
   the stack (.note.GNU-stack,"x"); direct calls pass the static chain in
   r10; a nested function is also called through a varargs pointer. */
#include <stdarg.h>
#include <stdio.h>

typedef long (*fn_t)(long);

__attribute__((noinline)) long apply_n(fn_t f, int n, long x)
{
	for (int i = 0; i < n; i++)
		x = f(x);
	return x;
}

__attribute__((noinline)) long sum_va(int n, ...)
{
	va_list ap;
	long s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s += va_arg(ap, long);
	va_end(ap);
	return s;
}

__attribute__((noinline)) long outer(long base, int n)
{
	long calls = 0;
	long step(long x)
	{
		calls++;
		return x * 2 + base;
	}
	long (*vp)(int, ...) = sum_va;
	long twice(long x) { return step(step(x)); }
	long r = apply_n(step, n, 1);
	r += twice(3);
	r += apply_n(twice, 2, base);
	r += vp(3, r, calls, base);
	return r % 1000003;
}

int main(void)
{
	printf("outer %ld %ld\n", outer(1, 5), outer(7, 3));
	return 0;
}
