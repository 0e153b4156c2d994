/* dlopen/dlclose of a shared object with static call sites, twice: its
 * sites of op are retargeted while it is loaded and forgotten when it is
 * unloaded (an update after dlclose writes only live code). */
#include <dlfcn.h>
#include <stdio.h>

#include <optpoline/static_call.h>

static int add1(int x) { return x + 1; }
static int add2(int x) { return x + 2; }
DEFINE_STATIC_CALL(op, add1);

int main(int argc, char **argv)
{
	(void)argc;
	int own = optpoline_static_call_nsites(&STATIC_CALL_KEY(op));
	for (int round = 0; round < 2; round++) {
		void *h = dlopen(argv[1], RTLD_NOW);
		if (!h) {
			fprintf(stderr, "%s\n", dlerror());
			return 1;
		}
		int (*run)(int) = (int (*)(int))dlsym(h, "plugin_run");
		void (*flip)(void) = (void (*)(void))dlsym(h, "plugin_flip");
		int (*nsites)(void) = (int (*)(void))dlsym(h, "plugin_nsites");
		int a = run(1);
		static_call_update(op, add2);
		int b = run(1);
		flip();
		int c = run(1);
		printf("round %d: %d %d %d op sites +%d pop sites %d\n", round, a, b, c,
		       optpoline_static_call_nsites(&STATIC_CALL_KEY(op)) - own, nsites());
		dlclose(h);
		int err = optpoline_static_call_update(&STATIC_CALL_KEY(op), (optpoline_sc_func)add1);
		printf("after dlclose: op sites +%d update %d call %d\n",
		       optpoline_static_call_nsites(&STATIC_CALL_KEY(op)) - own, err, static_call(op)(1));
	}
	return 0;
}
