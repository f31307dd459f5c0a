/*
 * libFuzzer harness for the config parser (common/conf.c).  Any input must
 * either be refused with a "file:line: key: why" message or be accepted;
 * an accepted config must print (-n) to text that parses again and prints
 * identically (the round trip tests/config checks on real files).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fcfg {
	char			s[CONF_STR_MAX];
	uint32_t		u;
	uint32_t		any;
	int			b;
	struct in_addr		v4;
	struct in6_addr		v6;
	struct conf_prefix	p;
	struct conf_prefix_list	l;
	int			e;
};

static const char *const choices[] = { "one", "two", "three", NULL };

#define K(n, t, f, d, lo, hi, ch) \
	{ n, t, offsetof(struct fcfg, f), d, 0, lo, hi, ch, "fuzz" }
static const struct conf_key keys[] = {
	K("Str", CONF_STR, s, "default value", 0, 0, NULL),
	K("U", CONF_U32, u, "10", 1, 1000, NULL),
	K("Any", CONF_U32, any, "0", 0, 0, NULL),
	K("B", CONF_BOOL, b, "no", 0, 0, NULL),
	K("V4", CONF_IPV4, v4, "192.0.2.1", 0, 0, NULL),
	K("V6", CONF_IPV6, v6, "2001:db8::1", 0, 0, NULL),
	K("P", CONF_PREFIX, p, NULL, 0, 0, NULL),
	K("L", CONF_PREFIX_LIST, l, "2002::/16", 0, 0, NULL),
	K("E", CONF_ENUM, e, "two", 0, 0, choices),
	{ NULL, CONF_STR, 0, NULL, 0, 0, 0, NULL, NULL }
};

static char *
print(const struct fcfg *c, size_t *len)
{
	char	*out = NULL;
	FILE	*f = open_memstream(&out, len);

	if (f == NULL)
		abort();
	conf_print(f, keys, c);
	fclose(f);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcfg	 c, c2;
	char		 err[512], *once, *twice;
	size_t		 l1, l2;

	memset(&c, 0, sizeof(c));
	if (conf_parse_buf("fuzz.conf", data, size, keys, &c, err,
	    sizeof(err)) == -1) {
		/* Every refusal names the file and a line. */
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();
		return 0;
	}
	once = print(&c, &l1);
	memset(&c2, 0, sizeof(c2));
	if (conf_parse_buf("printed.conf", once, l1, keys, &c2, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "printed config refused: %s\n%s", err, once);
		abort();
	}
	twice = print(&c2, &l2);
	if (l1 != l2 || memcmp(once, twice, l1) != 0) {
		fprintf(stderr, "round trip differs:\n%s---\n%s", once, twice);
		abort();
	}
	free(once);
	free(twice);
	return 0;
}
