/*
 * ctlmon: holds the relay's control socket open (common/ctl.h protocol).
 * Every interval it sends "status" and reads "key value" lines up to "ok";
 * "state running" is a success, any other state, an "error" line or no
 * reply within the timeout (a stopped relay) is a failure.  EOF on the
 * socket means the relay died: that is reported at once, as an event, not
 * at the next poll.
 */
#ifndef JF_CTLMON_H
#define JF_CTLMON_H

#include <stdint.h>

struct event_base;
struct ctlmon;

enum ctlmon_result {
	CTLMON_OK,
	CTLMON_FAIL,
	CTLMON_DEAD,	/* the connection closed: the process is gone */
};

typedef void (*ctlmon_fn)(void *arg, enum ctlmon_result, const char *why);

struct ctlmon_cfg {
	char		path[256];
	uint32_t	interval_ms;
	uint32_t	timeout_ms;
	/*
	 * How to connect: NULL means ctl_client_connect(path); else a
	 * function returning a connected fd or -1 with errno (bgpglue's
	 * health process asks its privileged announcer for one).
	 */
	int		(*connect_fn)(void *);
	void		*connect_arg;
};

struct ctlmon_info {
	int		connected;
	long		pid;		/* from status, 0: unknown */
	char		state[32];	/* relay's state, "" unknown */
	uint64_t	polls, replies, timeouts, deaths;
};

struct ctlmon *ctlmon_new(struct event_base *, const struct ctlmon_cfg *,
	    ctlmon_fn, void *arg);
void	ctlmon_start(struct ctlmon *);
void	ctlmon_free(struct ctlmon *);
const struct ctlmon_info *ctlmon_info(const struct ctlmon *);

#endif /* JF_CTLMON_H */
