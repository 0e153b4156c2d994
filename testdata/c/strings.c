/* String and byte data in every escape spelling: quotes, backslashes,
   '#' and ';' inside strings, octal and hex escapes, control characters,
   UTF-8, embedded NULs (two .string lines / .asciz "a\000b"), arrays
   without a terminating NUL (.ascii) and wide strings. */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static const char s_doc[] = "q\" b\\ n\n #; \351\001";
static const char s_nul[] = "a\0b";
static const char s_nul2[] = "\0\0lead\0trail\0";
static const char s_ctl[] = "\a\b\t\n\v\f\r\x1b[0m\177\200\377";
static const char s_punct[] = "# not a comment; ; \"quoted\" 'single' \\ /* c */ // x $ % @ *";
static const char s_utf8[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82";
static const char s_noterm[4] = "abcd";
static const char s_trigraph[] = "??" "=?\?/";
static const unsigned char bytes[] = { 0, 1, 2, '"', '\\', 10, 13, 0x7f, 0x80, 0xff };
static const wchar_t w_str[] = L"w\"ide\x263a";
static const char *const table[] = { "one\tq", "two\"", "three\\", "", "five\n" };
static const char long_str[] =
	"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
	"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
	"\"\\\"\\\"\\\"\\\" end";

static unsigned long fnv(const void *p, size_t n, unsigned long h)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211UL;
	return h;
}

__attribute__((noinline)) void dump(const char *name, const void *p, size_t n)
{
	const unsigned char *b = p;
	printf("%-8s %3zu ", name, n);
	for (size_t i = 0; i < n && i < 24; i++)
		printf("%02x", b[i]);
	printf(" %016lx\n", fnv(p, n, 14695981039346656037UL));
}

int main(void)
{
	dump("doc", s_doc, sizeof s_doc);
	dump("nul", s_nul, sizeof s_nul);
	dump("nul2", s_nul2, sizeof s_nul2);
	dump("ctl", s_ctl, sizeof s_ctl);
	dump("punct", s_punct, sizeof s_punct);
	dump("utf8", s_utf8, sizeof s_utf8);
	dump("noterm", s_noterm, sizeof s_noterm);
	dump("tri", s_trigraph, sizeof s_trigraph);
	dump("bytes", bytes, sizeof bytes);
	dump("wide", w_str, sizeof w_str);
	dump("long", long_str, sizeof long_str);
	unsigned long h = 0;
	for (int i = 0; i < 5; i++)
		h = fnv(table[i], strlen(table[i]) + 1, h + 1);
	printf("table %016lx\n", h);
	puts("puts \"q\" \\ #; done");
	return 0;
}
