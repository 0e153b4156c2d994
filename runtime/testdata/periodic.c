/* A periodic miss pattern: a megamorphic site (64 targets in turn, none
 * ever reaching the promoter's minimum share, so it misses on every call)
 * alternates with a monomorphic one. After a warm-up of megamorphic calls
 * alone, which raises the ring's sampling rate far above 1 in 2, the
 * misses alternate mega, mono, mega, mono: a sampler that takes every
 * 2^k-th miss sees only one phase of that, and during the warm-up only one
 * of mega's 64 targets. The samples must show the real mix: mega is never
 * promoted and mono is promoted to mono_target. Prints a checksum. */
#include <stdio.h>
#include <stdlib.h>

typedef long (*fn)(long);
#define T(n) long t##n(long x) { return x * 3 + n; }
#define T8(n) T(n##0) T(n##1) T(n##2) T(n##3) T(n##4) T(n##5) T(n##6) T(n##7)
T8(1) T8(2) T8(3) T8(4) T8(5) T8(6) T8(7) T8(8)
#define R8(n) t##n##0, t##n##1, t##n##2, t##n##3, t##n##4, t##n##5, t##n##6, t##n##7,
fn mega_targets[64] = {R8(1) R8(2) R8(3) R8(4) R8(5) R8(6) R8(7) R8(8)};

long mono_target(long x) { return x ^ 0x5a; }
fn mono_fn = mono_target;

__attribute__((noinline)) long mega(fn f, long x) { return f(x) + 1; }
__attribute__((noinline)) long mono(fn f, long x) { return f(x) + 1; }

int main(int argc, char **argv)
{
	long warm = argc > 1 ? atol(argv[1]) : 20000000, n = argc > 2 ? atol(argv[2]) : 40000000;
	long s = 0;
	for (long i = 0; i < warm; i++)
		s += mega(mega_targets[i & 63], i);
	for (long i = 0; i < n; i++) {
		s += mega(mega_targets[i & 63], i);
		s += mono(*(fn volatile *)&mono_fn, i);
	}
	printf("%ld\n", s);
	return 0;
}
