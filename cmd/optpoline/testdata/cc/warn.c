#warning "careful"
int call(int (*g)(void)) { return g() + 1; }
