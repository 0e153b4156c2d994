#warning "careful"
int main(void) { return undefined_thing; }
