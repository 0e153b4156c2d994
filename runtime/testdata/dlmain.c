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
		/* On a loaded machine the promoter may not have run yet: keep the
		 * sites missing (outside the printed sum) until lib_site is
		 * promoted and main_site's far target seen, up to 5 s. */
		for (int w = 0; w < 500; w++) {
			struct optpoline_stats st;
			optpoline_get_stats(&st);
			if (st.promoted >= (uint64_t)round + 1 && st.far >= 1)
				break;
			run(1000);
			for (long i = 0; i < 1000; i++)
				main_site(inc, i);
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
		}
		optpoline_print_stats();
#endif
		dlclose(h);
	}
	return 0;
}
