/*
 * libFuzzer harness for bgpglue's relay monitor (bgpglue/ctlmon.c): the
 * input is what a relay's control socket sends back after bgpglue's
 * "status" request, read through the real bufferevent line framing and
 * reply parser.  Whatever the relay says, ctlmon must report it as a
 * result with a bounded, terminated reason, hold no more than its reply
 * bound, and free cleanly.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "bgpglue/ctlmon.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static int	relay_fd = -1, mon_fd = -1, results;

static int
fuzz_connect(void *arg)
{
	(void)arg;
	return mon_fd;
}

static void
fuzz_result(void *arg, enum ctlmon_result r, const char *why)
{
	(void)arg;
	CHECK(r == CTLMON_OK || r == CTLMON_FAIL || r == CTLMON_DEAD);
	CHECK(why != NULL && strlen(why) < 512);
	results++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 inited;
	struct event_base	*evb;
	struct ctlmon		*m;
	struct ctlmon_cfg	 cfg;
	int			 sv[2], i;
	size_t			 off = 0;
	ssize_t			 n;
	char			 sink[256];

	if (!inited) {
		log_init("ctlmon_fuzz", 1, 0);
		inited = 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		abort();
	mon_fd = sv[0];
	relay_fd = sv[1];
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.path, sizeof(cfg.path), "fuzz");
	cfg.interval_ms = 60000;	/* one request: no timer fires */
	cfg.timeout_ms = 30000;
	cfg.connect_fn = fuzz_connect;
	if ((evb = event_base_new()) == NULL ||
	    (m = ctlmon_new(evb, &cfg, fuzz_result, NULL)) == NULL)
		abort();
	results = 0;
	ctlmon_start(m);
	/* Feed the reply as the socket takes it; ctlmon reads in between. */
	for (i = 0; i < 1000 && off < size; i++) {
		n = write(relay_fd, data + off, size - off);
		if (n > 0)
			off += (size_t)n;
		event_base_loop(evb, EVLOOP_NONBLOCK);
		while (read(relay_fd, sink, sizeof(sink)) > 0)
			;		/* the "status" requests */
	}
	if (size % 2)		/* odd sizes: the relay then exits */
		close(relay_fd);
	for (i = 0; i < 4; i++)
		event_base_loop(evb, EVLOOP_NONBLOCK);
	ctlmon_free(m);
	event_base_free(evb);
	if (!(size % 2))
		close(relay_fd);
	return 0;
}
