/* static_call_update with a function of another type must not compile. */
#include <optpoline/static_call.h>

static int add1(int x) { return x + 1; }
static long wrong(int x) { return x; }

DEFINE_STATIC_CALL(op, add1);

int main(void)
{
#ifdef BAD
	static_call_update(op, wrong);
#else
	static_call_update(op, add1);
	(void)wrong;
#endif
	return static_call(op)(-1);
}
