/* Thread-local variables and thread-local function pointers in every TLS
   model (general-dynamic, local-dynamic, initial-exec, local-exec), called
   through %fs-relative operands; -fPIC keeps GD/LD, -mtls-dialect=gnu2
   turns them into TLSDESC calls. A second thread checks per-thread values. */
#include <pthread.h>
#include <stdio.h>

typedef long (*fn_t)(long);

/* gcc 12 ICEs (unrecognizable __tls_get_addr call insn) on an explicit
   global- or local-dynamic model in non-PIC -mcmodel=large code. */
#if !defined(__clang__) && !defined(__PIC__) && defined(__code_model_large__)
#define DYN_MODEL(m)
#else
#define DYN_MODEL(m) __attribute__((tls_model(m)))
#endif

__attribute__((noinline)) long t_inc(long x) { return x + 1; }
__attribute__((noinline)) long t_dbl(long x) { return x * 2; }
__attribute__((noinline)) long t_sq(long x) { return x * x; }
__attribute__((noinline)) long t_neg(long x) { return -x; }

__thread long counter = 5;
__thread fn_t tfp = t_inc;
__thread fn_t gdfp DYN_MODEL("global-dynamic") = t_dbl;
static __thread fn_t ldfp DYN_MODEL("local-dynamic");
static __thread long ldval DYN_MODEL("local-dynamic") = 3;
__thread fn_t iefp __attribute__((tls_model("initial-exec"))) = t_sq;
static __thread fn_t lefp __attribute__((tls_model("local-exec")));
static __thread fn_t ltls[4];

__attribute__((noinline)) void set_local(fn_t a, fn_t b)
{
	ldfp = a;
	lefp = b;
	for (int i = 0; i < 4; i++)
		ltls[i] = (i & 1) ? a : b;
}

__attribute__((noinline)) long use_all(long x)
{
	long r = tfp(x);
	r += gdfp(x);
	r += ldfp(x) + ldval;
	r += iefp(x);
	r += lefp(x);
	for (int i = 0; i < 4; i++)
		r += ltls[i](i);
	counter += r;
	return r;
}

__attribute__((noinline)) long tail_tls(long x) { return iefp(x); }
__attribute__((noinline)) long tail_tls_gd(long x) { return gdfp(x); }

static void *worker(void *arg)
{
	long *out = arg;
	set_local(t_neg, t_inc);
	tfp = t_sq;
	out[0] = use_all(3);
	out[1] = counter;
	return 0;
}

int main(void)
{
	long res[2];
	pthread_t th;
	set_local(t_inc, t_dbl);
	long a = use_all(4);
	if (pthread_create(&th, 0, worker, res) != 0 || pthread_join(th, 0) != 0)
		return 1;
	long b = use_all(5);
	printf("main %ld %ld counter %ld\n", a, b, counter);
	printf("thread %ld counter %ld\n", res[0], res[1]);
	printf("tail %ld %ld\n", tail_tls(7), tail_tls_gd(8));
	return 0;
}
