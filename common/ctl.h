/*
 * Control socket: a Unix stream socket (path from config) with a line
 * protocol.  A client sends one command per line ("status", "stats",
 * "peers", "peer 2001:0:...", "drain", ...).  Every reply is zero or more
 * lines "key value" (or "key=value key=value ..." rows for tables), then a
 * final line "ok" or "error <text>".  Connections stay open, so a health
 * checker (bgpglue) can hold one and treat EOF as "the daemon died".
 *
 * Standard commands every daemon answers:
 *	status	-> "daemon NAME", "pid N", "state running|starting|draining",
 *		   "uptime_s N", then daemon-specific lines
 *	stats	-> one "counter value" line per counter
 * Everything else is registered by the daemon.
 */
#ifndef JF_CTL_H
#define JF_CTL_H

#include <stddef.h>

struct event_base;
struct counters;
struct ctl_server;
struct ctl_reply;

typedef int	(*ctl_cmd_fn)(void *arg, int argc, char **argv,
		    struct ctl_reply *);

struct ctl_command {
	const char	*name;
	ctl_cmd_fn	 fn;	/* returns 0, or -1 after ctl_reply_error() */
	const char	*help;
};

void	ctl_reply_printf(struct ctl_reply *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	ctl_reply_error(struct ctl_reply *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	ctl_reply_counters(struct ctl_reply *, const struct counters *);

/*
 * Listen on path (an old socket file is replaced), mode 0660.  cmds ends
 * with a {NULL} entry.  Returns NULL with errno set on failure.
 */
struct ctl_server *ctl_server_open(struct event_base *, const char *path,
	    const struct ctl_command *cmds, void *arg);
void	ctl_server_close(struct ctl_server *);

/* Client side (relayctl, bgpglue): blocking connect, used before/after loops. */
int	ctl_client_connect(const char *path);

#endif /* JF_CTL_H */
