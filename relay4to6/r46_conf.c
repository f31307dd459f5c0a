/*
 * relay4to6 configuration keys (see deploy/relay4to6.conf) and the checks
 * that span keys or need more than a type.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frag4.h"
#include "r46.h"
#include "relay_io.h"
#include "sixtofour.h"

#define K(name, type, field, dflt, req, min, max, help) \
	{ name, type, offsetof(struct r46_conf, field), dflt, req, min, max, \
	    NULL, help }
#define E(name, field, dflt, choices, help) \
	{ name, CONF_ENUM, offsetof(struct r46_conf, field), dflt, 0, 0, 0, \
	    choices, help }

/* Same order as enum r46_output. */
static const char *const r46_outputs[] = { "tun", "raw", "packet", NULL };
/* Same order as enum r46_input. */
static const char *const r46_inputs[] = { "tun", "packet", "xdp", NULL };

const struct conf_key r46_conf_keys[] = {
	K("InterfaceName", CONF_STR, ifname, "relay4to6", 0, 0, CONF_IFNAME_MAX,
	    "TUN device the IPv4 side routes 192.88.99.1/32 into"),
	K("ControlSocket", CONF_STR, ctlsock, "/run/justforward/relay4to6.sock", 0, 0, CONF_SUN_PATH_MAX,
	    "control socket path"),
	K("User", CONF_STR, user, "", 0, 0, 0,
	    "user to run as after opening the TUN (empty: stay root)"),
	K("AnycastAddress", CONF_IPV4, anycast, "192.88.99.1", 0, 0, 0,
	    "RFC 3068 anycast relay address"),
	K("UnicastAddress", CONF_IPV4, unicast, "0.0.0.0", 0, 0, 0,
	    "RFC 3068 4.2 equivalent unicast address (0.0.0.0: none)"),
	K("NativeAddress", CONF_IPV6, native, "::", 0, 0, 0,
	    "source of ICMPv6 errors (::: 2002:c058:6301::1)"),
	K("Bogon100_64", CONF_BOOL, bogon100_64, "no", 0, 0, 0,
	    "also refuse 100.64.0.0/10 (RFC 6598) as a 6to4 address"),
	K("LocalSubnet", CONF_PREFIX_LIST, subnets, NULL, 0, 0, 0,
	    SIXTOFOUR_LOCAL_SUBNET_HELP),
	K("MTU", CONF_U32, mtu, "1500", 0, 1280, 65535, "TUN MTU"),
	K("TxQueueLen", CONF_U32, txqueuelen, "10000", 0, 1, 1000000,
	    "TUN transmit queue length"),
	K("Batch", CONF_U32, batch, "64", 0, 1, TB_BATCH_MAX,
	    "packets read per wakeup"),
	E("Output", output, "tun", r46_outputs,
	    "tun: write packets back into the TUN; raw: send them on raw "
	    "sockets; packet: hand them to OutputInterface's driver"),
	E("Input", input, "tun", r46_inputs,
	    "tun: read packets from the TUN; packet: from a packet ring on InputInterface; "
	    "xdp: an XDP program on InputInterface relays the common case, the TUN the rest"),
	K("InputInterface", CONF_STR, input_if, "", 0, 0, CONF_IFNAME_MAX,
	    "ingress interface of Input packet (needs an ingress drop rule) or Input xdp"),
	K("OutputInterface", CONF_STR, output_if, "", 0, 0, CONF_IFNAME_MAX,
	    "egress interface of Output packet"),
	K("OutputGateway4", CONF_IPV4, output_gw4, "0.0.0.0", 0, 0, 0,
	    "Output packet: IPv4 next hop (0.0.0.0: the default route's)"),
	K("OutputGateway6", CONF_IPV6, output_gw6, "::", 0, 0, 0,
	    "Output packet: IPv6 next hop (::: the default route's)"),
	K("FragMaxBytes", CONF_U32, frag_max_bytes, "1048576", 0,
	    FRAG4_MIN_BYTES, 256 * 1024 * 1024,
	    "IPv4 reassembly memory for fragment data (64-byte chunks; a "
	    "source holds at most 1/8)"),
	K("FragMaxDatagrams", CONF_U32, frag_max_datagrams, "16384", 0, 1,
	    1024 * 1024, "IPv4 datagrams reassembled at once (a source holds "
	    "at most 1/8); the oldest is evicted for a new one"),
	K("FragTimeout", CONF_U32, frag_timeout, "30", 0, 1, 120,
	    "seconds before an incomplete datagram is dropped"),
	K("IcmpRate", CONF_U32, icmp_rate, "100", 0, 1, 1000000,
	    "ICMPv6 errors per second"),
	K("IcmpBurst", CONF_U32, icmp_burst, "50", 0, 1, 1000000,
	    "ICMPv6 error burst"),
	K("TTL", CONF_U32, ttl, "64", 0, 1, 255,
	    "IPv4 TTL of packets the relay originates (echo replies, errors)"),
	{ NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL }
};

static int
r46_conf_fail(const char *file, const char *key, char *err, size_t errlen,
    const char *why)
{
	return conf_fail(err, errlen, file, key, 1, "%s", why);
}

int
r46_conf_check(const char *file, void *cfg, char *err, size_t errlen)
{
	const struct r46_conf	*c = cfg;

	if (sixtofour_v4_bogon_noanycast(c->anycast, 0))
		return r46_conf_fail(file, "AnycastAddress", err, errlen,
		    "not a global unicast address");
	if (c->unicast.s_addr != INADDR_ANY &&
	    sixtofour_v4_bogon(c->unicast, 0))
		return r46_conf_fail(file, "UnicastAddress", err, errlen,
		    "not a global unicast address outside 192.88.99.0/24");
	if (c->unicast.s_addr == c->anycast.s_addr)
		return r46_conf_fail(file, "UnicastAddress", err, errlen,
		    "same as AnycastAddress");
	if (sixtofour_subnets_check(file, &c->subnets, err, errlen) == -1)
		return -1;
	if (c->input == R46_INPUT_PACKET && c->input_if[0] == '\0')
		return r46_conf_fail(file, "Input", err, errlen,
		    "packet needs InputInterface");
	if (c->input == R46_INPUT_XDP && c->input_if[0] == '\0')
		return r46_conf_fail(file, "Input", err, errlen,
		    "xdp needs InputInterface");
	if (c->input_if[0] != '\0' && c->input == R46_INPUT_TUN)
		return r46_conf_fail(file, "InputInterface", err, errlen,
		    "only with Input packet or xdp");
	if (strlen(c->input_if) >= IFNAMSIZ)
		return r46_conf_fail(file, "InputInterface", err, errlen,
		    "interface name too long");
	return relay_io_output_check(file, c->output == R46_OUTPUT_PACKET,
	    c->output_if, c->output_gw4, &c->output_gw6, err, errlen);
}
