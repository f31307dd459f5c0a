/*
 * libFuzzer harness for bgpglue's zebra session framing
 * (bgpglue/zclient.c): the input is everything "zebra" sends on a real
 * Unix socket after bgpglue's HELLO, read through the bufferevent and
 * the header/length framing into the decoders (zapi_fuzz covers the
 * decoders alone).  First byte: bit 0 picks the FRR 8 or FRR 10 profile.
 * Whatever zebra sends, the session must come up, stay, or drop with a
 * reason, and free cleanly.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "bgpglue/zclient.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static int	lfd = -1;
static char	path[108];

static void
fuzz_event(void *arg, enum zclient_ev ev, const char *detail)
{
	(void)arg;
	CHECK(ev <= ZCLIENT_LOST);
	CHECK(detail == NULL || strlen(detail) < 1024);
}

static void
fuzz_listen(void)
{
	struct sockaddr_un	sun;

	log_init("zclient_fuzz", 1, 0);
	snprintf(path, sizeof(path), "/tmp/jf-fuzz-zserv.%d", (int)getpid());
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 4) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_base	*evb;
	struct zclient		*zc;
	struct zclient_cfg	 cfg;
	struct zapi_route	 r;
	int			 zfd, i;
	size_t			 off = 1;
	ssize_t			 n;
	char			 sink[512];

	if (size < 1)
		return 0;
	if (lfd == -1)
		fuzz_listen();
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	cfg.profile = (data[0] & 1) ? ZAPI_PROFILE_FRR10 : ZAPI_PROFILE_FRR8;
	cfg.type = (data[0] & 1) ? 11 : 10;
	cfg.backoff_min_ms = 60000;	/* no reconnect inside one input */
	cfg.hello_timeout_ms = 60000;
	if ((evb = event_base_new()) == NULL ||
	    (zc = zclient_new(evb, &cfg, fuzz_event, NULL)) == NULL)
		abort();
	/* One wanted route, so that notes and REMOVEDs have a match. */
	memset(&r, 0, sizeof(r));
	r.type = cfg.type;
	r.prefix.family = ZAPI_AF_INET;
	r.prefix.len = 32;
	memcpy(r.prefix.addr, "\xc0\x58\x63\x01", 4);	/* 192.88.99.1 */
	r.nh_type = ZAPI_NH_BLACKHOLE;
	r.message = ZAPI_MSG_NEXTHOP | ZAPI_MSG_TAG;
	r.tag = 6024;
	(void)zclient_set(zc, &r, 1);
	zclient_start(zc);
	if ((zfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) == -1)
		abort();
	for (i = 0; i < 1000 && off < size; i++) {
		n = write(zfd, data + off, size - off);
		if (n > 0)
			off += (size_t)n;
		event_base_loop(evb, EVLOOP_NONBLOCK);
		while (read(zfd, sink, sizeof(sink)) > 0)
			;		/* HELLO, routes */
	}
	for (i = 0; i < 4; i++)
		event_base_loop(evb, EVLOOP_NONBLOCK);
	zclient_free(zc);
	event_base_free(evb);
	close(zfd);
	return 0;
}
