/* Switch-heavy code: dense switches (jump tables in plain builds, compare
   trees under -mindirect-branch=thunk*, where gcc turns jump tables off),
   a switch-based bytecode loop, nested switches, a switch on a char in a
   tokenizer, and several switches in one function (one label set for
   all). Under the dispatch pass's funnel every table jump becomes a
   compare tree over the function's case labels. */
#include <stdio.h>

enum tok { T_NUM, T_ID, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_LP, T_RP, T_SPACE, T_OTHER };

__attribute__((noinline)) static enum tok kind(int c)
{
	switch (c) {
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return T_NUM;
	case '+': return T_PLUS;
	case '-': return T_MINUS;
	case '*': return T_STAR;
	case '/': return T_SLASH;
	case '(': return T_LP;
	case ')': return T_RP;
	case ' ': case '\t': return T_SPACE;
	default:
		return (c >= 'a' && c <= 'z') ? T_ID : T_OTHER;
	}
}

__attribute__((noinline)) static long vm(const unsigned char *code, int n)
{
	long acc = 0, x = 1;
	for (int i = 0; i < n; i++) {
		switch (code[i] % 12) {
		case 0: acc += x; break;
		case 1: acc -= 3; break;
		case 2: x = x * 3 % 1009; break;
		case 3: acc ^= x; break;
		case 4: x += 7; break;
		case 5: acc = acc * 5 % 100003; break;
		case 6: x = acc % 97 + 1; break;
		case 7: acc += i; break;
		case 8: x -= 2; break;
		case 9: acc = -acc; break;
		case 10: acc += x * x % 13; break;
		case 11: x ^= 0x55; break;
		}
	}
	return acc * 1000 + x;
}

__attribute__((noinline)) static int nested(int a, int b)
{
	switch (a & 7) {
	case 0:
		switch (b & 3) { case 0: return 1; case 1: return 4; case 2: return 9; default: return 16; }
	case 1: return a + b;
	case 2: return a - b;
	case 3:
		switch (b % 6) { case 0: return 100; case 1: return 101; case 2: return 103; case 3: return 107; case 4: return 109; default: return 113; }
	case 4: return a * b;
	case 5: return b ? a / b : 0;
	case 6: return a ^ b;
	default: return -1;
	}
}

__attribute__((noinline)) static int weekday(int d, int lang)
{
	int len = 0;
	switch (lang) {
	case 0:
		switch (d % 7) { case 0: len = 6; break; case 1: len = 7; break; case 2: len = 9; break;
		case 3: len = 8; break; case 4: len = 6; break; case 5: len = 8; break; default: len = 6; }
		break;
	case 1:
		switch (d % 7) { case 0: len = 5; break; case 1: len = 5; break; case 2: len = 8; break;
		case 3: len = 8; break; case 4: len = 6; break; case 5: len = 8; break; default: len = 7; }
		break;
	default:
		len = -1;
	}
	return len;
}

int main(void)
{
	const char *expr = "(12 + x1) * 7 - y / (3 - 42) # end";
	int counts[10] = {0};
	for (const char *p = expr; *p; p++)
		counts[kind((unsigned char)*p)]++;
	printf("tokens:");
	for (int i = 0; i < 10; i++)
		printf(" %d", counts[i]);
	printf("\n");
	unsigned char code[3000];
	for (int i = 0; i < 3000; i++)
		code[i] = (unsigned char)(i * 37 + i / 11);
	printf("vm: %ld\n", vm(code, 3000));
	long s = 0;
	for (int a = 0; a < 40; a++)
		for (int b = 0; b < 40; b++)
			s += nested(a, b);
	printf("nested: %ld\n", s);
	int (*volatile wd)(int, int) = weekday; /* an indirect call too */
	int w = 0;
	for (int d = 0; d < 30; d++)
		w = w * 3 + wd(d, d % 3);
	printf("weekday: %d\n", w);
	return 0;
}
