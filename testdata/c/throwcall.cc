// C++ exceptions thrown from functions called indirectly (through a
// function pointer, a virtual call, a pointer to member and a tail call)
// and caught two frames up, with destructors of the frames in between run
// during unwinding. Prints counts only.
#include <cstdio>
#include <stdexcept>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

static long destroyed;

struct Guard {
	long v;
	explicit Guard(long x) : v(x) {}
	~Guard() { destroyed += v; }
};

struct bad_value : std::runtime_error {
	long v;
	explicit bad_value(long x) : std::runtime_error("bad value"), v(x) {}
};

NOIPA long may_throw(long x)
{
	if (x % 4 == 3)
		throw bad_value(x);
	return x + 1;
}
NOIPA long never(long x) { return x * 3; }

long (*fp)(long) = may_throw;

struct Shape {
	virtual ~Shape() {}
	virtual long area(long k) const = 0;
};
struct Square : Shape {
	long side;
	explicit Square(long s) : side(s) {}
	long area(long k) const override { return side * side + k; }
};
struct Broken : Shape {
	long area(long k) const override
	{
		if (k & 1)
			throw std::out_of_range("odd");
		return k;
	}
};

struct Obj {
	long base;
	NOIPA long meth(long x)
	{
		if (x == base)
			throw bad_value(-x);
		return base + x;
	}
};

// frame 1: makes the indirect call, has a destructor to run
NOIPA long call_fp(long (*f)(long), long x)
{
	Guard g(1);
	long r = f(x);
	return r + g.v;
}
NOIPA long tail_fp(long (*f)(long), long x) { return f(x); }
NOIPA long call_virt(const Shape *s, long k)
{
	Guard g(10);
	return s->area(k) + 1;
}
NOIPA long call_member(Obj *o, long (Obj::*m)(long), long x)
{
	Guard g(100);
	return (o->*m)(x);
}

// frame 2: in between, no handler
NOIPA long middle(long (*f)(long), long x)
{
	Guard g(1000);
	return call_fp(f, x) + tail_fp(f, x + 1) * 2;
}
NOIPA long middle_virt(const Shape *s, long k) { return call_virt(s, k) * 2; }
NOIPA long middle_member(Obj *o, long x) { return call_member(o, &Obj::meth, x) + 1; }

int main()
{
	long sum = 0, caught = 0, caught_range = 0, caught_member = 0;
	long (*fns[2])(long) = { fp, never };
	for (long i = 0; i < 100; i++) {
		try {
			sum += middle(fns[i % 5 == 4], i);
		} catch (const bad_value &e) {
			caught++;
			sum -= e.v;
		}
	}
	Square sq(3);
	Broken br;
	const Shape *shapes[2] = { &sq, &br };
	for (long i = 0; i < 50; i++) {
		try {
			sum += middle_virt(shapes[i % 3 == 0], i);
		} catch (const std::exception &e) {
			caught_range++;
		}
	}
	Obj o{7};
	for (long i = 0; i < 20; i++) {
		try {
			sum += middle_member(&o, i);
		} catch (const bad_value &e) {
			caught_member += 1 - e.v;
		}
	}
	std::printf("sum %ld caught %ld %ld %ld destroyed %ld\n", sum, caught, caught_range, caught_member, destroyed);
	return 0;
}
