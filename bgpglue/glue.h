/*
 * glue: bgpglue's health process (unprivileged).  It wires the relay
 * monitor (ctlmon) and the data-plane probe to the rise/fall checks, feeds
 * the decision machine (decide), and tells the announcer process
 * (announce.h) what to announce: withdrawn, announced (Tag) or draining
 * (DrainTag), over fixed-size messages (gmsg.h).  The control socket
 * (status, stats, drain, undrain, resync) lives here.  The configuration
 * (glue_conf.c) is shared by both processes.
 */
#ifndef JF_GLUE_H
#define JF_GLUE_H

#include <stdint.h>

#include "conf.h"
#include "ctl.h"
#include "zapi.h"

struct event_base;
struct counters;

struct glue_conf {
	char			ctlsock[CONF_STR_MAX];
	char			relay_ctl[CONF_STR_MAX];
	char			user[CONF_STR_MAX];
	char			health_user[CONF_STR_MAX];
	char			zserv[CONF_STR_MAX];
	int			profile;	/* enum zapi_profile */
	int			rtype;		/* enum zapi_rtype */
	uint32_t		instance;
	uint32_t		distance;
	uint32_t		metric;
	uint32_t		tag;
	uint32_t		drain_tag;
	char			nh_ifname[CONF_STR_MAX];	/* "": blackhole */
	struct conf_prefix_list	prefixes;
	uint32_t		interval_ms, timeout_ms, rise, fall;
	int			probe_mode;	/* enum probe_mode */
	struct in_addr		probe_src4, probe_target4;
	struct in6_addr		probe_ret6;
	uint32_t		probe_port;
	char			probe_if4[CONF_STR_MAX];	/* "": kernel */
	char			probe_if6[CONF_STR_MAX];
	uint32_t		probe_mark;
	uint32_t		probe_interval_ms, probe_timeout_ms;
	uint32_t		probe_rise, probe_fall;
	uint32_t		drain_ms;
	char			drain_file[CONF_STR_MAX];
	uint32_t		flap_window_ms, flap_max;
	uint32_t		holddown_ms, holddown_max_ms;
	uint32_t		zebra_backoff_max_ms;
	char			zebra_lost_cmd[CONF_STR_MAX];
	char			zebra_back_cmd[CONF_STR_MAX];
};

extern const struct conf_key glue_conf_keys[];
/* Checks across keys; 0, or -1 with "file:line: key: why" in err. */
int	glue_conf_check(const char *file, const struct glue_conf *, char *err,
	    size_t errlen);
/* The route bgpglue sends for one configured prefix. */
void	glue_conf_route(const struct glue_conf *, size_t i, uint32_t tag,
	    uint32_t ifindex, struct zapi_route *);

struct glue;

/*
 * The health process: async_fd and sync_fd are its ends of the
 * socketpairs to the announcer (announce.h).
 */
struct glue *glue_new(struct event_base *, const struct glue_conf *,
	    int async_fd, int sync_fd);
void	glue_start(struct glue *);
void	glue_free(struct glue *);
const struct counters *glue_counters(const struct glue *);
/* Control socket: status lines and the drain/undrain commands. */
void	glue_status(void *glue, struct ctl_reply *);
extern const struct ctl_command glue_ctl_commands[];

#endif /* JF_GLUE_H */
