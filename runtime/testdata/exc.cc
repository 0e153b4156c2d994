// C++ exceptions thrown by callees of promoted and outline sites (and of
// the miss path, learning stub included) and caught by the site's caller.
#include <cstdio>
#include <stdexcept>

typedef long (*fn)(long);
long ok1(long x) { return x + 1; }
long ok2(long x) { return x + 2; }
long thrower(long x)
{
	if (x % 7 == 0)
		throw std::runtime_error("seven");
	return x;
}
fn fns[3] = {ok1, ok2, thrower};

__attribute__((noinline)) long site(fn f, long x)
{
	try {
		return f(x) + 1;
	} catch (const std::runtime_error &) {
		return -1;
	}
}

__attribute__((noinline)) long outer(fn f, long x) { return f(x) * 2; }

int main()
{
	long s = 0, caught = 0;
	for (long i = 0; i < 3000000; i++) {
		// Mostly ok1 (promoted inline), then ok2 and thrower (outline).
		int k = i % 10 < 6 ? 0 : i % 10 < 8 ? 1 : 2;
		s += site(fns[k], i);
		try {
			s += outer(fns[k], i);
		} catch (const std::exception &) {
			caught++;
		}
	}
	std::printf("%ld %ld\n", s, caught);
	return 0;
}
