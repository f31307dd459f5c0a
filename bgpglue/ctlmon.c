/*
 * Relay control-socket monitor.  See ctlmon.h.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "clock.h"
#include "ctl.h"
#include "ctlmon.h"
#include "log.h"

#define CTLMON_LINE_MAX		512
#define CTLMON_REPLY_MAX	(64 * 1024)

struct ctlmon {
	struct event_base	*base;
	struct ctlmon_cfg	 cfg;
	ctlmon_fn		 fn;
	void			*arg;
	struct bufferevent	*bev;
	struct event		*tick_ev;
	struct event		*timeout_ev;
	int			 outstanding;	/* status sent, no "ok" yet */
	int			 timed_out;
	char			 reply_state[32];
	long			 reply_pid;
	size_t			 reply_bytes;
	struct ctlmon_info	 info;
	char			 last_connect_err[128];
};

static void
ctlmon_close(struct ctlmon *m)
{
	if (m->bev != NULL) {
		bufferevent_free(m->bev);
		m->bev = NULL;
	}
	evtimer_del(m->timeout_ev);
	m->outstanding = 0;
	m->timed_out = 0;
	m->info.connected = 0;
}

static void
ctlmon_dead(struct ctlmon *m, const char *why)
{
	ctlmon_close(m);
	m->info.deaths++;
	m->info.state[0] = '\0';
	m->fn(m->arg, CTLMON_DEAD, why);
}

static void
ctlmon_reply_done(struct ctlmon *m, const char *last)
{
	char	why[160];

	evtimer_del(m->timeout_ev);
	m->outstanding = 0;
	m->timed_out = 0;
	m->info.replies++;
	snprintf(m->info.state, sizeof(m->info.state), "%s",
	    m->reply_state);
	m->info.pid = m->reply_pid;
	if (strncmp(last, "error", 5) == 0) {
		snprintf(why, sizeof(why), "relay status: %.100s", last);
		m->fn(m->arg, CTLMON_FAIL, why);
	} else if (strcmp(m->reply_state, "running") != 0) {
		snprintf(why, sizeof(why), "relay state %s",
		    m->reply_state[0] ? m->reply_state : "missing");
		m->fn(m->arg, CTLMON_FAIL, why);
	} else
		m->fn(m->arg, CTLMON_OK, "relay state running");
}

static void
ctlmon_line(struct ctlmon *m, char *line)
{
	char	*val;

	if (!m->outstanding)
		return;		/* unsolicited: ignore */
	if (strcmp(line, "ok") == 0 || strncmp(line, "error", 5) == 0) {
		ctlmon_reply_done(m, line);
		return;
	}
	if ((val = strchr(line, ' ')) == NULL)
		return;
	*val++ = '\0';
	if (strcmp(line, "state") == 0)
		snprintf(m->reply_state, sizeof(m->reply_state), "%s", val);
	else if (strcmp(line, "pid") == 0)
		m->reply_pid = strtol(val, NULL, 10);
}

static void
ctlmon_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctlmon	*m = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 n;

	while (m->bev == bev && (line = evbuffer_readln(in, &n,
	    EVBUFFER_EOL_LF)) != NULL) {
		m->reply_bytes += n;
		if (n < CTLMON_LINE_MAX)
			ctlmon_line(m, line);
		free(line);
	}
	if (m->bev == bev && (evbuffer_get_length(in) > CTLMON_LINE_MAX ||
	    m->reply_bytes > CTLMON_REPLY_MAX)) {
		/* Not a relay talking: do not let it make us hold memory. */
		ctlmon_close(m);
		m->fn(m->arg, CTLMON_FAIL, "relay control reply too long");
	}
}

static void
ctlmon_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctlmon	*m = arg;

	int		 err = EVUTIL_SOCKET_ERROR();
	char		 why[96];

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	/*
	 * A relay that dies before reading our pending "status" resets the
	 * connection instead of closing it: which one we see is a race in
	 * the relay's exit, and both mean the relay went away.
	 */
	if ((what & BEV_EVENT_EOF) || err == ECONNRESET || err == EPIPE) {
		ctlmon_dead(m, "relay control socket closed (relay exited)");
		return;
	}
	snprintf(why, sizeof(why), "relay control socket error: %s",
	    strerror(err));
	ctlmon_dead(m, why);
}

static void
ctlmon_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ctlmon	*m = arg;
	char		 why[96];

	(void)fd;
	(void)ev;
	m->info.timeouts++;
	m->timed_out = 1;
	snprintf(why, sizeof(why), "no status reply within %u ms",
	    m->cfg.timeout_ms);
	m->fn(m->arg, CTLMON_FAIL, why);
}

static int
ctlmon_connect(struct ctlmon *m)
{
	char	why[400];
	int	fd;

	fd = m->cfg.connect_fn != NULL ? m->cfg.connect_fn(
	    m->cfg.connect_arg) : ctl_client_connect(m->cfg.path);
	if (fd == -1) {
		snprintf(why, sizeof(why), "relay control socket %.256s: %s",
		    m->cfg.path, strerror(errno));
		m->fn(m->arg, CTLMON_FAIL, why);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    (m->bev = bufferevent_socket_new(m->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		m->fn(m->arg, CTLMON_FAIL, "relay control socket setup failed");
		return -1;
	}
	bufferevent_setcb(m->bev, ctlmon_read_cb, NULL, ctlmon_event_cb, m);
	bufferevent_enable(m->bev, EV_READ);
	m->info.connected = 1;
	log_info("relay control socket %s: connected", m->cfg.path);
	return 0;
}

static void
ctlmon_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ctlmon	*m = arg;
	struct timeval	 tv = { m->cfg.timeout_ms / 1000,
			    (m->cfg.timeout_ms % 1000) * 1000 };

	(void)fd;
	(void)ev;
	if (m->bev == NULL && ctlmon_connect(m) == -1)
		return;
	if (m->outstanding) {
		/* Still no answer (stopped relay): one failure per tick. */
		if (m->timed_out)
			m->fn(m->arg, CTLMON_FAIL, "still no status reply");
		return;
	}
	m->outstanding = 1;
	m->reply_state[0] = '\0';
	m->reply_pid = 0;
	m->reply_bytes = 0;
	m->info.polls++;
	bufferevent_write(m->bev, "status\n", 7);
	evtimer_add(m->timeout_ev, &tv);
}

struct ctlmon *
ctlmon_new(struct event_base *base, const struct ctlmon_cfg *cfg,
    ctlmon_fn fn, void *arg)
{
	struct ctlmon	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->base = base;
	m->cfg = *cfg;
	m->fn = fn;
	m->arg = arg;
	m->tick_ev = event_new(base, -1, EV_PERSIST, ctlmon_tick_cb, m);
	m->timeout_ev = evtimer_new(base, ctlmon_timeout_cb, m);
	if (m->tick_ev == NULL || m->timeout_ev == NULL) {
		ctlmon_free(m);
		return NULL;
	}
	return m;
}

void
ctlmon_start(struct ctlmon *m)
{
	struct timeval	tv = { m->cfg.interval_ms / 1000,
			    (m->cfg.interval_ms % 1000) * 1000 };

	event_add(m->tick_ev, &tv);
	ctlmon_tick_cb(-1, 0, m);
}

void
ctlmon_free(struct ctlmon *m)
{
	if (m == NULL)
		return;
	ctlmon_close(m);
	if (m->tick_ev != NULL)
		event_free(m->tick_ev);
	if (m->timeout_ev != NULL)
		event_free(m->timeout_ev);
	free(m);
}

const struct ctlmon_info *
ctlmon_info(const struct ctlmon *m)
{
	return &m->info;
}
