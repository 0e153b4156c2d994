#include <stdio.h>

int b(int);
int (*volatile f)(int) = b;

int main(void) {
	printf("%d\n", f(20));
	return 0;
}
