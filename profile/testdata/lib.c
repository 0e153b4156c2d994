static long inc(long x) { return x + 1; }

__attribute__((noinline)) static long each(long (*f)(long), long x) { return f(x) * 3; }

long lib_each(long (*f)(long), long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += each(i & 1 ? f : inc, i);
	return s;
}
