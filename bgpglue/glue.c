/*
 * bgpglue runtime: checks -> decision -> zebra wanted set, drain sources,
 * the zebra-gone fallback and the control-socket view.  See glue.h.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <net/if.h>
#include <signal.h>
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
#include "glue.h"
#include "log.h"
#include "probe.h"
#include "zclient.h"

#define GLUE_COUNTERS(X)						\
	X(GC_ANNOUNCE, "announce")					\
	X(GC_WITHDRAW, "withdraw")					\
	X(GC_DRAIN, "drain")						\
	X(GC_HOLDDOWN, "holddown")					\
	X(GC_RELAY_EXIT, "relay_exit")					\
	X(GC_RELAY_FAIL, "relay_check_fail")				\
	X(GC_ZEBRA_UP, "zebra_up")					\
	X(GC_ZEBRA_DOWN, "zebra_down")					\
	X(GC_ROUTE_LOST, "zebra_route_lost")				\
	X(GC_LOST_CMD, "zebra_lost_command")				\
	X(GC_BACK_CMD, "zebra_back_command")				\
	X(GC_CMD_FAIL, "command_failed")
enum glue_counter { GLUE_COUNTERS(COUNTER_ENUM) GC_N };
static const char *const glue_counter_names[] = {
	GLUE_COUNTERS(COUNTER_NAME)
};

struct glue {
	struct event_base	*base;
	struct glue_conf	 cfg;
	struct zclient		*zc;
	struct ctlmon		*cm;
	struct check		 ck_relay;
	struct probe		*probe;		/* NULL: ProbeMode none */
	struct check		 ck_probe;
	struct decide		 dec;
	struct counters		 cnt;
	struct event		*deadline_ev;
	struct event		*drainfile_ev;
	struct event		*sigchld_ev;
	int			 drain_ctl;	/* relayctl drain */
	int			 drain_file;	/* DrainFile present, unexpired */
	char			 drain_file_why[96];
	int			 zebra_up;
	int			 zebra_was_up;	/* a session existed before */
	int			 bgpd_stale;	/* zebra left while announced */
	int			 lost_ran;	/* ZebraLostCommand in force */
	uint64_t		 changed_ms;
};

static void	glue_eval(struct glue *, const char *);

static void
glue_run_cmd(struct glue *g, const char *what, const char *cmd)
{
	pid_t	pid;

	log_info("running %s: %s", what, cmd);
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", what);
		counters_inc(&g->cnt, GC_CMD_FAIL);
		return;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
}

static void
glue_sigchld_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct glue	*g = arg;
	pid_t		 pid;
	int		 st;

	(void)fd;
	(void)ev;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			log_warnx("command (pid %ld) failed: status %d",
			    (long)pid, st);
			counters_inc(&g->cnt, GC_CMD_FAIL);
		}
}

static void
glue_apply(struct glue *g)
{
	struct zapi_route	r[ZCLIENT_MAX_ROUTES];
	uint32_t		tag, ifindex = 0;
	size_t			i, n = 0;

	if (decide_announced(&g->dec)) {
		tag = g->dec.state == DECIDE_DRAINING ? g->cfg.drain_tag :
		    g->cfg.tag;
		if (g->cfg.nh_ifname[0] != '\0')
			ifindex = if_nametoindex(g->cfg.nh_ifname);
		for (i = 0; i < g->cfg.prefixes.n; i++)
			glue_conf_route(&g->cfg, i, tag, ifindex, &r[n++]);
	}
	zclient_set(g->zc, r, n);
}

/*
 * zebra gone and bgpd still announcing what zebra had: if we should not
 * be announced, only bgpd itself can stop it now.
 */
static void
glue_zebra_fallback(struct glue *g)
{
	if (g->zebra_up || !g->bgpd_stale || g->lost_ran ||
	    decide_announced(&g->dec) || g->cfg.zebra_lost_cmd[0] == '\0')
		return;
	log_warnx("zebra is gone and bgpd still announces our prefixes: "
	    "withdrawing through bgpd");
	counters_inc(&g->cnt, GC_LOST_CMD);
	g->lost_ran = 1;
	glue_run_cmd(g, "ZebraLostCommand", g->cfg.zebra_lost_cmd);
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
	int			healthy = g->ck_relay.up &&
				    (g->probe == NULL || g->ck_probe.up);

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
	glue_zebra_fallback(g);
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
	struct glue	*g = arg;

	if (check_result(&g->ck_probe, ok, why))
		log_info("check %s %s: %s", g->ck_probe.name,
		    g->ck_probe.up ? "up" : "down", why);
	glue_eval(g, why);
}

static void
glue_zebra_cb(void *arg, enum zclient_ev ev, const char *detail)
{
	struct glue	*g = arg;

	switch (ev) {
	case ZCLIENT_UP:
		counters_inc(&g->cnt, GC_ZEBRA_UP);
		g->zebra_up = 1;
		g->bgpd_stale = 0;
		g->lost_ran = 0;
		/*
		 * After any zebra loss: bgpd (FRR 8.4) neither drops what the
		 * old zebra redistributed nor re-registers "redistribute
		 * table" with the new one, so the hook must repair bgpd
		 * (deploy/frr/bgpglue-bgpd.sh back) and undo a shutdown.
		 */
		if (g->zebra_was_up && g->cfg.zebra_back_cmd[0] != '\0') {
			counters_inc(&g->cnt, GC_BACK_CMD);
			glue_run_cmd(g, "ZebraBackCommand",
			    g->cfg.zebra_back_cmd);
		}
		g->zebra_was_up = 1;
		break;
	case ZCLIENT_DOWN:
		counters_inc(&g->cnt, GC_ZEBRA_DOWN);
		g->zebra_up = 0;
		if (decide_announced(&g->dec))
			g->bgpd_stale = 1;
		glue_zebra_fallback(g);
		break;
	case ZCLIENT_LOST:
		counters_inc(&g->cnt, GC_ROUTE_LOST);
		break;
	case ZCLIENT_INSTALLED:
		log_debug("zebra installed %s", detail);
		break;
	}
}

/*
 * DrainFile: present means drain.  Its first word, if any, is the expiry
 * (unix time); an expired file is ignored, so a forgotten maintenance file
 * cannot keep a relay out of service.
 */
static void
glue_drainfile_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct glue	*g = arg;
	char		 buf[64], why[96];
	FILE		*f;
	long long	 exp = 0;
	int		 on = 0;

	(void)fd;
	(void)ev;
	why[0] = '\0';
	if ((f = fopen(g->cfg.drain_file, "r")) != NULL) {
		on = 1;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    sscanf(buf, "%lld", &exp) == 1 && exp > 0 &&
		    (long long)time(NULL) >= exp) {
			on = 0;
			snprintf(why, sizeof(why), "drain file expired at %lld",
			    exp);
		} else if (exp > 0)
			snprintf(why, sizeof(why), "drain file until %lld",
			    exp);
		else
			snprintf(why, sizeof(why), "drain file present");
		fclose(f);
	}
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
glue_new(struct event_base *base, const struct glue_conf *cfg)
{
	struct glue		*g;
	struct zclient_cfg	 zcfg;
	struct ctlmon_cfg	 mcfg;
	struct decide_cfg	 dcfg;
	const struct zapi_proto	*zp = zapi_proto(cfg->profile);

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->base = base;
	g->cfg = *cfg;
	counters_init(&g->cnt, glue_counter_names, GC_N);
	check_init(&g->ck_relay, "relay", cfg->rise, cfg->fall);

	memset(&dcfg, 0, sizeof(dcfg));
	dcfg.drain_ms = cfg->drain_ms;
	dcfg.flap_window_ms = cfg->flap_window_ms;
	dcfg.flap_max = cfg->flap_max;
	dcfg.holddown_ms = cfg->holddown_ms;
	dcfg.holddown_max_ms = cfg->holddown_max_ms;
	decide_init(&g->dec, &dcfg, clock_mono_ms());

	memset(&zcfg, 0, sizeof(zcfg));
	snprintf(zcfg.path, sizeof(zcfg.path), "%s", cfg->zserv);
	zcfg.profile = cfg->profile;
	zcfg.type = zapi_rtype_num(zp, cfg->rtype);
	zcfg.instance = (uint16_t)cfg->instance;
	zcfg.backoff_min_ms = 100;
	zcfg.backoff_max_ms = cfg->zebra_backoff_max_ms;
	zcfg.hello_timeout_ms = 3000;
	g->zc = zclient_new(base, &zcfg, glue_zebra_cb, g);

	memset(&mcfg, 0, sizeof(mcfg));
	snprintf(mcfg.path, sizeof(mcfg.path), "%s", cfg->relay_ctl);
	mcfg.interval_ms = cfg->interval_ms;
	mcfg.timeout_ms = cfg->timeout_ms;
	g->cm = ctlmon_new(base, &mcfg, glue_relay_cb, g);

	if (cfg->probe_mode != PROBE_NONE) {
		struct probe_cfg	pcfg;

		memset(&pcfg, 0, sizeof(pcfg));
		pcfg.mode = (enum probe_mode)cfg->probe_mode;
		pcfg.src4 = cfg->probe_src4;
		pcfg.target4 = cfg->probe_target4;
		pcfg.ret6 = cfg->probe_ret6;
		pcfg.port = (uint16_t)cfg->probe_port;
		pcfg.interval_ms = cfg->probe_interval_ms;
		pcfg.timeout_ms = cfg->probe_timeout_ms;
		check_init(&g->ck_probe, "probe", cfg->probe_rise,
		    cfg->probe_fall);
		if ((g->probe = probe_new(base, &pcfg, glue_probe_cb, g)) ==
		    NULL) {
			log_warn("probe sockets");
			glue_free(g);
			return NULL;
		}
	}
	g->deadline_ev = evtimer_new(base, glue_deadline_cb, g);
	g->drainfile_ev = event_new(base, -1, EV_PERSIST, glue_drainfile_cb,
	    g);
	g->sigchld_ev = evsignal_new(base, SIGCHLD, glue_sigchld_cb, g);
	if (g->zc == NULL || g->cm == NULL || g->deadline_ev == NULL ||
	    g->drainfile_ev == NULL || g->sigchld_ev == NULL) {
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

	event_add(g->sigchld_ev, NULL);
	if (g->cfg.drain_file[0] != '\0') {
		event_add(g->drainfile_ev, &tv);
		glue_drainfile_cb(-1, 0, g);
	}
	zclient_start(g->zc);
	ctlmon_start(g->cm);
	if (g->probe != NULL)
		probe_start(g->probe);
}

void
glue_free(struct glue *g)
{
	if (g == NULL)
		return;
	ctlmon_free(g->cm);
	probe_free(g->probe);
	zclient_free(g->zc);
	if (g->deadline_ev != NULL)
		event_free(g->deadline_ev);
	if (g->drainfile_ev != NULL)
		event_free(g->drainfile_ev);
	if (g->sigchld_ev != NULL)
		event_free(g->sigchld_ev);
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
	const struct zclient_route	*zr;
	const struct zclient_stats	*zs = zclient_stats(g->zc);
	const struct ctlmon_info	*mi = ctlmon_info(g->cm);
	char				 pfx[64];
	size_t				 i, n;

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
	if (g->probe != NULL) {
		const struct probe_stats *ps = probe_stats(g->probe);

		ctl_reply_printf(r, "check_probe %s ok_run=%u fail_run=%u "
		    "why=%s", g->ck_probe.up ? "up" : "down",
		    g->ck_probe.ok_run, g->ck_probe.fail_run, g->ck_probe.why);
		ctl_reply_printf(r, "probe sent=%llu ok=%llu timeouts=%llu "
		    "send_errors=%llu rtt_ms=%u", (unsigned long long)ps->sent,
		    (unsigned long long)ps->ok,
		    (unsigned long long)ps->timeouts,
		    (unsigned long long)ps->send_errors, ps->last_rtt_ms);
	}
	ctl_reply_printf(r, "relay_connected %s", mi->connected ? "yes" :
	    "no");
	ctl_reply_printf(r, "relay_pid %ld", mi->pid);
	ctl_reply_printf(r, "relay_state %s", mi->state[0] ? mi->state :
	    "unknown");
	ctl_reply_printf(r, "zebra %s", zclient_is_up(g->zc) ? "up" : "down");
	if (!zclient_is_up(g->zc))
		ctl_reply_printf(r, "zebra_error %s",
		    zclient_last_error(g->zc));
	ctl_reply_printf(r, "zebra_profile %s",
	    zapi_proto(g->cfg.profile)->name);
	ctl_reply_printf(r, "zebra_lost_command %s", g->lost_ran ?
	    "in-force" : "no");
	ctl_reply_printf(r, "zebra_adds %llu", (unsigned long long)
	    zs->adds_sent);
	ctl_reply_printf(r, "zebra_dels %llu", (unsigned long long)
	    zs->dels_sent);
	ctl_reply_printf(r, "zebra_readds %llu", (unsigned long long)
	    zs->readds);
	n = zclient_wanted(g->zc, &zr);
	for (i = 0; i < n; i++)
		ctl_reply_printf(r, "route prefix=%s tag=%u installed=%s",
		    zapi_prefix_str(&zr[i].r.prefix, pfx, sizeof(pfx)),
		    zr[i].r.tag, zr[i].installed ? "yes" : "no");
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
	struct glue		*g = arg;
	struct zapi_route	 rt[ZCLIENT_MAX_ROUTES];
	size_t			 i;

	(void)argv;
	if (argc != 1) {
		ctl_reply_error(r, "usage: resync");
		return -1;
	}
	for (i = 0; i < g->cfg.prefixes.n; i++)
		glue_conf_route(&g->cfg, i, g->cfg.tag, 0, &rt[i]);
	if (zclient_resync(g->zc, rt, g->cfg.prefixes.n) == -1) {
		ctl_reply_error(r, "zebra is down");
		return -1;
	}
	log_info("resync: wanted routes re-sent, %s", decide_announced(&g->dec)
	    ? "announced" : "withdrawn prefixes added and deleted");
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
