/* A shared object with static calls: sites of the executable's op (which
 * the executable exports) and of its own pop. */
#include <optpoline/static_call.h>

DECLARE_STATIC_CALL(op, int (int));

static int mul10(int x) { return 10 * x; }
static int mul100(int x) { return 100 * x; }
DEFINE_STATIC_CALL(pop, mul10);

int plugin_run(int x)
{
	return static_call(op)(x) + static_call(pop)(x);
}

void plugin_flip(void)
{
	static_call_update(pop, static_call_query(pop) == mul10 ? mul100 : mul10);
}

int plugin_nsites(void)
{
	return optpoline_static_call_nsites(&STATIC_CALL_KEY(pop));
}
