/* Profile test program: a site with one hot target (apply), a dispatch
 * site with three (dispatch), and a site in a shared object (lib_each). */
#include <stdio.h>
#include <stdlib.h>

long lib_each(long (*f)(long), long n);

typedef long (*op_fn)(long, long);
static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
long op_mul(long a, long b) { return a * b; }
static op_fn volatile table[3] = {op_add, op_sub, op_mul};

__attribute__((noinline)) long apply(op_fn f, long a, long b) { return f(a, b) + 1; }
__attribute__((noinline)) static long dispatch(int i, long a, long b) { return table[i % 3](a, b) + 1; }

static long twice(long x) { return 2 * x; }

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, s = 0;
	for (long i = 0; i < n; i++) {
		s += apply(table[0], i, 3);
		/* op_add 1/2, op_sub 1/3, op_mul 1/6 */
		s += dispatch(i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2, s & 0xff, i);
	}
	s += lib_each(twice, n);
	printf("%ld\n", s);
	return 0;
}
