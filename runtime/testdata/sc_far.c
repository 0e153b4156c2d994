/* The stress test's far target, in a shared object. */
long sc_check(int id, long g0);

long sc_far(long g0)
{
	return sc_check(5, g0);
}
