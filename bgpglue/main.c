/* bgpglue: placeholder until the daemon is wired. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "bgpglue: not wired yet\n");
	return 1;
}
