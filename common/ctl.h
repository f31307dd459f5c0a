/*
 * Control socket: a Unix stream socket (path from config) with a line
 * protocol.  A client sends one command per line ("status", "stats",
 * "peers", "peer 2001:0:...", "drain", ...).  Every reply is zero or more
 * lines "key value" (or "key=value key=value ..." rows for tables), then a
 * final line "ok" or "error <text>".  Connections stay open while the
 * client sends a request at least every CTL_IDLE_MS, so a health checker
 * (bgpglue) can hold one and treat EOF as "the daemon died".
 *
 * Lines of a reply never contain control characters.  An empty command
 * line gets no reply and does not count as a request (it keeps no idle
 * client in).  "help" is built in unless registered.
 *
 * A server that closes a client says why first, in one line: "error idle
 * timeout", "error evicted (idle, control socket full)", "error too many
 * clients", "error line too long".  A client that does not read its
 * reply is closed without a word (it would not read one).  A reply built
 * at once that exceeds CTL_OUT_MAX becomes "error reply too long"; the
 * client stays.
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

/*
 * Bounds every client lives within (docs/common.md "Control socket").
 * Breaking one disconnects that client, never the daemon or the others.
 */
#define CTL_LINE_MAX	512		/* bytes in a command line */
#define CTL_ARGS_MAX	16		/* words in a command line */
#define CTL_CLIENTS_MAX	16		/* simultaneous connections */
#define CTL_OUT_MAX	(256 * 1024)	/* one reply built at once */
#define CTL_OUT_HIGH	(64 * 1024)	/* unread bytes: stop producing */
#define CTL_IDLE_MS	60000	/* a request at least this often */
#define CTL_WRITE_MS	10000	/* unread reply must move this often */
#define CTL_EVICT_MS	15000	/* idle this long: evictable when full */

/*
 * The timeouts, changeable for tests (the defaults are the CTL_*_MS
 * above; a new value applies to clients accepted afterwards).
 */
struct ctl_limits {
	unsigned	idle_ms;
	unsigned	write_ms;
	unsigned	evict_ms;
};

/* What the server holds now, for tests and status lines. */
struct ctl_stats {
	size_t		clients;
	size_t		out_bytes;	/* unread reply bytes, all clients */
	size_t		streams;	/* replies still being produced */
	unsigned long	timed_out;	/* idle or not reading */
	unsigned long	evicted;	/* idle, made room for a newcomer */
	unsigned long	refused;	/* full, nobody idle long enough */
};

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
 * A reply too long to build at once (a table of a million rows): the
 * command calls ctl_reply_stream() and returns 0.  The server then calls
 * fn(arg, state, reply) whenever the client has read enough of what came
 * before; fn appends rows while !ctl_reply_full() (and within a work
 * budget of its own, so the event loop never stalls) and returns 1 while
 * rows remain, 0 when done (the server adds "ok"), or -1 after
 * ctl_reply_error().  state is all fn gets: it carries what the command
 * got as arg (the server's own arg may be a wrapper's, daemon.c).  The
 * data fn reads may change between calls: it must keep a cursor that
 * stays valid (an index, not a pointer).  state is released with free_fn
 * (may be NULL) when the stream ends or the client goes.  Requests
 * pipelined behind a stream wait for its end.
 */
typedef int	(*ctl_stream_fn)(void *state, struct ctl_reply *);
void	ctl_reply_stream(struct ctl_reply *, ctl_stream_fn, void *state,
	    void (*free_fn)(void *));
/* 1 when the client's unread reply reached CTL_OUT_HIGH: stop adding. */
int	ctl_reply_full(const struct ctl_reply *);

/*
 * Listen on path (an old socket file is replaced), mode 0660.  cmds ends
 * with a {NULL} entry.  Returns NULL with errno set on failure.
 */
struct ctl_server *ctl_server_open(struct event_base *, const char *path,
	    const struct ctl_command *cmds, void *arg);
void	ctl_server_close(struct ctl_server *);
void	ctl_server_set_limits(struct ctl_server *, const struct ctl_limits *);
void	ctl_server_stats(const struct ctl_server *, struct ctl_stats *);
/*
 * Serve an already connected stream socket (nonblocking) as a client, as
 * if accepted (fuzzers use a socketpair).  The server owns fd from now
 * on, also when it refuses it (table full: 0) or fails (-1, fd closed).
 */
int	ctl_server_attach(struct ctl_server *, int fd);

/* Client side (relayctl, bgpglue): blocking connect, used before/after loops. */
int	ctl_client_connect(const char *path);
/*
 * Send one command line on a connected fd and read its whole reply, final
 * "ok"/"error ..." line included, into buf (NUL-terminated).  Returns 0 for
 * "ok", 1 for "error ...", -1 with errno on I/O error, EOF (ECONNRESET),
 * timeout (ETIMEDOUT) or a reply larger than buf (EMSGSIZE).  A server
 * that refused the connection ("error too many clients") and closed it
 * before the command went out gives 1 and that line, not EPIPE.
 */
int	ctl_client_call(int fd, const char *cmd, char *buf, size_t buflen,
	    int timeout_ms);
/*
 * 1 if the len bytes of reply text in buf end with a complete final line
 * ("ok", or "error" alone or followed by a space and text); *is_error
 * says which.  0 while more is to come.
 */
int	ctl_reply_complete(const char *buf, size_t len, int *is_error);

#endif /* JF_CTL_H */
