/* __seg_gs / __seg_fs address-space operands: per-CPU style calls such
   as `call *%gs:pcpu_fn(%rip)` and `call *%gs:(%rdx,%rax,8)`. The %gs
   paths only run if argc > 1000, which never happens; the %fs read of
   offset 0 (the TCB self pointer on x86-64 Linux) does run. */
#include <stdio.h>

typedef long (*fn_t)(long);

fn_t pcpu_fn;
fn_t pcpu_tbl[4];
long pcpu_count;

#define GS(var) (*(__typeof__(var) __seg_gs *)(unsigned long)&(var))

__attribute__((noinline)) long gs_call(long x) { return GS(pcpu_fn)(x) + 1; }
__attribute__((noinline)) long gs_tail(long x) { return GS(pcpu_fn)(x); }
__attribute__((noinline)) long gs_tbl(int i, long x)
{
	fn_t __seg_gs *t = (fn_t __seg_gs *)(unsigned long)pcpu_tbl;
	GS(pcpu_count)++;
	return t[i & 3](x) * 2;
}
__attribute__((noinline)) long gs_ptr(fn_t __seg_gs *p, long x) { return (*p)(x); }

__attribute__((noinline)) int fs_self_nonzero(void)
{
	return *(unsigned long __seg_fs *)0 != 0;
}

static long one(long x) { return x + 1; }

int main(int argc, char **argv)
{
	(void)argv;
	pcpu_fn = one;
	long r = 0;
	if (argc > 1000) /* never: %gs is not set up in user space */
		r = gs_call(1) + gs_tail(2) + gs_tbl(argc, 3) + gs_ptr((fn_t __seg_gs *)0, 4);
	printf("gs %ld fs %d\n", r, fs_self_nonzero());
	return 0;
}
