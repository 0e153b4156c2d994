/* A shared object with a site of its own, loaded by dlmain.c. */
typedef long (*fn)(long);
long lib_inc(long x) { return x + 1; }
long lib_dec(long x) { return x - 1; }
__attribute__((noinline)) long lib_site(fn f, long x) { return f(x) + 1; }

long lib_run(long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += lib_site(i % 16 ? lib_inc : lib_dec, i);
	return s;
}
