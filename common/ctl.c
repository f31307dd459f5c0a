/*
 * Control socket server and client, see ctl.h.  The server runs inside
 * the daemon's libevent loop: one listener, one bufferevent per client.
 * Everything a client can make us hold is bounded: the length of a command
 * line, the number of clients, and the reply bytes waiting to be read.  A
 * client that breaks a bound gets one "error" line and is disconnected;
 * it never affects the daemon or the other clients.
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
	int			 closing;
};

struct ctl_server {
	struct event_base		*base;
	struct evconnlistener		*listener;
	char				 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct ctl_command	*cmds;
	void				*arg;
	TAILQ_HEAD(, ctl_client)	 clients;
	size_t				 nclients;
	struct log_rl			 rl;
};

struct ctl_reply {
	struct evbuffer	*out;
	int		 error;
};

static void	ctl_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	ctl_accept_error_cb(struct evconnlistener *, void *);
static void	ctl_read_cb(struct bufferevent *, void *);
static void	ctl_drained_cb(struct bufferevent *, void *);
static void	ctl_event_cb(struct bufferevent *, short, void *);
static void	ctl_client_free(struct ctl_client *);
static void	ctl_client_reject(struct ctl_client *, const char *);
static void	ctl_dispatch(struct ctl_client *, char *);
static void	ctl_help(const struct ctl_command *, struct ctl_reply *);
static void	ctl_reply_vline(struct ctl_reply *, const char *, const char *,
		    va_list) __attribute__((format(printf, 3, 0)));
static int	ctl_sockaddr(const char *, struct sockaddr_un *);
static int	ctl_reply_complete(const char *, size_t, int *);

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
	strncpy(srv->path, path, sizeof(srv->path) - 1);
	TAILQ_INIT(&srv->clients);
	log_rl_init(&srv->rl, 1, 5);

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
		bufferevent_free(c->bev);
		free(c);
	}
	srv->nclients = 0;
	evconnlistener_free(srv->listener);
	unlink(srv->path);
	free(srv);
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
	struct ctl_server	*srv = arg;
	struct ctl_client	*c;

	(void)lis;
	(void)sa;
	(void)salen;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	if (srv->nclients > CTL_CLIENTS_MAX) {
		ctl_client_reject(c, "too many clients");
		return;
	}
	/* Stop reading once a line cannot possibly be complete any more. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_LINE_MAX + 2);
	bufferevent_setcb(c->bev, ctl_read_cb, NULL, ctl_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
ctl_client_free(struct ctl_client *c)
{
	TAILQ_REMOVE(&c->srv->clients, c, entry);
	c->srv->nclients--;
	bufferevent_free(c->bev);
	free(c);
}

/* Send a last error line, stop reading, and close once it is written. */
static void
ctl_client_reject(struct ctl_client *c, const char *why)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		 line[128];
	int		 n;

	c->closing = 1;
	/*
	 * Too much unread output: it is thrown away with the connection (a
	 * bufferevent's output cannot be drained from the front), and the
	 * error goes straight to the socket, best effort.
	 */
	if (evbuffer_get_length(out) > CTL_OUT_MAX) {
		n = snprintf(line, sizeof(line), "error %s\n", why);
		(void)send(bufferevent_getfd(c->bev), line, (size_t)n,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		ctl_client_free(c);
		return;
	}
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setcb(c->bev, NULL, ctl_drained_cb, ctl_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	evbuffer_add_printf(out, "error %s\n", why);
	bufferevent_enable(c->bev, EV_WRITE);
}

static void
ctl_drained_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		ctl_client_free(c);
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client	*c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		ctl_client_free(c);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	char			*line;
	size_t			 n;

	for (;;) {
		eol = evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF);
		if (eol.pos == -1) {
			if (evbuffer_get_length(in) > CTL_LINE_MAX) {
				ctl_client_reject(c, "line too long");
				return;
			}
			break;
		}
		if ((size_t)eol.pos > CTL_LINE_MAX) {
			ctl_client_reject(c, "line too long");
			return;
		}
		if ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) == NULL)
			break;
		ctl_dispatch(c, line);
		free(line);
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    CTL_OUT_MAX) {
			ctl_client_reject(c, "client does not read replies");
			return;
		}
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

static void
ctl_dispatch(struct ctl_client *c, char *line)
{
	struct ctl_reply		 r;
	const struct ctl_command	*cmd;
	char				*argv[CTL_ARGS_MAX + 1], *tok, *save;
	int				 argc = 0, rc;
	size_t				 len = strlen(line);

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	r.out = bufferevent_get_output(c->bev);
	r.error = 0;
	for (tok = strtok_r(line, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (argc == CTL_ARGS_MAX) {
			ctl_reply_error(&r, "too many arguments");
			return;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return;	/* blank keepalive lines get no reply */
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
		return;
	}
	rc = cmd->fn(c->srv->arg, argc, argv, &r);
	if (!r.error) {
		if (rc == -1)
			ctl_reply_error(&r, "%s failed", cmd->name);
		else
			evbuffer_add(r.out, "ok\n", 3);
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

/* 1: the text ends with a complete final line ("ok" or "error ..."). */
static int
ctl_reply_complete(const char *buf, size_t len, int *is_error)
{
	const char	*line;

	if (len == 0 || buf[len - 1] != '\n')
		return 0;
	/* Start of the last complete line. */
	line = buf + len - 1;
	while (line > buf && line[-1] != '\n')
		line--;
	if (strncmp(line, "ok\n", 3) == 0 && line + 3 == buf + len) {
		*is_error = 0;
		return 1;
	}
	if (strncmp(line, "error", 5) == 0 && (line[5] == ' ' ||
	    line[5] == '\n')) {
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
	int		is_error = 0, left;

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
			return -1;
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
			return -1;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		len += (size_t)n;
		buf[len] = '\0';
	}
}
