/*
 * relay6to4 configuration keys (see deploy/relay6to4.conf) and the checks
 * that need more than a type: the outer source must be a unique
 * 192.88.99.X, never the shared anycast 192.88.99.1 (RFC 3068 4.2.6,
 * conformance.md A24).
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "r64.h"
#include "relay_io.h"
#include "sixtofour.h"

#define K(name, type, field, dflt, req, min, max, help) \
	{ name, type, offsetof(struct r64_conf, field), dflt, req, min, max, \
	    NULL, help }
#define E(name, field, dflt, choices, help) \
	{ name, CONF_ENUM, offsetof(struct r64_conf, field), dflt, 0, 0, 0, \
	    choices, help }

/* Same order as enum r64_output. */
static const char *const r64_outputs[] = { "tun", "raw", "packet", NULL };
/* Same order as enum r64_input. */
static const char *const r64_inputs[] = { "tun", "packet", NULL };

const struct conf_key r64_conf_keys[] = {
	K("InterfaceName", CONF_STR, ifname, "relay6to4", 0, 0, CONF_IFNAME_MAX,
	    "TUN device the IPv6 side routes 2002::/16 into"),
	K("ControlSocket", CONF_STR, ctlsock, "/run/justforward/relay6to4.sock",
	    0, 0, CONF_SUN_PATH_MAX, "control socket path"),
	K("User", CONF_STR, user, "", 0, 0, 0,
	    "user to run as after opening the TUN (empty: stay root)"),
	K("SourceAddress", CONF_IPV4, source, NULL, 1, 0, 0,
	    "outer IPv4 source: this node's unique 192.88.99.X"),
	K("RelayAddress", CONF_PREFIX_LIST, relay_addrs, "192.88.99.1/32", 0,
	    0, 0, "IPv4 addresses of the relay system (/32 each), loop checks"),
	K("NativeAddress", CONF_IPV6, native, "::", 0, 0, 0,
	    "source of ICMPv6 errors (::: 2002:SourceAddress::1)"),
	K("Bogon100_64", CONF_BOOL, bogon100_64, "no", 0, 0, 0,
	    "also refuse 100.64.0.0/10 (RFC 6598) as a 6to4 address"),
	K("LocalSubnet", CONF_PREFIX_LIST, subnets, NULL, 0, 0, 0,
	    SIXTOFOUR_LOCAL_SUBNET_HELP),
	K("MTU", CONF_U32, mtu, "1480", 0, 1280, 65515,
	    "tunnel MTU: larger IPv6 packets get Packet Too Big"),
	K("TTL", CONF_U32, ttl, "64", 0, 1, 255, "outer IPv4 TTL"),
	K("DontFragment", CONF_BOOL, dont_fragment, "no", 0, 0, 0,
	    "set DF on the outer header (RFC 3056 4 says no)"),
	K("TxQueueLen", CONF_U32, txqueuelen, "10000", 0, 1, 1000000,
	    "TUN transmit queue length"),
	K("Batch", CONF_U32, batch, "64", 0, 1, TB_BATCH_MAX,
	    "packets read per wakeup"),
	E("Output", output, "tun", r64_outputs,
	    "tun: write packets back into the TUN; raw: send them on raw "
	    "sockets; packet: hand them to OutputInterface's driver"),
	E("Input", input, "tun", r64_inputs,
	    "tun: read packets from the TUN; packet: from a packet ring on InputInterface"),
	K("InputInterface", CONF_STR, input_if, "", 0, 0, CONF_IFNAME_MAX,
	    "ingress interface of Input packet (needs an ingress drop rule)"),
	K("OutputInterface", CONF_STR, output_if, "", 0, 0, CONF_IFNAME_MAX,
	    "egress interface of Output packet"),
	K("OutputGateway4", CONF_IPV4, output_gw4, "0.0.0.0", 0, 0, 0,
	    "Output packet: IPv4 next hop (0.0.0.0: the default route's)"),
	K("OutputGateway6", CONF_IPV6, output_gw6, "::", 0, 0, 0,
	    "Output packet: IPv6 next hop (::: the default route's)"),
	K("IcmpRate", CONF_U32, icmp_rate, "100", 0, 1, 1000000,
	    "ICMPv6 errors per second"),
	K("IcmpBurst", CONF_U32, icmp_burst, "50", 0, 1, 1000000,
	    "ICMPv6 error burst"),
	{ NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL }
};

static int
r64_conf_fail(const char *file, const char *key, char *err, size_t errlen,
    const char *why)
{
	return conf_fail(err, errlen, file, key, 1, "%s", why);
}

int
r64_conf_check(const char *file, void *cfg, char *err, size_t errlen)
{
	const struct r64_conf	*c = cfg;
	size_t			 i;

	if (ntohl(c->source.s_addr) == SIXTOFOUR_ANYCAST)
		return r64_conf_fail(file, "SourceAddress", err, errlen,
		    "192.88.99.1 is the shared anycast address; use this "
		    "node's unique 192.88.99.X");
	if (sixtofour_v4_bogon_noanycast(c->source, 0))
		return r64_conf_fail(file, "SourceAddress", err, errlen,
		    "not a global unicast address");
	for (i = 0; i < c->relay_addrs.n; i++)
		if (c->relay_addrs.p[i].af != AF_INET ||
		    c->relay_addrs.p[i].len != 32)
			return r64_conf_fail(file, "RelayAddress", err, errlen,
			    "expected an IPv4 address/32");
	if (sixtofour_subnets_check(file, &c->subnets, err, errlen) == -1)
		return -1;
	if (c->input == R64_INPUT_PACKET && c->input_if[0] == '\0')
		return r64_conf_fail(file, "Input", err, errlen,
		    "packet needs InputInterface");
	if (c->input_if[0] != '\0' && c->input != R64_INPUT_PACKET)
		return r64_conf_fail(file, "InputInterface", err, errlen,
		    "only with Input packet");
	if (strlen(c->input_if) >= IFNAMSIZ)
		return r64_conf_fail(file, "InputInterface", err, errlen,
		    "interface name too long");
	return relay_io_output_check(file, c->output == R64_OUTPUT_PACKET,
	    c->output_if, c->output_gw4, &c->output_gw6, err, errlen);
}
