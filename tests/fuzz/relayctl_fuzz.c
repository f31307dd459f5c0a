/*
 * libFuzzer harness for relayctl's reply formatter
 * (relayctl/relayctl_format.c): whatever a daemon (or something posing as
 * one on the socket) replies, formatting must not crash, and the result
 * code must agree with the reply's last line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relayctl/relayctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE	*sink;
	char		*reply;
	int		 raw, rc;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size < 1)
		return 0;
	raw = data[0] & 1;
	/* relayctl hands over a NUL-terminated reply. */
	if ((reply = malloc(size)) == NULL)
		return 0;
	memcpy(reply, data + 1, size - 1);
	reply[size - 1] = '\0';
	rc = relayctl_format(sink, sink, reply, raw);
	if (rc < -1 || rc > 1)
		abort();
	if (rc == 0 && (strlen(reply) < 3 ||
	    strcmp(reply + strlen(reply) - 3, "ok\n") != 0))
		abort();
	free(reply);
	return 0;
}
