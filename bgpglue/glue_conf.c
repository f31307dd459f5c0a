/*
 * bgpglue configuration keys (see deploy/bgpglue-*.conf) and the checks
 * that span keys.
 */
#include <arpa/inet.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "glue.h"

#define K(name, type, field, dflt, req, min, max, help) \
	{ name, type, offsetof(struct glue_conf, field), dflt, req, min, max, \
	    NULL, help }
#define E(name, field, dflt, choices, help) \
	{ name, CONF_ENUM, offsetof(struct glue_conf, field), dflt, 0, 0, 0, \
	    choices, help }

/* Same order as enum zapi_profile and enum zapi_rtype. */
static const char *const glue_profiles[] = { "frr8", "frr10", NULL };
static const char *const glue_probes[] = { "none", "4to6", "6to4",
	"teredo", NULL };
static const char *const glue_rtypes[] = { "static", "nhrp", "table",
	"babel", "openfabric", NULL };

const struct conf_key glue_conf_keys[] = {
	K("ControlSocket", CONF_STR, ctlsock,
	    "/run/justforward/bgpglue.sock", 0, 0, CONF_SUN_PATH_MAX,
	    "bgpglue's own control socket (status, stats, drain, undrain)"),
	K("RelayControlSocket", CONF_STR, relay_ctl, NULL, 1, 0, CONF_SUN_PATH_MAX,
	    "control socket of the relay this bgpglue announces for"),
	K("User", CONF_STR, user, "", 0, 0, 0,
	    "announcer process user (zserv: root or frr; empty: root with "
	    "CAP_DAC_OVERRIDE only)"),
	K("HealthUser", CONF_STR, health_user, "nobody", 0, 0, 0,
	    "health-check process user (empty: root without capabilities)"),
	K("ZservPath", CONF_STR, zserv, "/var/run/frr/zserv.api", 0, 0, CONF_SUN_PATH_MAX,
	    "zebra's ZAPI socket (FRR -N NS: /var/run/frr/NS/zserv.api)"),
	E("ZapiProfile", profile, "frr8", glue_profiles,
	    "zebra wire profile: frr8 (FRR 7.5-9.1) or frr10 (10.x)"),
	E("RouteType", rtype, "table", glue_rtypes,
	    "route type bgpglue says hello as; bgpd: redistribute <type>"),
	K("RouteInstance", CONF_U32, instance, "0", 0, 0, 65535,
	    "instance of RouteType; must be unique per zebra"),
	K("Distance", CONF_U32, distance, "10", 0, 1, 255,
	    "administrative distance of the injected routes"),
	K("Metric", CONF_U32, metric, "0", 0, 0, UINT32_MAX,
	    "metric of the injected routes (MED when redistributed)"),
	K("Tag", CONF_U32, tag, "6024", 0, 1, UINT32_MAX,
	    "route tag while announced (bgpd: match tag)"),
	K("DrainTag", CONF_U32, drain_tag, "6025", 0, 1, UINT32_MAX,
	    "route tag while draining (bgpd: GRACEFUL_SHUTDOWN, local-pref 0)"),
	K("NexthopInterface", CONF_STR, nh_ifname, "", 0, 0, CONF_IFNAME_MAX,
	    "nexthop interface of the routes (empty: blackhole)"),
	K("Prefix", CONF_PREFIX_LIST, prefixes, NULL, 1, 0, 0,
	    "a prefix of this relay's role (repeat); announced all or none"),
	K("CheckIntervalMs", CONF_U32, interval_ms, "1000", 0, 10, 10000,
	    "relay status poll interval (below the relay's 15 s control eviction)"),
	K("CheckTimeoutMs", CONF_U32, timeout_ms, "500", 0, 5, 3600000,
	    "a status reply later than this is a failure"),
	K("CheckRise", CONF_U32, rise, "2", 0, 1, 100,
	    "consecutive successes before announcing"),
	K("CheckFall", CONF_U32, fall, "3", 0, 1, 100,
	    "consecutive failures before withdrawing (relay exit: at once)"),
	E("ProbeMode", probe_mode, "none", glue_probes,
	    "data-plane probe through the relay: none, 4to6, 6to4, teredo"),
	K("ProbeSource4", CONF_IPV4, probe_src4, "0.0.0.0", 0, 0, 0,
	    "this host's IPv4: 4to6 outer source, 6to4 V4ADDR probed, Teredo server/client (not teredod's)"),
	K("ProbeTarget4", CONF_IPV4, probe_target4, "192.88.99.1", 0, 0, 0,
	    "the relay address probed: 4to6 relay address, teredod's BindAddress"),
	K("ProbeReturn6", CONF_IPV6, probe_ret6, "::", 0, 0, 0,
	    "this host's IPv6: 4to6 and teredo client->native destination, 6to4 and teredo native->client source"),
	K("ProbePort", CONF_U32, probe_port, "3560", 0, 1, 65535,
	    "UDP port of the probe packets"),
	K("ProbeInterface4", CONF_STR, probe_if4, "", 0, 0, 0,
	    "inject IPv4 probes (4to6, teredo client->native) on this interface: the relay's packet-mode InputInterface"),
	K("ProbeInterface6", CONF_STR, probe_if6, "", 0, 0, 0,
	    "inject IPv6 probes (6to4, teredo native->client) on this interface: the relay's packet-mode input for native IPv6"),
	K("ProbeMark", CONF_U32, probe_mark, "27238", 0, 1, UINT32_MAX,
	    "skb mark of injected probe frames (the tc rule that turns them into the interface's ingress matches it)"),
	K("ProbeIntervalMs", CONF_U32, probe_interval_ms, "1000", 0, 10,
	    3600000, "probe interval"),
	K("ProbeTimeoutMs", CONF_U32, probe_timeout_ms, "500", 0, 5, 3600000,
	    "a probe not back within this is a failure"),
	K("ProbeRise", CONF_U32, probe_rise, "2", 0, 1, 100,
	    "consecutive probe successes needed"),
	K("ProbeFall", CONF_U32, probe_fall, "3", 0, 1, 100,
	    "consecutive probe failures before withdrawing"),
	K("DrainTimeMs", CONF_U32, drain_ms, "30000", 0, 0, 86400000,
	    "time announced with DrainTag before the withdrawal"),
	K("DrainFile", CONF_STR, drain_file, "", 0, 0, 0,
	    "drain while this file exists (first word: expiry, unix time)"),
	K("FlapWindowMs", CONF_U32, flap_window_ms, "60000", 0, 1, 86400000,
	    "window in which withdrawals are counted as flaps"),
	K("FlapMax", CONF_U32, flap_max, "3", 0, 0, 1000,
	    "withdrawals within FlapWindowMs that cause a hold-down (0: off)"),
	K("HoldDownMs", CONF_U32, holddown_ms, "10000", 0, 0, 86400000,
	    "first hold-down; doubles on each repeat"),
	K("HoldDownMaxMs", CONF_U32, holddown_max_ms, "300000", 0, 0,
	    86400000, "longest hold-down"),
	K("ZebraBackoffMaxMs", CONF_U32, zebra_backoff_max_ms, "2000", 0, 100,
	    600000, "longest wait between zebra reconnects (first: 100 ms)"),
	K("ZebraLostCommand", CONF_STR, zebra_lost_cmd, "", 0, 0, 0,
	    "sh command run when the relay fails while zebra is gone"),
	K("ZebraBackCommand", CONF_STR, zebra_back_cmd, "", 0, 0, 0,
	    "sh command run when zebra is back after a loss (repairs bgpd)"),
	{ NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL }
};

#define GLUE_ERR(key, ...)						\
	return conf_fail(err, errlen, file, key, 1, __VA_ARGS__)

int
glue_conf_check(const char *file, const struct glue_conf *c, char *err,
    size_t errlen)
{
	size_t	i, j;

	if (c->rtype == ZAPI_RT_STATIC && c->instance == 0)
		GLUE_ERR("RouteType", "static instance 0 is staticd's: its "
		    "routes would be removed with ours (use table)");
	if (c->tag == c->drain_tag)
		GLUE_ERR("DrainTag", "must differ from Tag %u", c->tag);
	if (c->timeout_ms >= c->interval_ms)
		GLUE_ERR("CheckTimeoutMs", "%u must be below CheckIntervalMs "
		    "%u", c->timeout_ms, c->interval_ms);
	if (c->probe_mode != 0 && c->probe_src4.s_addr == INADDR_ANY)
		GLUE_ERR("ProbeSource4", "required by ProbeMode");
	if ((c->probe_mode == 1 || c->probe_mode == 3) &&
	    IN6_IS_ADDR_UNSPECIFIED(&c->probe_ret6))
		GLUE_ERR("ProbeReturn6", "required by ProbeMode %s",
		    glue_probes[c->probe_mode]);
	if (c->probe_if6[0] != '\0' && IN6_IS_ADDR_UNSPECIFIED(&c->probe_ret6))
		GLUE_ERR("ProbeReturn6", "required by ProbeInterface6 (the "
		    "injected IPv6 probe's source)");
	if (c->probe_mode == 3 &&
	    c->probe_target4.s_addr == htonl(0xc0586301))
		GLUE_ERR("ProbeTarget4", "ProbeMode teredo: set teredod's "
		    "BindAddress (the client->native probe's destination)");
	if (strlen(c->probe_if4) >= 16)
		GLUE_ERR("ProbeInterface4", "longer than an interface name");
	if (strlen(c->probe_if6) >= 16)
		GLUE_ERR("ProbeInterface6", "longer than an interface name");
	if (c->probe_if4[0] != '\0' && c->probe_mode != 1 &&
	    c->probe_mode != 3)
		GLUE_ERR("ProbeInterface4", "no IPv4 probe in ProbeMode %s",
		    glue_probes[c->probe_mode]);
	if (c->probe_if6[0] != '\0' && c->probe_mode != 2 &&
	    c->probe_mode != 3)
		GLUE_ERR("ProbeInterface6", "no IPv6 probe in ProbeMode %s",
		    glue_probes[c->probe_mode]);
	if (c->probe_mode != 0 && c->probe_timeout_ms >= c->probe_interval_ms)
		GLUE_ERR("ProbeTimeoutMs", "%u must be below ProbeIntervalMs "
		    "%u", c->probe_timeout_ms, c->probe_interval_ms);
	if (c->holddown_max_ms < c->holddown_ms)
		GLUE_ERR("HoldDownMaxMs", "%u is below HoldDownMs %u",
		    c->holddown_max_ms, c->holddown_ms);
	if (strlen(c->zserv) >= 108)
		GLUE_ERR("ZservPath", "longer than a Unix socket path");
	if (strcmp(c->ctlsock, c->relay_ctl) == 0)
		GLUE_ERR("ControlSocket", "same path as RelayControlSocket");
	for (i = 0; i < c->prefixes.n; i++)
		for (j = i + 1; j < c->prefixes.n; j++)
			if (c->prefixes.p[i].af == c->prefixes.p[j].af &&
			    c->prefixes.p[i].len == c->prefixes.p[j].len &&
			    memcmp(&c->prefixes.p[i].addr,
			    &c->prefixes.p[j].addr,
			    c->prefixes.p[i].af == AF_INET ? 4 : 16) == 0) {
				char	buf[64];

				conf_format_prefix(&c->prefixes.p[j], buf,
				    sizeof(buf));
				return conf_fail(err, errlen, file, "Prefix",
				    j + 1, "%s listed twice", buf);
			}
	if (c->zebra_back_cmd[0] == '\0' && c->zebra_lost_cmd[0] != '\0')
		GLUE_ERR("ZebraLostCommand", "set without ZebraBackCommand, "
		    "which must undo it");
	return 0;
}

void
glue_conf_route(const struct glue_conf *c, size_t i, uint32_t tag,
    uint32_t ifindex, struct zapi_route *r)
{
	const struct zapi_proto		*zp = zapi_proto(c->profile);
	const struct conf_prefix	*p = &c->prefixes.p[i];

	memset(r, 0, sizeof(*r));
	r->type = zapi_rtype_num(zp, c->rtype);
	r->instance = (uint16_t)c->instance;
	r->prefix.family = p->af == AF_INET ? ZAPI_AF_INET : ZAPI_AF_INET6;
	r->prefix.len = p->len;
	memcpy(r->prefix.addr, &p->addr, p->af == AF_INET ? 4 : 16);
	zapi_prefix_mask(&r->prefix);
	if (c->nh_ifname[0] != '\0') {
		r->nh_type = ZAPI_NH_IFINDEX;
		r->ifindex = ifindex;
	} else
		r->nh_type = ZAPI_NH_BLACKHOLE;
	r->message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;
	r->distance = (uint8_t)c->distance;
	r->tag = tag;
	if (c->metric != 0) {
		r->message |= ZAPI_MSG_METRIC;
		r->metric = c->metric;
	}
}
