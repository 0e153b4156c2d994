// C++: virtual calls (vtable loads, devirtualisation guards), exceptions
// thrown through indirect calls (.gcc_except_table, LEHB/LEHE ranges),
// templates instantiated in comdat sections (a dense switch gives a comdat
// .rodata jump table), std::function, lambdas, a guarded static local and
// a pointer-to-member-function call.
#include <cstdio>
#include <functional>
#include <stdexcept>

struct Shape {
	virtual ~Shape() {}
	virtual long area() const = 0;
	virtual long scale(long k) const { return area() * k; }
};

struct Rect : Shape {
	long w, h;
	Rect(long w_, long h_) : w(w_), h(h_) {}
	long area() const override { return w * h; }
};

struct Square final : Rect {
	explicit Square(long s) : Rect(s, s) {}
	long scale(long k) const override { return area() * k + 1; }
};

struct Bad : Shape {
	long area() const override { throw std::runtime_error("bad area"); }
};

__attribute__((noinline)) long total(Shape *const *v, int n, long k)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += v[i]->scale(k) + v[i]->area();
	return s;
}

template <int N> __attribute__((noinline)) int tsw(int a, int b)
{
	switch (a) {
	case 0: return b + N;
	case 1: return b * N;
	case 2: return b - N;
	case 3: return b ^ N;
	case 4: return b << (N & 3);
	case 5: return b % (N + 1);
	case 6: return -b;
	case 7: return b + 2 * N;
	default: return 0;
	}
}

template <typename T> struct Box {
	T v;
	__attribute__((noinline)) T get() const { return v; }
};

__attribute__((noinline)) long safe_area(Shape *s)
{
	try {
		return s->area();
	} catch (const std::runtime_error &e) {
		std::printf("caught %s\n", e.what());
		return -1;
	}
}

__attribute__((noinline)) long call_fn(const std::function<long(long)> &f, long x)
{
	return f(x) + f(x + 1);
}

typedef long (*fp_t)(long);
__attribute__((noinline)) long guarded(fp_t f)
{
	static long cache = f(12); // __cxa_guard_acquire
	return cache;
}

static long plus3(long x) { return x + 3; }

__attribute__((noinline)) long member_call(const Shape &s, long (Shape::*pm)(long) const, long k)
{
	return (s.*pm)(k);
}

int main(int argc, char **)
{
	Rect r(3, 4);
	Square q(5);
	Bad b;
	Shape *v[] = { &r, &q };
	std::printf("total %ld\n", total(v, 2, argc + 1));
	std::printf("safe %ld %ld\n", safe_area(&q), safe_area(&b));
	long acc = 0;
	for (int i = 0; i < 9; i++)
		acc += tsw<3>(i, 10) * 3 + tsw<5>(i, 7);
	std::printf("tsw %ld box %d %ld\n", acc, Box<int>{ 9 }.get(), Box<long>{ 11 }.get());
	long base = 100;
	auto lam = [base](long x) { return x * 2 + base; };
	std::function<long(long)> f1 = lam;
	std::function<long(long)> f2 = plus3;
	std::function<long(long)> f3 = [&](long x) { return f1(x) - f2(x); };
	std::printf("function %ld %ld %ld\n", call_fn(f1, 1), call_fn(f2, 2), call_fn(f3, 3));
	std::printf("guarded %ld %ld member %ld\n", guarded(plus3), guarded(plus3), member_call(q, &Shape::scale, 2));
	try {
		std::function<long(long)> thrower = [](long x) -> long {
			if (x > 1)
				throw std::out_of_range("too big");
			return x;
		};
		call_fn(thrower, 5);
	} catch (const std::exception &e) {
		std::printf("outer caught %s\n", e.what());
	}
	return 0;
}
