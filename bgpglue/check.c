/*
 * Rise/fall counting for one health check.  See check.h.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"

void
check_init(struct check *c, const char *name, uint32_t rise, uint32_t fall)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->rise = rise ? rise : 1;
	c->fall = fall ? fall : 1;
	snprintf(c->why, sizeof(c->why), "no result yet");
}

int
check_result(struct check *c, int ok, const char *why)
{
	snprintf(c->why, sizeof(c->why), "%s", why);
	c->results++;
	if (ok) {
		c->fail_run = 0;
		if (c->ok_run < UINT32_MAX)
			c->ok_run++;
		if (!c->up && c->ok_run >= c->rise) {
			c->up = 1;
			return 1;
		}
		return 0;
	}
	c->failures++;
	c->ok_run = 0;
	if (c->fail_run < UINT32_MAX)
		c->fail_run++;
	if (c->up && c->fail_run >= c->fall) {
		c->up = 0;
		return 1;
	}
	return 0;
}

int
check_force_down(struct check *c, const char *why)
{
	snprintf(c->why, sizeof(c->why), "%s", why);
	c->results++;
	c->failures++;
	c->ok_run = 0;
	c->fail_run = c->fall;
	if (c->up) {
		c->up = 0;
		return 1;
	}
	return 0;
}
