/*
 * Control socket server and client, see ctl.h.  The server runs inside
 * the daemon's libevent loop: one listener, one bufferevent per client.
 * Everything a client can make us hold is bounded: the length of a command
 * line, the number of clients, the reply bytes waiting to be read (a reply
 * too long to build at once is streamed: produced as the client reads),
 * and time (a client must send a request every CTL_IDLE_MS and read what
 * it asked for).  A client that breaks a bound is disconnected, after one
 * "error" line when it can still read one; it never affects the daemon or
 * the other clients.
 *
 * Room for a new client: when the table is full, the client idle longest
 * (no request for CTL_EVICT_MS, nothing being written to it) makes room
 * for the newcomer.  A health checker polls far more often than that
 * (bgpglue: CheckIntervalMs at most 10 s), so idle connections never keep
 * it out for long and a flood of new connections evicts only idle ones.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "clock.h"
#include "counters.h"
#include "ctl.h"
#include "log.h"

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	struct event		*idle_ev;	/* request deadline */
	struct event		*pump_ev;	/* next step of a stream */
	uint64_t		 last_req_ms;
	int			 eof;		/* reads no more: close when done */
	int			 paused;	/* not reading: a reply waits */
	ctl_stream_fn		 sfn;		/* reply being streamed */
	void			*sstate;
	void			(*sfree)(void *);
};

struct ctl_server {
	struct event_base		*base;
	struct evconnlistener		*listener;
	char				 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct ctl_command	*cmds;
	void				*arg;
	TAILQ_HEAD(, ctl_client)	 clients;
	size_t				 nclients;
	struct ctl_limits		 lim;
	struct evbuffer			*scratch;	/* one reply being built */
	unsigned long			 timed_out, evicted, refused;
	struct log_rl			 rl;
};

struct ctl_reply {
	struct evbuffer	*out;
	size_t		 queued;	/* unread bytes before this reply */
	int		 error;
	ctl_stream_fn	 sfn;
	void		*sstate;
	void		(*sfree)(void *);
};

static void	ctl_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	ctl_accept_error_cb(struct evconnlistener *, void *);
static void	ctl_read_cb(struct bufferevent *, void *);
static void	ctl_write_cb(struct bufferevent *, void *);
static void	ctl_event_cb(struct bufferevent *, short, void *);
static void	ctl_idle_cb(evutil_socket_t, short, void *);
static void	ctl_pump_cb(evutil_socket_t, short, void *);
static void	ctl_client_release(struct ctl_client *);
static void	ctl_client_free(struct ctl_client *);
static void	ctl_client_drop(struct ctl_client *, const char *);
static void	ctl_client_reject(struct ctl_client *, const char *);
static void	ctl_client_settle(struct ctl_client *);
static void	ctl_process(struct ctl_client *);
static void	ctl_stream_step(struct ctl_client *);
static void	ctl_stream_end(struct ctl_client *);
static struct ctl_client *ctl_evictable(struct ctl_server *);
static void	ctl_send_line(int, const char *);
static void	ctl_dispatch(struct ctl_client *, char *);
static void	ctl_help(const struct ctl_command *, struct ctl_reply *);
static void	ctl_reply_vline(struct ctl_reply *, const char *, const char *,
		    va_list) __attribute__((format(printf, 3, 0)));
static int	ctl_sockaddr(const char *, struct sockaddr_un *);

static int
ctl_sockaddr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return 0;
}

struct ctl_server *
ctl_server_open(struct event_base *base, const char *path,
    const struct ctl_command *cmds, void *arg)
{
	struct ctl_server	*srv;
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, saved;

	if (ctl_sockaddr(path, &sun) == -1)
		return NULL;
	/* Replace a stale socket, but never some other kind of file. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EEXIST;
			return NULL;
		}
		if (unlink(path) == -1)
			return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->base = base;
	srv->cmds = cmds;
	srv->arg = arg;
	srv->lim.idle_ms = CTL_IDLE_MS;
	srv->lim.write_ms = CTL_WRITE_MS;
	srv->lim.evict_ms = CTL_EVICT_MS;
	strncpy(srv->path, path, sizeof(srv->path) - 1);
	TAILQ_INIT(&srv->clients);
	log_rl_init(&srv->rl, 1, 5);
	if ((srv->scratch = evbuffer_new()) == NULL) {
		errno = ENOMEM;
		goto fail;
	}

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 16) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	srv->listener = evconnlistener_new(base, ctl_accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (srv->listener == NULL) {
		close(fd);
		unlink(path);
		errno = ENOMEM;
		goto fail;
	}
	evconnlistener_set_error_cb(srv->listener, ctl_accept_error_cb);
	return srv;
fail:
	saved = errno;
	if (srv->scratch != NULL)
		evbuffer_free(srv->scratch);
	free(srv);
	errno = saved;
	return NULL;
}

void
ctl_server_close(struct ctl_server *srv)
{
	struct ctl_client	*c;

	if (srv == NULL)
		return;
	while ((c = TAILQ_FIRST(&srv->clients)) != NULL) {
		TAILQ_REMOVE(&srv->clients, c, entry);
		srv->nclients--;
		ctl_client_release(c);
	}
	evconnlistener_free(srv->listener);
	unlink(srv->path);
	evbuffer_free(srv->scratch);
	free(srv);
}

void
ctl_server_set_limits(struct ctl_server *srv, const struct ctl_limits *l)
{
	srv->lim = *l;
}

void
ctl_server_stats(const struct ctl_server *srv, struct ctl_stats *st)
{
	const struct ctl_client	*c;

	memset(st, 0, sizeof(*st));
	TAILQ_FOREACH(c, &srv->clients, entry) {
		st->clients++;
		st->out_bytes += evbuffer_get_length(
		    bufferevent_get_output(c->bev));
		st->streams += c->sfn != NULL;
	}
	st->timed_out = srv->timed_out;
	st->evicted = srv->evicted;
	st->refused = srv->refused;
}

static void
ctl_accept_error_cb(struct evconnlistener *lis, void *arg)
{
	struct ctl_server	*srv = arg;

	(void)lis;
	/* EMFILE and friends: say so, but never once per retry. */
	log_rl(&srv->rl, clock_mono_ms(), "ctl: accept: %s",
	    strerror(errno));
}

static void
ctl_accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	(void)lis;
	(void)sa;
	(void)salen;
	(void)ctl_server_attach(arg, fd);
}

/* One line straight to the socket, best effort, never blocking. */
static void
ctl_send_line(int fd, const char *why)
{
	char	line[128];
	int	n;

	n = snprintf(line, sizeof(line), "error %s\n", why);
	(void)send(fd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The client idle longest, if idle long enough to make room; or NULL. */
static struct ctl_client *
ctl_evictable(struct ctl_server *srv)
{
	struct ctl_client	*c, *best = NULL;
	uint64_t		 now = clock_mono_ms();

	TAILQ_FOREACH(c, &srv->clients, entry) {
		if (c->eof || c->sfn != NULL || evbuffer_get_length(
		    bufferevent_get_output(c->bev)) != 0 ||
		    now - c->last_req_ms < srv->lim.evict_ms)
			continue;
		if (best == NULL || c->last_req_ms < best->last_req_ms)
			best = c;
	}
	return best;
}

static void
ctl_idle_arm(struct ctl_client *c)
{
	struct timeval	tv = { c->srv->lim.idle_ms / 1000,
			    (c->srv->lim.idle_ms % 1000) * 1000 };

	c->last_req_ms = clock_mono_ms();
	evtimer_add(c->idle_ev, &tv);
}

int
ctl_server_attach(struct ctl_server *srv, int fd)
{
	struct ctl_client	*c, *victim;
	struct timeval		 wtv = { srv->lim.write_ms / 1000,
				    (srv->lim.write_ms % 1000) * 1000 };

	if (srv->nclients >= CTL_CLIENTS_MAX) {
		if ((victim = ctl_evictable(srv)) == NULL) {
			srv->refused++;
			ctl_send_line(fd, "too many clients");
			close(fd);
			return 0;
		}
		srv->evicted++;
		ctl_client_drop(victim, "evicted (idle, control socket full)");
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return -1;
	}
	c->srv = srv;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->idle_ev = evtimer_new(srv->base, ctl_idle_cb, c);
	c->pump_ev = event_new(srv->base, -1, 0, ctl_pump_cb, c);
	if (c->bev == NULL || c->idle_ev == NULL || c->pump_ev == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->idle_ev != NULL)
			event_free(c->idle_ev);
		if (c->pump_ev != NULL)
			event_free(c->pump_ev);
		free(c);
		return -1;
	}
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	ctl_idle_arm(c);
	/* Stop reading once a line cannot possibly be complete any more. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_LINE_MAX + 2);
	/* Produce more of a stream once half of what is queued was read. */
	bufferevent_setwatermark(c->bev, EV_WRITE, CTL_OUT_HIGH / 2, 0);
	/* Unread reply bytes that do not move for write_ms: not reading. */
	bufferevent_set_timeouts(c->bev, NULL, &wtv);
	bufferevent_setcb(c->bev, ctl_read_cb, ctl_write_cb, ctl_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return 0;
}

static void
ctl_stream_end(struct ctl_client *c)
{
	if (c->sfree != NULL)
		c->sfree(c->sstate);
	c->sfn = NULL;
	c->sstate = NULL;
	c->sfree = NULL;
	event_del(c->pump_ev);
}

/* Everything a client holds, once it is off the list. */
static void
ctl_client_release(struct ctl_client *c)
{
	ctl_stream_end(c);
	event_free(c->idle_ev);
	event_free(c->pump_ev);
	bufferevent_free(c->bev);
	free(c);
}

static void
ctl_client_free(struct ctl_client *c)
{
	TAILQ_REMOVE(&c->srv->clients, c, entry);
	c->srv->nclients--;
	ctl_client_release(c);
}

/*
 * Close now.  The reason goes out only when nothing else is waiting to be
 * read before it (a line in the middle of a reply would corrupt it).
 */
static void
ctl_client_drop(struct ctl_client *c, const char *why)
{
	if (why != NULL && evbuffer_get_length(
	    bufferevent_get_output(c->bev)) == 0)
		ctl_send_line(bufferevent_getfd(c->bev), why);
	ctl_client_free(c);
}

/* Send a last error line after what is queued, and close once written. */
static void
ctl_client_reject(struct ctl_client *c, const char *why)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);

	c->eof = 1;
	bufferevent_disable(c->bev, EV_READ);
	evbuffer_drain(in, evbuffer_get_length(in));
	evbuffer_add_printf(bufferevent_get_output(c->bev), "error %s\n", why);
}

static void
ctl_idle_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_client	*c = arg;

	(void)fd;
	(void)ev;
	c->srv->timed_out++;
	ctl_client_drop(c, c->sfn == NULL ? "idle timeout" : NULL);
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client	*c = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		/* Nothing of the reply was read for write_ms. */
		c->srv->timed_out++;
		ctl_client_free(c);
	} else if (what & BEV_EVENT_ERROR)
		ctl_client_free(c);
	else if (what & BEV_EVENT_EOF) {
		/* Half close: answer what was asked, then close. */
		c->eof = 1;
		bufferevent_disable(bev, EV_READ);
		ctl_client_settle(c);
	}
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	ctl_client_settle(arg);
}

/* Half of the queued reply was read (or all of it). */
static void
ctl_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;

	(void)bev;
	if (c->sfn != NULL)
		ctl_stream_step(c);
	ctl_client_settle(c);
}

static void
ctl_pump_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_client	*c = arg;

	(void)fd;
	(void)ev;
	if (c->sfn != NULL)
		ctl_stream_step(c);
	ctl_client_settle(c);
}

/*
 * After any progress: run the requests that may run now, and close a
 * client that reads no more once it has everything.  May free c.
 */
static void
ctl_client_settle(struct ctl_client *c)
{
	ctl_process(c);
	if (c->eof && c->sfn == NULL && evbuffer_get_length(
	    bufferevent_get_output(c->bev)) == 0)
		ctl_client_free(c);
}

/*
 * Dispatch the complete lines received, in order, while no stream is in
 * progress and the unread reply is below CTL_OUT_HIGH: a client that
 * pipelines requests without reading is served as fast as it reads.
 */
static void
ctl_process(struct ctl_client *c)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct evbuffer_ptr	 eol;
	char			*line;
	size_t			 n;
	int			 paused;

	while (c->sfn == NULL && evbuffer_get_length(out) < CTL_OUT_HIGH) {
		eol = evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF);
		if (eol.pos == -1) {
			if (evbuffer_get_length(in) > CTL_LINE_MAX)
				ctl_client_reject(c, "line too long");
			break;
		}
		if ((size_t)eol.pos > CTL_LINE_MAX) {
			ctl_client_reject(c, "line too long");
			break;
		}
		if ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) == NULL)
			break;
		ctl_dispatch(c, line);
		free(line);
	}
	/*
	 * Read no more while a reply waits: the socket holds what the client
	 * pipelines (libevent would call us again and again for input above
	 * the read watermark that we leave in place).
	 */
	paused = c->sfn != NULL || evbuffer_get_length(out) >= CTL_OUT_HIGH;
	if (c->eof || paused == c->paused)
		return;
	c->paused = paused;
	if (paused)
		bufferevent_disable(c->bev, EV_READ);
	else
		bufferevent_enable(c->bev, EV_READ);
}

/* One bounded piece of a streamed reply. */
static void
ctl_stream_step(struct ctl_client *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct ctl_reply r;
	int		 rc;

	memset(&r, 0, sizeof(r));
	r.out = out;
	rc = c->sfn(c->sstate, &r);
	if (r.error || rc == -1) {
		if (!r.error)
			ctl_reply_error(&r, "reply failed");
		ctl_stream_end(c);
	} else if (rc == 0) {
		evbuffer_add(out, "ok\n", 3);
		ctl_stream_end(c);
	} else if (evbuffer_get_length(out) == 0) {
		/* Nothing to write, so no write callback: come back. */
		event_active(c->pump_ev, EV_TIMEOUT, 0);
	}
}

static void
ctl_help(const struct ctl_command *cmds, struct ctl_reply *r)
{
	for (; cmds != NULL && cmds->name != NULL; cmds++)
		ctl_reply_printf(r, "%s %s", cmds->name,
		    cmds->help != NULL ? cmds->help : "");
	ctl_reply_printf(r, "help list the commands");
}

/* Run one command; its reply is built aside, then queued whole. */
static void
ctl_dispatch(struct ctl_client *c, char *line)
{
	struct ctl_reply		 r;
	const struct ctl_command	*cmd;
	struct evbuffer			*out = bufferevent_get_output(c->bev);
	char				*argv[CTL_ARGS_MAX + 1], *tok, *save;
	int				 argc = 0, rc;
	size_t				 len = strlen(line);

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	memset(&r, 0, sizeof(r));
	r.out = c->srv->scratch;
	r.queued = evbuffer_get_length(out);
	evbuffer_drain(r.out, evbuffer_get_length(r.out));
	for (tok = strtok_r(line, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (argc == CTL_ARGS_MAX) {
			argc = -1;
			break;
		}
		argv[argc++] = tok;
	}
	if (argc == 0)
		return;	/* blank lines get no reply, and are no request */
	ctl_idle_arm(c);
	if (argc == -1) {
		ctl_reply_error(&r, "too many arguments");
		goto queue;
	}
	argv[argc] = NULL;
	for (cmd = c->srv->cmds; cmd != NULL && cmd->name != NULL; cmd++)
		if (strcmp(cmd->name, argv[0]) == 0)
			break;
	if (cmd == NULL || cmd->name == NULL) {
		if (strcmp(argv[0], "help") == 0) {
			ctl_help(c->srv->cmds, &r);
			evbuffer_add(r.out, "ok\n", 3);
		} else
			ctl_reply_error(&r, "unknown command '%.64s' (try help)",
			    argv[0]);
		goto queue;
	}
	rc = cmd->fn(c->srv->arg, argc, argv, &r);
	if (r.sfn != NULL && (r.error || rc == -1)) {
		if (r.sfree != NULL)
			r.sfree(r.sstate);
		r.sfn = NULL;
	}
	if (!r.error) {
		if (rc == -1)
			ctl_reply_error(&r, "%s failed", cmd->name);
		else if (r.sfn == NULL)
			evbuffer_add(r.out, "ok\n", 3);
	}
queue:
	/* A reply built at once is bounded; longer ones must stream. */
	if (evbuffer_get_length(r.out) > CTL_OUT_MAX) {
		evbuffer_drain(r.out, evbuffer_get_length(r.out));
		r.error = 0;
		ctl_reply_error(&r, "reply too long");
		if (r.sfn != NULL && r.sfree != NULL)
			r.sfree(r.sstate);
		r.sfn = NULL;
	}
	evbuffer_add_buffer(out, r.out);
	if (r.sfn != NULL) {
		c->sfn = r.sfn;
		c->sstate = r.sstate;
		c->sfree = r.sfree;
		ctl_stream_step(c);
	}
}

/*
 * One reply line; a newline inside would end the line early and let a
 * value forge "ok", so control characters become '?'.
 */
static void
ctl_reply_vline(struct ctl_reply *r, const char *prefix, const char *fmt,
    va_list ap)
{
	char	buf[CTL_LINE_MAX * 2];
	size_t	i;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	evbuffer_add_printf(r->out, "%s%s\n", prefix, buf);
}

void
ctl_reply_printf(struct ctl_reply *r, const char *fmt, ...)
{
	va_list	ap;

	if (r->error)
		return;
	va_start(ap, fmt);
	ctl_reply_vline(r, "", fmt, ap);
	va_end(ap);
}

void
ctl_reply_error(struct ctl_reply *r, const char *fmt, ...)
{
	va_list	ap;

	if (r->error)
		return;
	r->error = 1;
	va_start(ap, fmt);
	ctl_reply_vline(r, "error ", fmt, ap);
	va_end(ap);
}

void
ctl_reply_stream(struct ctl_reply *r, ctl_stream_fn fn, void *state,
    void (*free_fn)(void *))
{
	if (r->sfn != NULL || r->error) {
		if (free_fn != NULL)
			free_fn(state);
		return;
	}
	r->sfn = fn;
	r->sstate = state;
	r->sfree = free_fn;
}

int
ctl_reply_full(const struct ctl_reply *r)
{
	return r->queued + evbuffer_get_length(r->out) >= CTL_OUT_HIGH;
}

void
ctl_reply_counters(struct ctl_reply *r, const struct counters *cnt)
{
	size_t	i;

	for (i = 0; i < cnt->n; i++)
		ctl_reply_printf(r, "%s %llu", cnt->names[i],
		    (unsigned long long)cnt->v[i]);
}

int
ctl_client_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, saved;

	if (ctl_sockaddr(path, &sun) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
ctl_reply_complete(const char *buf, size_t len, int *is_error)
{
	size_t	start, n;

	if (len == 0 || buf[len - 1] != '\n')
		return 0;
	/* The last complete line, newline included: buf + start, n bytes. */
	start = len - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	n = len - start;
	if (n == 3 && memcmp(buf + start, "ok\n", 3) == 0) {
		*is_error = 0;
		return 1;
	}
	if (n >= 6 && memcmp(buf + start, "error", 5) == 0 &&
	    (buf[start + 5] == ' ' || buf[start + 5] == '\n')) {
		*is_error = 1;
		return 1;
	}
	return 0;
}

int
ctl_client_call(int fd, const char *cmd, char *buf, size_t buflen,
    int timeout_ms)
{
	struct pollfd	pfd;
	uint64_t	deadline = clock_mono_ms() + (uint64_t)timeout_ms;
	size_t		len = 0, clen = strlen(cmd), off = 0;
	ssize_t		n;
	int		is_error = 0, left, send_err = 0;

	if (buflen < 2 || clen == 0 || clen > CTL_LINE_MAX ||
	    strchr(cmd, '\n') != NULL) {
		errno = EINVAL;
		return -1;
	}
	while (off < clen + 1) {
		if (off < clen)
			n = send(fd, cmd + off, clen - off, MSG_NOSIGNAL);
		else
			n = send(fd, "\n", 1, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/*
			 * The server closed first: it may have said why
			 * ("error too many clients"), read that.
			 */
			if (errno != EPIPE && errno != ECONNRESET)
				return -1;
			send_err = errno;
			break;
		}
		off += (size_t)n;
	}
	buf[0] = '\0';
	for (;;) {
		if (ctl_reply_complete(buf, len, &is_error))
			return is_error ? 1 : 0;
		if (len + 1 >= buflen) {
			errno = EMSGSIZE;
			return -1;
		}
		left = (int)(deadline - clock_mono_ms());
		if ((uint64_t)clock_mono_ms() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, left)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			continue;
		n = read(fd, buf + len, buflen - len - 1);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (send_err != 0)
				errno = send_err;
			return -1;
		}
		if (n == 0) {
			errno = send_err != 0 ? send_err : ECONNRESET;
			return -1;
		}
		len += (size_t)n;
		buf[len] = '\0';
	}
}
