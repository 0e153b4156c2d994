/* Drives outside.s: ops 0-2 go through walk's label table, op 3 to a
 * label outside its set; the sum must be what C computes. */
#include <stdio.h>
#include <stdlib.h>

long walk(const unsigned char *ops, long n);

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 2000;
	static unsigned char ops[4096];
	long want = 0;
	unsigned x = 12345;
	for (int i = 0; i < 4096; i++) {
		x = x * 1103515245u + 12345u;
		ops[i] = (x >> 16) % 5 < 2 ? 3 : (x >> 16) % 3; /* 40% op 3 */
	}
	long got = 0;
	for (long r = 0; r < rounds; r++) {
		got += walk(ops, 4096);
		for (int i = 0; i < 4096; i++)
			want += ops[i] == 3 ? 1000 : ops[i] == 2 ? 100 : ops[i] == 1 ? 10 : 1;
	}
	printf("%s %ld\n", got == want ? "ok" : "WRONG", got);
	return got != want;
}
