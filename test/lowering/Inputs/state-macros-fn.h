/* state-macros-header.c's async function, which expands STEP. */
static async int f(int x)
{
	await(coast_yield());
	return x + STEP;
}
