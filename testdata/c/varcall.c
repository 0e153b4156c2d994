/* Variadic functions called through pointers (%al live at the call, the
   target in another register or in memory), va_list handed to functions
   called through pointers, a variadic function that itself calls through
   a pointer, and variadic tail calls. Every double is exact in binary, so
   FMA contraction cannot change the output. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef __clang__
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

NOIPA long isum(int n, ...)
{
	va_list ap;
	long s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s += va_arg(ap, long);
	va_end(ap);
	return s;
}

NOIPA double dsum(int n, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s += va_arg(ap, double);
	va_end(ap);
	return s;
}

/* mixed: a format string picks the type of every argument */
NOIPA double mixed(const char *fmt, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++)
		s += *p == 'd' ? va_arg(ap, double) : (double)va_arg(ap, int);
	va_end(ap);
	return s;
}

/* va_list consumers, called through a pointer */
NOIPA long vcount(const char *tag, va_list ap)
{
	long n = (long)strlen(tag);
	for (const char *s; (s = va_arg(ap, const char *)) != 0;)
		n += (long)strlen(s);
	return n;
}
long (*vcountp)(const char *, va_list) = vcount;

NOIPA int vfmt(char *buf, size_t len, const char *fmt, va_list ap) { return vsnprintf(buf, len, fmt, ap); }
int (*vfmtp)(char *, size_t, const char *, va_list) = vfmt;

/* variadic function that forwards its va_list through a pointer */
NOIPA long count_all(const char *tag, ...)
{
	va_list ap;
	va_start(ap, tag);
	long n = vcountp(tag, ap);
	va_end(ap);
	return n;
}
long (*count_allp)(const char *, ...) = count_all;

static char line[256];
NOIPA int fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vfmtp(line, sizeof line, f, ap);
	va_end(ap);
	return n;
}
int (*fmtp)(const char *, ...) = fmt;

long (*isump)(int, ...) = isum;
double (*dsump)(int, ...) = dsum;
double (*mixedp)(const char *, ...) = mixed;

struct vops {
	long (*li)(int, ...);
	double (*d)(int, ...);
};
const struct vops vo = { isum, dsum };

NOIPA long via_member(const struct vops *o, long x) { return o->li(3, x, x + 1, x + 2) + (long)o->d(2, 0.5, 0.25); }
NOIPA double tail_d(double a, double b) { return dsump(4, a, b, a, b); }
NOIPA long tail_i(long a) { return isump(7, a, a, a, a, a, a, a); }
NOIPA double tail_mixed(int i, double d) { return mixedp("ididd", i, d, i + 1, d * 2, 1.5); }

int main(void)
{
	long li = 0;
	double d = 0;
	for (int i = 0; i < 64; i++) {
		li += isump(9, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, (long)i);
		li += via_member(&vo, i) + tail_i(i);
		d += dsump(10, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, (double)i);
		d += tail_d(i * 0.5, 0.125) + tail_mixed(i, i * 0.25);
	}
	printf("isum %ld dsum %.4f\n", li, d);
	long n = count_allp("tag", "alpha", "beta", "gamma", (const char *)0) + count_allp("", (const char *)0);
	printf("count %ld\n", n);
	int w = fmtp("%d-%s-%.2f-%c-%ld", 42, "str", 2.5, 'x', 1234567890123L);
	printf("fmt %d [%s]\n", w, line);
	return 0;
}
