/* dlopen/dlclose of a marked-up shared object, twice; main's own site calls
 * into the object, out of rel32 reach from the executable. */
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
#ifdef OPTPOLINE_RT
#include "optpoline.h"
#endif

typedef long (*fn)(long);
__attribute__((noinline)) long main_site(fn f, long x) { return f(x) + 1; }

int main(int argc, char **argv)
{
	const char *lib = argc > 1 ? argv[1] : "./dllib.so";
	for (int round = 0; round < 2; round++) {
		void *h = dlopen(lib, RTLD_NOW);
		if (!h) {
			fprintf(stderr, "%s\n", dlerror());
			return 1;
		}
		long (*run)(long) = (long (*)(long))dlsym(h, "lib_run");
		fn inc = (fn)dlsym(h, "lib_inc");
		long s = 0;
		for (int k = 0; k < 20; k++) {
			s += run(100000);
			for (long i = 0; i < 10000; i++)
				s += main_site(inc, i);
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
		printf("round %d %ld\n", round, s);
#ifdef OPTPOLINE_RT
		optpoline_print_stats();
#endif
		dlclose(h);
	}
	return 0;
}
