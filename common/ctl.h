/*
 * Control socket: a Unix stream socket (path from config) with a line
 * protocol.  A client sends one command per line ("status", "stats",
 * "peers", "peer 2001:0:...", "drain", ...).  Every reply is zero or more
 * lines "key value" (or "key=value key=value ..." rows for tables), then a
 * final line "ok" or "error <text>".  Connections stay open, so a health
 * checker (bgpglue) can hold one and treat EOF as "the daemon died".
 *
 * Lines of a reply never contain control characters.  An empty command
 * line gets no reply (keepalive).  "help" is built in unless registered.
 *
 * Standard commands every daemon answers (see daemon.h):
 *	status	-> "daemon NAME", "pid N", "state running|starting|draining",
 *		   "uptime_s N", then daemon-specific lines
 *	stats	-> one "counter value" line per counter
 * Everything else is registered by the daemon.
 */
#ifndef JF_CTL_H
#define JF_CTL_H

#include <stddef.h>

/* Bounds every client lives within; breaking one disconnects it. */
#define CTL_LINE_MAX	512		/* bytes in a command line */
#define CTL_ARGS_MAX	16		/* words in a command line */
#define CTL_CLIENTS_MAX	16		/* simultaneous connections */
#define CTL_OUT_MAX	(256 * 1024)	/* reply bytes a client has not read */

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
/*
 * Send one command line on a connected fd and read its whole reply, final
 * "ok"/"error ..." line included, into buf (NUL-terminated).  Returns 0 for
 * "ok", 1 for "error ...", -1 with errno on I/O error, EOF (ECONNRESET),
 * timeout (ETIMEDOUT) or a reply larger than buf (EMSGSIZE).
 */
int	ctl_client_call(int fd, const char *cmd, char *buf, size_t buflen,
	    int timeout_ms);

#endif /* JF_CTL_H */
