/*
 * bgpglue runtime: checks -> decision -> zebra wanted set, drain sources,
 * the zebra-gone fallback and the control-socket view.  See glue.h.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check.h"
#include "clock.h"
#include "counters.h"
#include "ctl.h"
#include "ctlmon.h"
#include "decide.h"
#include "drainfile.h"
#include "glue.h"
#include "gmsg.h"
#include "log.h"
#include "probe.h"

#define GLUE_COUNTERS(X)						\
	X(GC_ANNOUNCE, "announce")					\
	X(GC_WITHDRAW, "withdraw")					\
	X(GC_DRAIN, "drain")						\
	X(GC_HOLDDOWN, "holddown")					\
	X(GC_RELAY_EXIT, "relay_exit")					\
	X(GC_RELAY_FAIL, "relay_check_fail")				\
	X(GC_PROBE_FAIL, "probe_fail")					\
	X(GC_PROBE_C2N_FAIL, "probe_c2n_fail")				\
	X(GC_ZEBRA_UP, "zebra_up")					\
	X(GC_ZEBRA_DOWN, "zebra_down")
enum glue_counter { GLUE_COUNTERS(COUNTER_ENUM) GC_N };
static const char *const glue_counter_names[] = {
	GLUE_COUNTERS(COUNTER_NAME)
};

/*
 * One probed direction: "probe" (4to6, 6to4, Teredo native->client) and,
 * with ProbeMode teredo, "probe_c2n" (Teredo client->native).  Each has
 * its own check, counter and status lines; all must be up.
 */
#define GLUE_PROBES	2
struct glue_probe {
	struct glue		*g;
	struct probe		*probe;
	struct check		 ck;
	const char		*name;		/* status line prefix */
	enum glue_counter	 fail_ctr;
};

struct glue {
	struct event_base	*base;
	struct glue_conf	 cfg;
	int			 async_fd;	/* to/from the announcer */
	int			 sync_fd;	/* relay fd requests */
	struct ctlmon		*cm;
	struct check		 ck_relay;
	struct glue_probe	 probes[GLUE_PROBES];
	size_t			 nprobes;	/* 0: ProbeMode none */
	struct decide		 dec;
	struct counters		 cnt;
	struct event		*deadline_ev;
	struct event		*drainfile_ev;
	struct event		*async_ev;
	int			 drain_ctl;	/* relayctl drain */
	int			 drain_file;	/* DrainFile present, unexpired */
	char			 drain_file_why[96];
	struct gmsg_zstate	 zs;		/* the announcer's last report */
	uint64_t		 changed_ms;
};

static void	glue_eval(struct glue *, const char *);

/* Tell the announcer; it owns the prefixes and the zebra session. */
static void
glue_apply(struct glue *g)
{
	struct gmsg_want	w;

	w.state = g->dec.state == DECIDE_ANNOUNCED ? GMSG_ANNOUNCED :
	    g->dec.state == DECIDE_DRAINING ? GMSG_DRAINING : GMSG_WITHDRAWN;
	if (gmsg_send(g->async_fd, GMSG_WANT, &w, sizeof(w), -1) == -1)
		fatal("announcer unreachable");
}

static void
glue_schedule_deadline(struct glue *g)
{
	uint64_t	dl = decide_deadline(&g->dec), now = clock_mono_ms();
	struct timeval	tv;

	evtimer_del(g->deadline_ev);
	if (dl == 0)
		return;
	dl = dl > now ? dl - now : 0;
	tv.tv_sec = (time_t)(dl / 1000);
	tv.tv_usec = (suseconds_t)(dl % 1000) * 1000;
	evtimer_add(g->deadline_ev, &tv);
}

static void
glue_eval(struct glue *g, const char *why)
{
	enum decide_state	was = g->dec.state;
	int			healthy = g->ck_relay.up;
	size_t			i;

	for (i = 0; i < g->nprobes; i++)
		healthy = healthy && g->probes[i].ck.up;

	if (decide_eval(&g->dec, clock_mono_ms(), healthy,
	    g->drain_ctl || g->drain_file, why)) {
		g->changed_ms = clock_mono_ms();
		log_info("%s -> %s: %s", decide_state_str(was),
		    decide_state_str(g->dec.state), g->dec.reason);
		switch (g->dec.state) {
		case DECIDE_ANNOUNCED:
			counters_inc(&g->cnt, GC_ANNOUNCE);
			break;
		case DECIDE_DRAINING:
			counters_inc(&g->cnt, GC_DRAIN);
			break;
		case DECIDE_HOLDDOWN:
			counters_inc(&g->cnt, GC_HOLDDOWN);
			break;
		default:
			if (was == DECIDE_ANNOUNCED || was == DECIDE_DRAINING)
				counters_inc(&g->cnt, GC_WITHDRAW);
			break;
		}
		glue_apply(g);
	}
	glue_schedule_deadline(g);
}

static void
glue_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	glue_eval(arg, "timer");
}

static void
glue_relay_cb(void *arg, enum ctlmon_result res, const char *why)
{
	struct glue	*g = arg;
	int		 changed;

	switch (res) {
	case CTLMON_OK:
		changed = check_result(&g->ck_relay, 1, why);
		break;
	case CTLMON_DEAD:
		counters_inc(&g->cnt, GC_RELAY_EXIT);
		changed = check_force_down(&g->ck_relay, why);
		break;
	case CTLMON_FAIL:
	default:
		counters_inc(&g->cnt, GC_RELAY_FAIL);
		changed = check_result(&g->ck_relay, 0, why);
		break;
	}
	if (changed)
		log_info("check %s %s: %s", g->ck_relay.name,
		    g->ck_relay.up ? "up" : "down", why);
	glue_eval(g, why);
}

static void
glue_probe_cb(void *arg, int ok, const char *why)
{
	struct glue_probe	*gp = arg;
	struct glue		*g = gp->g;

	if (!ok)
		counters_inc(&g->cnt, gp->fail_ctr);
	if (check_result(&gp->ck, ok, why))
		log_info("check %s %s: %s", gp->ck.name,
		    gp->ck.up ? "up" : "down", why);
	glue_eval(g, why);
}

/* The announcer's reports; EOF: it died, and so do we. */
static void
glue_async_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct glue		*g = arg;
	struct gmsg_zstate	 z;
	int			 type, pfd;

	(void)ev;
	while ((type = gmsg_recv(fd, &z, sizeof(z), &pfd)) != 0) {
		if (type == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			log_warn("announcer message");
			continue;
		}
		if (type != GMSG_ZSTATE)
			continue;
		z.error[sizeof(z.error) - 1] = '\0';
		if (z.up && !g->zs.up)
			counters_inc(&g->cnt, GC_ZEBRA_UP);
		if (!z.up && g->zs.up)
			counters_inc(&g->cnt, GC_ZEBRA_DOWN);
		g->zs = z;
	}
	fatalx("announcer process exited");
}

/*
 * ctlmon's connect: the announcer opens the relay's control socket (it
 * may need privileges we dropped) and passes us the fd.
 */
static int
glue_relay_connect(void *arg)
{
	struct glue	*g = arg;
	struct gmsg_fd	 r;
	struct pollfd	 pfd = { g->sync_fd, POLLIN, 0 };
	int		 fd;

	if (gmsg_send(g->sync_fd, GMSG_RELAY_CONNECT, NULL, 0, -1) == -1)
		fatal("announcer unreachable");
	if (poll(&pfd, 1, 2000) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (gmsg_recv(g->sync_fd, &r, sizeof(r), &fd) != GMSG_RELAY_FD)
		fatalx("announcer: bad reply to a relay connect");
	if (r.err != 0) {
		if (fd != -1)
			close(fd);
		errno = r.err;
		return -1;
	}
	if (fd == -1)
		errno = EBADMSG;
	return fd;
}

/* DrainFile (drainfile.h): polled, since an operator's editor may
 * replace it in any way. */
static void
glue_drainfile_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct glue	*g = arg;
	char		 why[96];
	int		 on;

	(void)fd;
	(void)ev;
	on = drainfile_read(g->cfg.drain_file, time(NULL), why, sizeof(why));
	if (on != g->drain_file || strcmp(why, g->drain_file_why) != 0) {
		if (on != g->drain_file)
			log_info("%s: %s", g->cfg.drain_file, on ? why :
			    why[0] ? why : "drain file removed");
		g->drain_file = on;
		snprintf(g->drain_file_why, sizeof(g->drain_file_why), "%s",
		    why);
		glue_eval(g, on ? why : "drain file gone");
	}
}

struct glue *
glue_new(struct event_base *base, const struct glue_conf *cfg, int async_fd,
    int sync_fd)
{
	struct glue		*g;
	struct ctlmon_cfg	 mcfg;
	struct decide_cfg	 dcfg;
	size_t			 i;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->base = base;
	g->cfg = *cfg;
	g->async_fd = async_fd;
	g->sync_fd = sync_fd;
	counters_init(&g->cnt, glue_counter_names, GC_N);
	check_init(&g->ck_relay, "relay", cfg->rise, cfg->fall);

	memset(&dcfg, 0, sizeof(dcfg));
	dcfg.drain_ms = cfg->drain_ms;
	dcfg.flap_window_ms = cfg->flap_window_ms;
	dcfg.flap_max = cfg->flap_max;
	dcfg.holddown_ms = cfg->holddown_ms;
	dcfg.holddown_max_ms = cfg->holddown_max_ms;
	decide_init(&g->dec, &dcfg, clock_mono_ms());

	memset(&mcfg, 0, sizeof(mcfg));
	snprintf(mcfg.path, sizeof(mcfg.path), "%s", cfg->relay_ctl);
	mcfg.interval_ms = cfg->interval_ms;
	mcfg.timeout_ms = cfg->timeout_ms;
	mcfg.connect_fn = glue_relay_connect;
	mcfg.connect_arg = g;
	g->cm = ctlmon_new(base, &mcfg, glue_relay_cb, g);

	if (cfg->probe_mode != PROBE_NONE) {
		g->probes[g->nprobes].name = "probe";
		g->probes[g->nprobes].fail_ctr = GC_PROBE_FAIL;
		g->probes[g->nprobes++].probe = NULL;
	}
	if (cfg->probe_mode == PROBE_TEREDO) {
		g->probes[g->nprobes].name = "probe_c2n";
		g->probes[g->nprobes++].fail_ctr = GC_PROBE_C2N_FAIL;
	}
	for (i = 0; i < g->nprobes; i++) {
		struct glue_probe	*gp = &g->probes[i];
		struct probe_cfg	 pcfg;
		const char		*ifname;

		memset(&pcfg, 0, sizeof(pcfg));
		pcfg.mode = i == 1 ? PROBE_TEREDO_C2N :
		    (enum probe_mode)cfg->probe_mode;
		pcfg.src4 = cfg->probe_src4;
		pcfg.target4 = cfg->probe_target4;
		pcfg.ret6 = cfg->probe_ret6;
		pcfg.port = (uint16_t)cfg->probe_port;
		pcfg.interval_ms = cfg->probe_interval_ms;
		pcfg.timeout_ms = cfg->probe_timeout_ms;
		/* Where the probe's outer packet enters, by its family. */
		ifname = pcfg.mode == PROBE_4TO6 ||
		    pcfg.mode == PROBE_TEREDO_C2N ? cfg->probe_if4 :
		    cfg->probe_if6;
		/* glue_conf_check keeps it below 16 bytes. */
		memcpy(pcfg.ifname, ifname, strnlen(ifname,
		    sizeof(pcfg.ifname) - 1));
		pcfg.mark = cfg->probe_mark;
		gp->g = g;
		check_init(&gp->ck, gp->name, cfg->probe_rise,
		    cfg->probe_fall);
		if ((gp->probe = probe_new(base, &pcfg, glue_probe_cb, gp)) ==
		    NULL) {
			log_warn("%s sockets", gp->name);
			glue_free(g);
			return NULL;
		}
	}
	g->deadline_ev = evtimer_new(base, glue_deadline_cb, g);
	g->drainfile_ev = event_new(base, -1, EV_PERSIST, glue_drainfile_cb,
	    g);
	g->async_ev = event_new(base, async_fd, EV_READ | EV_PERSIST,
	    glue_async_cb, g);
	if (g->cm == NULL || g->deadline_ev == NULL ||
	    g->drainfile_ev == NULL || g->async_ev == NULL) {
		glue_free(g);
		return NULL;
	}
	return g;
}

void
glue_start(struct glue *g)
{
	struct timeval	tv = { g->cfg.interval_ms / 1000,
			    (g->cfg.interval_ms % 1000) * 1000 };
	size_t		i;

	event_add(g->async_ev, NULL);
	glue_apply(g);		/* withdrawn, until the checks rise */
	if (g->cfg.drain_file[0] != '\0') {
		event_add(g->drainfile_ev, &tv);
		glue_drainfile_cb(-1, 0, g);
	}
	ctlmon_start(g->cm);
	for (i = 0; i < g->nprobes; i++)
		probe_start(g->probes[i].probe);
}

void
glue_free(struct glue *g)
{
	size_t	i;

	if (g == NULL)
		return;
	ctlmon_free(g->cm);
	for (i = 0; i < g->nprobes; i++)
		probe_free(g->probes[i].probe);
	if (g->deadline_ev != NULL)
		event_free(g->deadline_ev);
	if (g->drainfile_ev != NULL)
		event_free(g->drainfile_ev);
	if (g->async_ev != NULL)
		event_free(g->async_ev);
	counters_free(&g->cnt);
	free(g);
}

const struct counters *
glue_counters(const struct glue *g)
{
	return &g->cnt;
}

void
glue_status(void *arg, struct ctl_reply *r)
{
	struct glue			*g = arg;
	const struct ctlmon_info	*mi = ctlmon_info(g->cm);
	struct zapi_route		 rt;
	char				 pfx[64];
	size_t				 i;

	ctl_reply_printf(r, "announce %s", decide_state_str(g->dec.state));
	ctl_reply_printf(r, "reason %s", g->dec.reason);
	ctl_reply_printf(r, "since_ms %llu", (unsigned long long)
	    (clock_mono_ms() - g->dec.since));
	ctl_reply_printf(r, "changes %llu",
	    (unsigned long long)g->dec.changes);
	ctl_reply_printf(r, "drain_ctl %s", g->drain_ctl ? "yes" : "no");
	ctl_reply_printf(r, "drain_file %s%s%s", g->drain_file ? "yes" : "no",
	    g->drain_file_why[0] ? " " : "", g->drain_file_why);
	if (g->dec.state == DECIDE_HOLDDOWN)
		ctl_reply_printf(r, "holddown_left_ms %llu",
		    (unsigned long long)(g->dec.holddown_until -
		    clock_mono_ms()));
	ctl_reply_printf(r, "check_relay %s ok_run=%u fail_run=%u why=%s",
	    g->ck_relay.up ? "up" : "down", g->ck_relay.ok_run,
	    g->ck_relay.fail_run, g->ck_relay.why);
	for (i = 0; i < g->nprobes; i++) {
		const struct glue_probe	*gp = &g->probes[i];
		const struct probe_stats *ps = probe_stats(gp->probe);

		ctl_reply_printf(r, "check_%s %s ok_run=%u fail_run=%u "
		    "why=%s", gp->name, gp->ck.up ? "up" : "down",
		    gp->ck.ok_run, gp->ck.fail_run, gp->ck.why);
		ctl_reply_printf(r, "%s sent=%llu ok=%llu timeouts=%llu "
		    "send_errors=%llu rtt_ms=%u", gp->name,
		    (unsigned long long)ps->sent,
		    (unsigned long long)ps->ok,
		    (unsigned long long)ps->timeouts,
		    (unsigned long long)ps->send_errors, ps->last_rtt_ms);
	}
	ctl_reply_printf(r, "relay_connected %s", mi->connected ? "yes" :
	    "no");
	ctl_reply_printf(r, "relay_pid %ld", mi->pid);
	ctl_reply_printf(r, "relay_state %s", mi->state[0] ? mi->state :
	    "unknown");
	ctl_reply_printf(r, "zebra %s", g->zs.up ? "up" : "down");
	if (!g->zs.up)
		ctl_reply_printf(r, "zebra_error %s", g->zs.error);
	ctl_reply_printf(r, "zebra_profile %s",
	    zapi_proto(g->cfg.profile)->name);
	ctl_reply_printf(r, "zebra_lost_command %s", g->zs.lost_ran ?
	    "in-force" : "no");
	ctl_reply_printf(r, "zebra_adds %llu", (unsigned long long)g->zs.adds);
	ctl_reply_printf(r, "zebra_dels %llu", (unsigned long long)g->zs.dels);
	ctl_reply_printf(r, "zebra_readds %llu",
	    (unsigned long long)g->zs.readds);
	ctl_reply_printf(r, "zebra_hooks lost=%llu back=%llu",
	    (unsigned long long)g->zs.lost_cmds,
	    (unsigned long long)g->zs.back_cmds);
	for (i = 0; i < g->zs.nroutes && i < g->cfg.prefixes.n; i++) {
		glue_conf_route(&g->cfg, i, g->zs.tag, 0, &rt);
		ctl_reply_printf(r, "route prefix=%s tag=%u installed=%s",
		    zapi_prefix_str(&rt.prefix, pfx, sizeof(pfx)), g->zs.tag,
		    (i < 32 && (g->zs.installed & (1u << i))) ? "yes" : "no");
	}
}

static int
glue_ctl_drain(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct glue	*g = arg;
	int		 on = strcmp(argv[0], "drain") == 0;

	if (argc != 1) {
		ctl_reply_error(r, "usage: %s", argv[0]);
		return -1;
	}
	if (g->drain_ctl != on) {
		g->drain_ctl = on;
		log_info("%s requested on the control socket", argv[0]);
		glue_eval(g, on ? "drain requested" : "undrain requested");
	}
	ctl_reply_printf(r, "announce %s", decide_state_str(g->dec.state));
	ctl_reply_printf(r, "reason %s", g->dec.reason);
	if (!on && g->drain_file)
		ctl_reply_printf(r, "note drain file %s still drains",
		    g->cfg.drain_file);
	return 0;
}

/*
 * After a zebra restart bgpd keeps the routes zebra had redistributed to
 * it (FRR 8.4; neither a redistribute toggle nor a route-map deny clears
 * them).  Once bgpd is back on zebra, an ADD then DELETE of each prefix we
 * do not announce makes bgpd drop its stale copy.  ZebraBackCommand
 * (deploy/frr/bgpglue-bgpd.sh) calls this while the iBGP sessions are
 * still shut, so the transient ADD never leaves the VM.
 */
static int
glue_ctl_resync(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct glue	*g = arg;

	(void)argv;
	if (argc != 1) {
		ctl_reply_error(r, "usage: resync");
		return -1;
	}
	if (!g->zs.up) {
		ctl_reply_error(r, "zebra is down");
		return -1;
	}
	if (gmsg_send(g->async_fd, GMSG_RESYNC, NULL, 0, -1) == -1) {
		ctl_reply_error(r, "announcer unreachable");
		return -1;
	}
	ctl_reply_printf(r, "announce %s", decide_state_str(g->dec.state));
	return 0;
}

const struct ctl_command glue_ctl_commands[] = {
	{ "resync", glue_ctl_resync,
	    "make bgpd drop routes it kept across a zebra restart" },
	{ "drain", glue_ctl_drain,
	    "announce with the drain tag (graceful shutdown), then withdraw" },
	{ "undrain", glue_ctl_drain, "announce normally again" },
	{ NULL, NULL, NULL }
};
