/*
 * bgpglue's announcer process.  See announce.h.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>

#include <event2/event.h>

#include "announce.h"
#include "ctl.h"
#include "glue.h"
#include "gmsg.h"
#include "log.h"
#include "sandbox.h"
#include "zclient.h"

struct announce {
	struct event_base	*base;
	const struct glue_conf	*cfg;
	struct zclient		*zc;
	int			 async_fd, sync_fd;
	uint32_t		 want;		/* enum gmsg_want_state */
	int			 zebra_up;
	int			 zebra_was_up;
	int			 bgpd_stale;	/* zebra left while announced */
	int			 lost_ran;
	uint64_t		 lost_cmds, back_cmds;
};

static void
announce_run_cmd(struct announce *a, const char *what, const char *cmd)
{
	pid_t	pid;

	log_info("running %s: %s", what, cmd);
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", what);
		return;
	}
	if (pid == 0) {
		close(a->async_fd);
		close(a->sync_fd);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
}

static void
announce_sigchld_cb(evutil_socket_t fd, short ev, void *arg)
{
	pid_t	pid;
	int	st;

	(void)fd;
	(void)ev;
	(void)arg;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			log_warnx("command (pid %ld) failed: status %d",
			    (long)pid, st);
}

static void
announce_stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct announce	*a = arg;

	(void)fd;
	(void)ev;
	event_base_loopbreak(a->base);
}

static int
announce_announced(const struct announce *a)
{
	return a->want == GMSG_ANNOUNCED || a->want == GMSG_DRAINING;
}

static void
announce_report(struct announce *a)
{
	struct gmsg_zstate		 z;
	const struct zclient_route	*zr;
	const struct zclient_stats	*zs = zclient_stats(a->zc);
	size_t				 i, n;

	memset(&z, 0, sizeof(z));
	z.up = zclient_is_up(a->zc);
	z.lost_ran = a->lost_ran;
	n = zclient_wanted(a->zc, &zr);
	z.nroutes = (uint32_t)n;
	for (i = 0; i < n && i < 32; i++) {
		if (zr[i].installed)
			z.installed |= 1u << i;
		z.tag = zr[i].r.tag;
	}
	z.adds = zs->adds_sent;
	z.dels = zs->dels_sent;
	z.readds = zs->readds;
	z.lost_cmds = a->lost_cmds;
	z.back_cmds = a->back_cmds;
	snprintf(z.error, sizeof(z.error), "%s", zclient_last_error(a->zc));
	if (gmsg_send(a->async_fd, GMSG_ZSTATE, &z, sizeof(z), -1) == -1 &&
	    errno != EAGAIN)
		log_warn("report to the health process");
}

/*
 * zebra gone and bgpd still announcing what zebra had: if we should not
 * be announced, only bgpd itself can stop it now.
 */
static void
announce_fallback(struct announce *a)
{
	if (a->zebra_up || !a->bgpd_stale || a->lost_ran ||
	    announce_announced(a) || a->cfg->zebra_lost_cmd[0] == '\0')
		return;
	log_warnx("zebra is gone and bgpd still announces our prefixes: "
	    "withdrawing through bgpd");
	a->lost_ran = 1;
	a->lost_cmds++;
	announce_run_cmd(a, "ZebraLostCommand", a->cfg->zebra_lost_cmd);
}

static size_t
announce_routes(struct announce *a, uint32_t tag, struct zapi_route *r)
{
	uint32_t	ifindex = 0;
	size_t		i;

	if (a->cfg->nh_ifname[0] != '\0')
		ifindex = if_nametoindex(a->cfg->nh_ifname);
	for (i = 0; i < a->cfg->prefixes.n; i++)
		glue_conf_route(a->cfg, i, tag, ifindex, &r[i]);
	return a->cfg->prefixes.n;
}

static void
announce_apply(struct announce *a)
{
	struct zapi_route	r[ZCLIENT_MAX_ROUTES];
	size_t			n = 0;

	if (a->want == GMSG_ANNOUNCED)
		n = announce_routes(a, a->cfg->tag, r);
	else if (a->want == GMSG_DRAINING)
		n = announce_routes(a, a->cfg->drain_tag, r);
	zclient_set(a->zc, r, n);
	announce_fallback(a);
	announce_report(a);
}

static void
announce_zebra_cb(void *arg, enum zclient_ev ev, const char *detail)
{
	struct announce	*a = arg;

	switch (ev) {
	case ZCLIENT_UP:
		a->zebra_up = 1;
		a->bgpd_stale = 0;
		a->lost_ran = 0;
		/*
		 * After any zebra loss: bgpd (FRR 8.4) neither drops what the
		 * old zebra redistributed nor re-registers "redistribute
		 * table" with the new one, so the hook must repair bgpd
		 * (deploy/frr/bgpglue-bgpd.sh back) and undo a shutdown.
		 */
		if (a->zebra_was_up && a->cfg->zebra_back_cmd[0] != '\0') {
			a->back_cmds++;
			announce_run_cmd(a, "ZebraBackCommand",
			    a->cfg->zebra_back_cmd);
		}
		a->zebra_was_up = 1;
		break;
	case ZCLIENT_DOWN:
		a->zebra_up = 0;
		if (announce_announced(a))
			a->bgpd_stale = 1;
		announce_fallback(a);
		break;
	case ZCLIENT_INSTALLED:
		log_debug("zebra installed %s", detail);
		break;
	case ZCLIENT_LOST:
		break;
	}
	announce_report(a);
}

static void
announce_async_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct announce		*a = arg;
	struct gmsg_want	 w;
	struct zapi_route	 r[ZCLIENT_MAX_ROUTES];
	int			 type, pfd;

	(void)ev;
	type = gmsg_recv(fd, &w, sizeof(w), &pfd);
	if (type == 0) {
		log_info("health process gone: exiting (zebra withdraws)");
		event_base_loopbreak(a->base);
		return;
	}
	switch (type) {
	case GMSG_WANT:
		if (w.state > GMSG_DRAINING) {
			log_warnx("health process: bad state %u", w.state);
			break;
		}
		if (w.state != a->want) {
			a->want = w.state;
			announce_apply(a);
		}
		break;
	case GMSG_RESYNC:
		announce_routes(a, a->cfg->tag, r);
		if (zclient_resync(a->zc, r, a->cfg->prefixes.n) == -1)
			log_warnx("resync: zebra is down");
		else
			log_info("resync: wanted routes re-sent, %s",
			    announce_announced(a) ? "announced" :
			    "withdrawn prefixes added and deleted");
		break;
	default:
		log_warnx("health process: unexpected message (%s)",
		    type == -1 ? strerror(errno) : "type");
		break;
	}
}

/* The health process wants a connection to the relay's control socket. */
static void
announce_sync_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct announce	*a = arg;
	struct gmsg_fd	 reply;
	int		 type, pfd, cfd;
	uint8_t		 dummy[8];

	(void)ev;
	type = gmsg_recv(fd, dummy, sizeof(dummy), &pfd);
	if (type == 0) {
		event_base_loopbreak(a->base);
		return;
	}
	if (type != GMSG_RELAY_CONNECT) {
		log_warnx("health process: unexpected request");
		return;
	}
	cfd = ctl_client_connect(a->cfg->relay_ctl);
	reply.err = cfd == -1 ? errno : 0;
	if (gmsg_send(fd, GMSG_RELAY_FD, &reply, sizeof(reply), cfd) == -1)
		log_warn("relay fd to the health process");
	if (cfd != -1)
		close(cfd);
}

int
announce_main(const struct glue_conf *cfg, int async_fd, int sync_fd)
{
	struct announce		 a;
	struct zclient_cfg	 zcfg;
	struct event		*ev_async, *ev_sync, *ev_term, *ev_int,
				*ev_chld;
	const struct zapi_proto	*zp = zapi_proto(cfg->profile);

	memset(&a, 0, sizeof(a));
	a.cfg = cfg;
	a.async_fd = async_fd;
	a.sync_fd = sync_fd;
	a.want = GMSG_WITHDRAWN;
	if ((a.base = event_base_new()) == NULL)
		fatalx("announce: event base");
	memset(&zcfg, 0, sizeof(zcfg));
	snprintf(zcfg.path, sizeof(zcfg.path), "%s", cfg->zserv);
	zcfg.profile = cfg->profile;
	zcfg.type = zapi_rtype_num(zp, cfg->rtype);
	zcfg.instance = (uint16_t)cfg->instance;
	zcfg.backoff_min_ms = 100;
	zcfg.backoff_max_ms = cfg->zebra_backoff_max_ms;
	zcfg.hello_timeout_ms = 3000;
	if ((a.zc = zclient_new(a.base, &zcfg, announce_zebra_cb, &a)) == NULL)
		fatalx("announce: zclient");
	ev_async = event_new(a.base, async_fd, EV_READ | EV_PERSIST,
	    announce_async_cb, &a);
	ev_sync = event_new(a.base, sync_fd, EV_READ | EV_PERSIST,
	    announce_sync_cb, &a);
	ev_term = evsignal_new(a.base, SIGTERM, announce_stop_cb, &a);
	ev_int = evsignal_new(a.base, SIGINT, announce_stop_cb, &a);
	ev_chld = evsignal_new(a.base, SIGCHLD, announce_sigchld_cb, &a);
	if (ev_async == NULL || ev_sync == NULL || ev_term == NULL ||
	    ev_int == NULL || ev_chld == NULL ||
	    event_add(ev_async, NULL) == -1 || event_add(ev_sync, NULL) == -1 ||
	    event_add(ev_term, NULL) == -1 || event_add(ev_int, NULL) == -1 ||
	    event_add(ev_chld, NULL) == -1)
		fatalx("announce: events");
	zclient_start(a.zc);
	/* The hooks run programs: a filter would bind them too. */
	if (cfg->zebra_lost_cmd[0] != '\0' || cfg->zebra_back_cmd[0] != '\0')
		log_info("sandbox: off (ZebraLostCommand/ZebraBackCommand)");
	else if (sandbox_enter(SANDBOX_GLUE_ANNOUNCER) == -1)
		fatalx("sandbox");
	announce_report(&a);
	event_base_dispatch(a.base);

	zclient_free(a.zc);
	event_free(ev_async);
	event_free(ev_sync);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_chld);
	event_base_free(a.base);
	return 0;
}
