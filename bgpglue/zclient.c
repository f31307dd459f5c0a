/*
 * zebra session: connect, HELLO, wait for CAPABILITIES, replay the wanted
 * routes, follow ROUTE_NOTIFY_OWNER.  All bytes go through zapi.c.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "pbuf.h"
#include "zclient.h"

enum zc_state {
	ZC_IDLE,	/* waiting to reconnect */
	ZC_CONNECTING,
	ZC_HELLO,	/* HELLO sent, waiting for CAPABILITIES */
	ZC_UP,
};

struct zclient {
	struct event_base	*base;
	struct zclient_cfg	 cfg;
	const struct zapi_proto	*zp;
	uint16_t		 cmd_notify_request;
	zclient_event_fn	 cb;
	void			*arg;
	enum zc_state		 state;
	struct bufferevent	*bev;
	struct event		*retry_ev;	/* reconnect / hello timeout */
	struct event		*readd_ev;	/* coalesced re-adds */
	uint32_t		 backoff_ms;
	struct zclient_route	 want[ZCLIENT_MAX_ROUTES];
	size_t			 nwant;
	int			 readd[ZCLIENT_MAX_ROUTES];
	struct zapi_route	 purge[ZCLIENT_MAX_ROUTES];	/* resync */
	size_t			 npurge;
	struct event		*purge_ev;
	struct zclient_stats	 st;
	char			 err[256];
};

static void	zclient_connect(struct zclient *);
static void	zclient_drop(struct zclient *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
zclient_send(struct zclient *zc, const uint8_t *msg, int len)
{
	if (len <= 0 || zc->bev == NULL)
		return;
	bufferevent_write(zc->bev, msg, (size_t)len);
}

static void
zclient_send_route(struct zclient *zc, int add, const struct zapi_route *r)
{
	uint8_t		buf[256];
	struct wbuf	w;
	int		len;

	wbuf_init(&w, buf, sizeof(buf));
	if ((len = zapi_enc_route(&w, zc->zp, add, r)) < 0)
		fatalx("zclient: cannot encode a route we built");
	zclient_send(zc, buf, len);
	if (add)
		zc->st.adds_sent++;
	else
		zc->st.dels_sent++;
}

static void
zclient_schedule(struct zclient *zc, uint32_t ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(zc->retry_ev, &tv);
}

static void
zclient_drop(struct zclient *zc, const char *fmt, ...)
{
	va_list		ap;
	enum zc_state	was = zc->state;
	size_t		i;

	va_start(ap, fmt);
	vsnprintf(zc->err, sizeof(zc->err), fmt, ap);
	va_end(ap);
	if (zc->bev != NULL) {
		bufferevent_free(zc->bev);
		zc->bev = NULL;
	}
	evtimer_del(zc->readd_ev);
	evtimer_del(zc->purge_ev);
	zc->npurge = 0;
	for (i = 0; i < zc->nwant; i++) {
		zc->want[i].installed = 0;
		zc->readd[i] = 0;
	}
	zc->state = ZC_IDLE;
	if (was == ZC_UP) {
		zc->st.disconnects++;
		log_warnx("zebra %s: session lost: %s", zc->cfg.path, zc->err);
		zc->cb(zc->arg, ZCLIENT_DOWN, zc->err);
	}
	zclient_schedule(zc, zc->backoff_ms);
	zc->backoff_ms = zc->backoff_ms * 2 > zc->cfg.backoff_max_ms ?
	    zc->cfg.backoff_max_ms : zc->backoff_ms * 2;
}

static void
zclient_handshake_failed(struct zclient *zc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
zclient_handshake_failed(struct zclient *zc, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	zc->st.handshake_failures++;
	/* Logged once per distinct reason, not once per retry. */
	if (strcmp(msg, zc->err) != 0)
		log_warnx("zebra %s: %s", zc->cfg.path, msg);
	zclient_drop(zc, "%s", msg);
}

static void
zclient_up(struct zclient *zc, size_t caplen)
{
	uint8_t		buf[32];
	struct wbuf	w;
	size_t		i;

	/* 10.0/10.1 (11-byte CAPABILITIES) number NOTIFY_REQUEST 124. */
	zc->cmd_notify_request = zc->zp->cmd_notify_request;
	if (zc->cmd_notify_request != 0 && caplen == 11)
		zc->cmd_notify_request = 124;
	if (zc->cmd_notify_request != 0) {
		struct zapi_proto p = *zc->zp;

		p.cmd_notify_request = zc->cmd_notify_request;
		wbuf_init(&w, buf, sizeof(buf));
		zclient_send(zc, buf, zapi_enc_notify_request(&w, &p, 1));
	}
	evtimer_del(zc->retry_ev);
	zc->state = ZC_UP;
	zc->backoff_ms = zc->cfg.backoff_min_ms;
	zc->err[0] = '\0';
	zc->st.connects++;
	for (i = 0; i < zc->nwant; i++) {
		zc->want[i].installed = 0;
		zclient_send_route(zc, 1, &zc->want[i].r);
	}
	log_info("zebra %s: up (profile %s, type %u instance %u), %zu "
	    "route(s) sent", zc->cfg.path, zc->zp->name, zc->cfg.type,
	    zc->cfg.instance, zc->nwant);
	zc->cb(zc->arg, ZCLIENT_UP, "");
}

static struct zclient_route *
zclient_find(struct zclient *zc, const struct zapi_prefix *p, size_t *idx)
{
	size_t	i;

	for (i = 0; i < zc->nwant; i++)
		if (zapi_prefix_eq(&zc->want[i].r.prefix, p)) {
			*idx = i;
			return &zc->want[i];
		}
	return NULL;
}

static void
zclient_readd_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct zclient	*zc = arg;
	size_t		 i;

	(void)fd;
	(void)ev;
	if (zc->state != ZC_UP)
		return;
	for (i = 0; i < zc->nwant; i++)
		if (zc->readd[i]) {
			zc->readd[i] = 0;
			zc->st.readds++;
			zclient_send_route(zc, 1, &zc->want[i].r);
		}
}

/* Second half of a resync: delete what was added only to be deleted. */
static void
zclient_purge_one(struct zclient *zc, const struct zapi_prefix *p)
{
	size_t	i;

	for (i = 0; i < zc->npurge; i++)
		if (zapi_prefix_eq(&zc->purge[i].prefix, p)) {
			zclient_send_route(zc, 0, &zc->purge[i]);
			zc->purge[i] = zc->purge[--zc->npurge];
			return;
		}
}

static void
zclient_purge_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct zclient	*zc = arg;

	(void)fd;
	(void)ev;
	while (zc->npurge > 0)
		zclient_purge_one(zc, &zc->purge[0].prefix);
}

static void
zclient_notify(struct zclient *zc, const struct zapi_notify *n)
{
	struct zclient_route	*wr;
	struct timeval		 tv = { 0, 50 * 1000 };
	char			 pfx[64];
	size_t			 idx;

	zc->st.notes_rx++;
	zapi_prefix_str(&n->prefix, pfx, sizeof(pfx));
	if ((wr = zclient_find(zc, &n->prefix, &idx)) == NULL) {
		if (n->note == ZAPI_NOTE_INSTALLED)
			zclient_purge_one(zc, &n->prefix);
		log_debug("zebra: %s %s (not wanted)", pfx,
		    zapi_note_str(n->note));
		return;
	}
	wr->last_note = n->note;
	switch (n->note) {
	case ZAPI_NOTE_INSTALLED:
		if (!wr->installed) {
			wr->installed = 1;
			zc->cb(zc->arg, ZCLIENT_INSTALLED, pfx);
		}
		break;
	case ZAPI_NOTE_REMOVED:
	case ZAPI_NOTE_FAIL_INSTALL:
	case ZAPI_NOTE_BETTER_ADMIN_WON:
		/*
		 * Still wanted: someone else (an old session's cleanup, a
		 * restart race) removed it.  Re-add after a short delay so
		 * a burst of notes costs one resend.
		 */
		wr->installed = 0;
		log_warnx("zebra: wanted route %s %s, adding it again", pfx,
		    zapi_note_str(n->note));
		zc->cb(zc->arg, ZCLIENT_LOST, pfx);
		if (n->note == ZAPI_NOTE_REMOVED) {
			zc->readd[idx] = 1;
			evtimer_add(zc->readd_ev, &tv);
		}
		break;
	default:
		break;
	}
}

/* One whole message (header included). */
static void
zclient_dispatch(struct zclient *zc, const struct zapi_hdr *h,
    const uint8_t *msg)
{
	struct pbuf		body;
	struct zapi_notify	n;
	uint32_t		code;

	zc->st.msgs_rx++;
	pbuf_init(&body, msg + ZAPI_HDR_LEN, h->len - ZAPI_HDR_LEN);
	if (zc->state == ZC_HELLO) {
		if (h->cmd == zc->zp->cmd_capabilities) {
			zclient_up(zc, pbuf_left(&body));
			return;
		}
		if (h->cmd <= zc->zp->cmd_max_iface)
			return;	/* interface noise may come first */
		zclient_handshake_failed(zc, "zebra answered HELLO with "
		    "command %u, not CAPABILITIES (%u) of profile %s: is "
		    "zapi-profile right for this FRR?", h->cmd,
		    zc->zp->cmd_capabilities, zc->zp->name);
		return;
	}
	if (h->cmd == zc->zp->cmd_notify_owner) {
		if (zapi_dec_notify_owner(&body, zc->zp, &n) != ZAPI_OK) {
			zc->st.drop_bad_msg++;
			return;
		}
		zclient_notify(zc, &n);
	} else if (h->cmd == zc->zp->cmd_error) {
		if (zapi_dec_error(&body, &code) == ZAPI_OK)
			log_warnx("zebra: error %u", code);
		else
			zc->st.drop_bad_msg++;
	}
	/* Everything else (interfaces, VRFs, ...) is not ours. */
}

static void
zclient_read_cb(struct bufferevent *bev, void *arg)
{
	struct zclient	*zc = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct zapi_hdr	 h;
	struct pbuf	 b;
	uint8_t		*p;
	int		 rc;

	while (zc->bev == bev && evbuffer_get_length(in) >= ZAPI_HDR_LEN) {
		p = evbuffer_pullup(in, ZAPI_HDR_LEN);
		pbuf_init(&b, p, ZAPI_HDR_LEN);
		if ((rc = zapi_hdr_decode(&b, &h)) != ZAPI_OK) {
			zc->st.drop_bad_msg++;
			if (zc->state == ZC_HELLO)
				zclient_handshake_failed(zc, "zebra sent a "
				    "header that is not ZAPI v6 (marker 254):"
				    " not an FRR >= 6 zserv socket?");
			else
				zclient_drop(zc, "corrupt ZAPI header");
			return;
		}
		if (evbuffer_get_length(in) < h.len)
			return;
		p = evbuffer_pullup(in, h.len);
		zclient_dispatch(zc, &h, p);
		if (zc->bev == bev)
			evbuffer_drain(in, h.len);
	}
}

static void
zclient_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct zclient	*zc = arg;
	uint8_t		 buf[64];
	struct wbuf	 w;
	struct zapi_hello h;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		memset(&h, 0, sizeof(h));
		h.type = zc->cfg.type;
		h.instance = zc->cfg.instance;
		h.notify = 1;	/* no GR, not synchronous: zebra cleans up */
		wbuf_init(&w, buf, sizeof(buf));
		zclient_send(zc, buf, zapi_enc_hello(&w, zc->zp, &h));
		zc->state = ZC_HELLO;
		zclient_schedule(zc, zc->cfg.hello_timeout_ms);
		return;
	}
	if (what & BEV_EVENT_EOF)
		zclient_drop(zc, "zebra closed the connection");
	else if (what & BEV_EVENT_ERROR) {
		if (zc->state == ZC_CONNECTING) {
			char	msg[256];

			snprintf(msg, sizeof(msg), "connect: %s",
			    strerror(EVUTIL_SOCKET_ERROR()));
			if (strcmp(msg, zc->err) != 0)
				log_warnx("zebra %s: %s", zc->cfg.path, msg);
			zclient_drop(zc, "%s", msg);
		} else
			zclient_drop(zc, "socket error: %s",
			    strerror(EVUTIL_SOCKET_ERROR()));
	}
}

static void
zclient_retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct zclient	*zc = arg;

	(void)fd;
	(void)ev;
	if (zc->state == ZC_HELLO) {
		zclient_handshake_failed(zc, "no CAPABILITIES within %u ms "
		    "after HELLO (profile %s): is zapi-profile right for this "
		    "FRR?", zc->cfg.hello_timeout_ms, zc->zp->name);
		return;
	}
	if (zc->state == ZC_IDLE)
		zclient_connect(zc);
}

static void
zclient_connect(struct zclient *zc)
{
	struct sockaddr_un	sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(zc->cfg.path) >= sizeof(sun.sun_path))
		fatalx("zclient: socket path too long");	/* conf checks */
	strncpy(sun.sun_path, zc->cfg.path, sizeof(sun.sun_path) - 1);
	zc->bev = bufferevent_socket_new(zc->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (zc->bev == NULL) {
		zclient_drop(zc, "bufferevent_socket_new failed");
		return;
	}
	bufferevent_setcb(zc->bev, zclient_read_cb, NULL, zclient_event_cb,
	    zc);
	bufferevent_enable(zc->bev, EV_READ);
	zc->state = ZC_CONNECTING;
	if (bufferevent_socket_connect(zc->bev, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1 && zc->state == ZC_CONNECTING) {
		char	msg[256];

		snprintf(msg, sizeof(msg), "connect: %s", strerror(errno));
		if (strcmp(msg, zc->err) != 0)
			log_warnx("zebra %s: %s", zc->cfg.path, msg);
		zclient_drop(zc, "%s", msg);
	}
}

struct zclient *
zclient_new(struct event_base *base, const struct zclient_cfg *cfg,
    zclient_event_fn cb, void *arg)
{
	struct zclient	*zc;

	if ((zc = calloc(1, sizeof(*zc))) == NULL)
		return NULL;
	zc->base = base;
	zc->cfg = *cfg;
	if (zc->cfg.backoff_min_ms == 0)
		zc->cfg.backoff_min_ms = 100;
	if (zc->cfg.backoff_max_ms < zc->cfg.backoff_min_ms)
		zc->cfg.backoff_max_ms = zc->cfg.backoff_min_ms;
	if (zc->cfg.hello_timeout_ms == 0)
		zc->cfg.hello_timeout_ms = 3000;
	zc->zp = zapi_proto(cfg->profile);
	zc->cb = cb;
	zc->arg = arg;
	zc->backoff_ms = zc->cfg.backoff_min_ms;
	zc->retry_ev = evtimer_new(base, zclient_retry_cb, zc);
	zc->readd_ev = evtimer_new(base, zclient_readd_cb, zc);
	zc->purge_ev = evtimer_new(base, zclient_purge_cb, zc);
	if (zc->retry_ev == NULL || zc->readd_ev == NULL ||
	    zc->purge_ev == NULL) {
		zclient_free(zc);
		return NULL;
	}
	return zc;
}

void
zclient_free(struct zclient *zc)
{
	if (zc == NULL)
		return;
	if (zc->bev != NULL)
		bufferevent_free(zc->bev);
	if (zc->retry_ev != NULL)
		event_free(zc->retry_ev);
	if (zc->readd_ev != NULL)
		event_free(zc->readd_ev);
	if (zc->purge_ev != NULL)
		event_free(zc->purge_ev);
	free(zc);
}

void
zclient_start(struct zclient *zc)
{
	if (zc->state == ZC_IDLE) {
		evtimer_del(zc->retry_ev);
		zclient_connect(zc);
	}
}

static int
zclient_route_same(const struct zapi_route *a, const struct zapi_route *b)
{
	return a->type == b->type && a->instance == b->instance &&
	    zapi_prefix_eq(&a->prefix, &b->prefix) &&
	    a->nh_type == b->nh_type && a->ifindex == b->ifindex &&
	    a->message == b->message && a->distance == b->distance &&
	    a->metric == b->metric && a->tag == b->tag;
}

int
zclient_set(struct zclient *zc, const struct zapi_route *r, size_t n)
{
	struct zclient_route	nw[ZCLIENT_MAX_ROUTES];
	size_t			i, j;
	int			found, same;

	if (n > ZCLIENT_MAX_ROUTES)
		return -1;
	/* Deletes first: a prefix that left the wanted set. */
	for (i = 0; i < zc->nwant; i++) {
		for (found = 0, j = 0; j < n && !found; j++)
			found = zapi_prefix_eq(&zc->want[i].r.prefix,
			    &r[j].prefix);
		if (!found && zc->state == ZC_UP)
			zclient_send_route(zc, 0, &zc->want[i].r);
	}
	for (j = 0; j < n; j++) {
		memset(&nw[j], 0, sizeof(nw[j]));
		nw[j].r = r[j];
		nw[j].last_note = UINT32_MAX;
		for (same = 0, i = 0; i < zc->nwant && !same; i++)
			if ((same = zclient_route_same(&zc->want[i].r,
			    &r[j])))
				nw[j] = zc->want[i];	/* unchanged */
		if (!same && zc->state == ZC_UP)
			zclient_send_route(zc, 1, &r[j]);
	}
	memcpy(zc->want, nw, n * sizeof(nw[0]));
	memset(zc->readd, 0, sizeof(zc->readd));
	zc->nwant = n;
	/* A prefix wanted again must not get a resync's late DELETE. */
	for (i = 0; i < zc->npurge; ) {
		for (found = 0, j = 0; j < n && !found; j++)
			found = zapi_prefix_eq(&zc->purge[i].prefix,
			    &r[j].prefix);
		if (found)
			zc->purge[i] = zc->purge[--zc->npurge];
		else
			i++;
	}
	return 0;
}

int
zclient_resync(struct zclient *zc, const struct zapi_route *stale, size_t n)
{
	struct timeval	tv = { 1, 0 };
	size_t		i, j;
	int		wanted;

	if (zc->state != ZC_UP)
		return -1;
	for (i = 0; i < zc->nwant; i++)
		zclient_send_route(zc, 1, &zc->want[i].r);
	for (j = 0; j < n; j++) {
		for (wanted = 0, i = 0; i < zc->nwant && !wanted; i++)
			wanted = zapi_prefix_eq(&zc->want[i].r.prefix,
			    &stale[j].prefix);
		if (wanted || zc->npurge == ZCLIENT_MAX_ROUTES)
			continue;
		/*
		 * zebra must select the route (and tell bgpd) before the
		 * DELETE, or it coalesces both and bgpd hears nothing: the
		 * DELETE waits for INSTALLED, or at most one second.
		 */
		zclient_send_route(zc, 1, &stale[j]);
		zc->purge[zc->npurge++] = stale[j];
	}
	if (zc->npurge > 0)
		evtimer_add(zc->purge_ev, &tv);
	return 0;
}

int
zclient_is_up(const struct zclient *zc)
{
	return zc->state == ZC_UP;
}

size_t
zclient_wanted(const struct zclient *zc, const struct zclient_route **r)
{
	*r = zc->want;
	return zc->nwant;
}

int
zclient_all_installed(const struct zclient *zc)
{
	size_t	i;

	if (zc->state != ZC_UP || zc->nwant == 0)
		return 0;
	for (i = 0; i < zc->nwant; i++)
		if (!zc->want[i].installed)
			return 0;
	return 1;
}

const struct zclient_stats *
zclient_stats(const struct zclient *zc)
{
	return &zc->st;
}

const char *
zclient_last_error(const struct zclient *zc)
{
	return zc->err;
}
