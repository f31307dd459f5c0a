/*
 * zclient: one session with zebra.  It owns the wanted route set: whatever
 * zebra loses (reconnect, zebra restart, an unexpected REMOVED) is sent
 * again.  The handshake checks that zebra answers the configured profile's
 * HELLO with that profile's CAPABILITIES, and says so clearly if not.
 * Reconnects with exponential backoff.  Routes vanish when the socket
 * closes: that is zebra's cleanup of the HELLO's (type, instance), which
 * is why the HELLO never asks for graceful restart or synchronous mode.
 */
#ifndef JF_ZCLIENT_H
#define JF_ZCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "zapi.h"

struct event_base;
struct zclient;

#define ZCLIENT_MAX_ROUTES	16

struct zclient_cfg {
	char			path[256];
	enum zapi_profile	profile;
	uint8_t			type;		/* profile's number */
	uint16_t		instance;
	uint32_t		backoff_min_ms;	/* first reconnect delay */
	uint32_t		backoff_max_ms;
	uint32_t		hello_timeout_ms;
};

enum zclient_ev {
	ZCLIENT_UP,		/* handshake done, wanted routes replayed */
	ZCLIENT_DOWN,		/* session lost (detail: why) */
	ZCLIENT_INSTALLED,	/* zebra installed a wanted route */
	ZCLIENT_LOST,		/* a wanted route was removed or failed */
};

typedef void (*zclient_event_fn)(void *arg, enum zclient_ev,
	    const char *detail);

/* A wanted route and what zebra last told us about it. */
struct zclient_route {
	struct zapi_route	r;
	int			installed;
	uint32_t		last_note;	/* UINT32_MAX: none yet */
};

struct zclient_stats {
	uint64_t	connects;
	uint64_t	disconnects;
	uint64_t	handshake_failures;
	uint64_t	adds_sent;
	uint64_t	dels_sent;
	uint64_t	readds;		/* after an unexpected REMOVED */
	uint64_t	notes_rx;
	uint64_t	msgs_rx;
	uint64_t	drop_bad_msg;
};

struct zclient *zclient_new(struct event_base *, const struct zclient_cfg *,
	    zclient_event_fn, void *arg);
void	zclient_free(struct zclient *);
/* Connect now (and keep reconnecting). */
void	zclient_start(struct zclient *);
/*
 * Replace the wanted set (at most ZCLIENT_MAX_ROUTES): routes that left it
 * are deleted, new or changed ones added (ROUTE_ADD is an upsert).  Sent at
 * once when up, else on the next handshake.  0, or -1 if n is too large.
 */
int	zclient_set(struct zclient *, const struct zapi_route *, size_t n);
/*
 * Resynchronise what zebra has redistributed to bgpd: send every wanted
 * route again, and for each route in `stale` that is not wanted, an ADD
 * followed by a DELETE, so that a client of zebra that kept an old copy
 * (bgpd across a zebra restart) is told to drop it.  0, or -1 if down.
 */
int	zclient_resync(struct zclient *, const struct zapi_route *stale,
	    size_t n);
int	zclient_is_up(const struct zclient *);
size_t	zclient_wanted(const struct zclient *, const struct zclient_route **);
/* Every wanted route confirmed installed (and the set non-empty). */
int	zclient_all_installed(const struct zclient *);
const struct zclient_stats *zclient_stats(const struct zclient *);
/* Why the last session ended or failed ("" if none). */
const char *zclient_last_error(const struct zclient *);

#endif /* JF_ZCLIENT_H */
