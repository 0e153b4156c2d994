#include <stdio.h>

static int twice(int x) { return 2 * x; }
int (*volatile op)(int) = twice;

int main(void) {
	printf("%d\n", op(21));
	return 0;
}
