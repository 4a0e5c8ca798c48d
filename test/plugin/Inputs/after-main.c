#include <coast.h>
#include <stdio.h>

async int three(void)
{
	await(coast_yield());
	return 3;
}

int main(void)
{
	printf("%d\n", coast_block_on(three()));
	return 0;
}
