/*
 * Per-daemon counters, see counters.h.
 */
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "log.h"

void
counters_init(struct counters *c, const char *const *names, size_t n)
{
	c->names = names;
	c->n = n;
	if ((c->v = calloc(n > 0 ? n : 1, sizeof(*c->v))) == NULL)
		fatal("counters_init");
}

void
counters_free(struct counters *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

uint64_t
counters_drops(const struct counters *c)
{
	uint64_t	sum = 0;
	size_t		i;

	for (i = 0; i < c->n; i++)
		if (strncmp(c->names[i], "drop_", 5) == 0)
			sum += c->v[i];
	return sum;
}
