/*
 * libFuzzer harness for the daemons' real configurations: each daemon's
 * own key table and its checks across keys (r46_conf_check,
 * r64_conf_check, td_config_check, glue_conf_check), the way
 * daemon_config_checked runs them.  The first byte picks the daemon, the
 * rest is the file.  It goes through a real file, because the checks
 * across keys read the file again to name the line of the key they
 * refuse.  Any input must be refused with "file:line: key: why" (line 0
 * when the key is only a default) or be accepted; an accepted config must
 * print (-n) to text that loads and passes the checks again, and prints
 * the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "bgpglue/glue.h"
#include "relay4to6/r46.h"
#include "relay6to4/r64.h"
#include "teredod/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

typedef int	(*check_fn)(const char *, void *, char *, size_t);

static int
glue_check(const char *file, void *cfg, char *err, size_t errlen)
{
	return glue_conf_check(file, cfg, err, errlen);
}

union any_conf {
	struct r46_conf		r46;
	struct r64_conf		r64;
	struct td_config	td;
	struct glue_conf	glue;
};

static const struct daemon_conf {
	const struct conf_key	*keys;
	check_fn		 check;
} daemons[] = {
	{ r46_conf_keys, r46_conf_check },
	{ r64_conf_keys, r64_conf_check },
	{ td_conf_keys, td_config_check },
	{ glue_conf_keys, glue_check },
};

static char	path[64], path2[64];

static void
write_file(const char *p, const void *d, size_t n)
{
	FILE	*f = fopen(p, "w");

	if (f == NULL || (n > 0 && fwrite(d, 1, n, f) != n) || fclose(f) != 0)
		abort();
}

static char *
print(const struct daemon_conf *dc, const union any_conf *c, size_t *len)
{
	char	*out = NULL;
	FILE	*f = open_memstream(&out, len);

	if (f == NULL)
		abort();
	conf_print(f, dc->keys, c);
	fclose(f);
	return out;
}

/* 0 accepted; -1 refused, and then err must name the file first. */
static int
load(const struct daemon_conf *dc, const char *p, union any_conf *c)
{
	char	err[1024];
	size_t	n = strlen(p);

	memset(c, 0, sizeof(*c));
	if (conf_load(p, dc->keys, c, err, sizeof(err)) == -1 ||
	    dc->check(p, c, err, sizeof(err)) == -1) {
		if (strncmp(err, p, n) != 0 || err[n] != ':') {
			fprintf(stderr, "refusal without file:line: %s\n", err);
			abort();
		}
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union any_conf		 c, c2;
	const struct daemon_conf	*dc;
	char				*once, *twice;
	size_t				 l1, l2;

	if (size < 1)
		return 0;
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/jf-fuzz-conf.%d",
		    (int)getpid());
		snprintf(path2, sizeof(path2), "/tmp/jf-fuzz-conf.%d.printed",
		    (int)getpid());
	}
	dc = &daemons[data[0] % (sizeof(daemons) / sizeof(daemons[0]))];
	write_file(path, data + 1, size - 1);
	if (load(dc, path, &c) == -1)
		return 0;
	once = print(dc, &c, &l1);
	write_file(path2, once, l1);
	if (load(dc, path2, &c2) == -1) {
		fprintf(stderr, "printed config refused:\n%s", once);
		abort();
	}
	twice = print(dc, &c2, &l2);
	if (l1 != l2 || memcmp(once, twice, l1) != 0) {
		fprintf(stderr, "round trip differs:\n%s---\n%s", once, twice);
		abort();
	}
	free(once);
	free(twice);
	return 0;
}
