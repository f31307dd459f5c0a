/*
 * libFuzzer harness for bgpglue's DrainFile (bgpglue/drainfile.c): the
 * input is the file's first bytes.  Any content must give a verdict (drain
 * or expired) with a terminated reason; "expired" only for a positive
 * expiry not after now, and the same bytes read through a real file must
 * give the same verdict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpglue/drainfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define NOW		((time_t)1800000000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[64];
	char		 why[96], why2[96];
	FILE		*f;
	int		 on, on2;

	on = drainfile_parse((const char *)data, size, NOW, why, sizeof(why));
	CHECK(on == 0 || on == 1);
	CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	if (on == 0)
		CHECK(strncmp(why, "drain file expired at ", 22) == 0 &&
		    atoll(why + 22) > 0 && atoll(why + 22) <= (long long)NOW);
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/jf-fuzz-drain.%d",
		    (int)getpid());
	if ((f = fopen(path, "w")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	on2 = drainfile_read(path, NOW, why2, sizeof(why2));
	/* The file is read up to its first 64 bytes. */
	if (size <= 64)
		CHECK(on2 == on && strcmp(why, why2) == 0);
	return 0;
}
