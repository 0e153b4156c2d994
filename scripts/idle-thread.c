/* idle-thread.c: linked into bench-lua.sh's plain-thread kind. Its
 * constructor starts one thread that sleeps for the life of the process,
 * as the optpoline runtime starts its promoter: glibc then takes its
 * multi-threaded paths (malloc, free and realloc lock their arena) for
 * good. The difference plain-thread − plain is that cost alone, with no
 * optpoline code in the program. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

__attribute__((constructor)) static void start_idle_thread(void)
{
	sigset_t all, old;
	pthread_t t;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread takes no signals */
	if (pthread_create(&t, NULL, idle, NULL) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
