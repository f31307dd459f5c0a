/*
 * The key table of teredod.conf and the checks that span several keys.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "peers.h"
#include "sixtofour.h"
#include "td_limits.h"

#define K(name, type, field, dflt, req, mn, mx, help) \
	{ name, type, offsetof(struct td_config, field), dflt, req, mn, mx, \
	    NULL, help }
#define E(name, field, dflt, choices, help) \
	{ name, CONF_ENUM, offsetof(struct td_config, field), dflt, 0, 0, 0, \
	    choices, help }

/* Same order as enum td_io_mode. */
static const char *const td_io_modes[] = { "kernel", "packet", NULL };

const struct conf_key td_conf_keys[] = {
	K("BindAddress", CONF_IPV4, bind_address, NULL, 1, 0, 0,
	    "IPv4 address every packet to clients leaves from"),
	K("BindPort", CONF_U32, bind_port, "3544", 0, 1, 65535,
	    "UDP port (fixed: clients open NAT pinholes for it)"),
	K("InterfaceName", CONF_STR, interface_name, "teredo", 0, 0, CONF_IFNAME_MAX,
	    "TUN device carrying 2001::/32"),
	K("MTU", CONF_U32, mtu, "1280", 0, 1280, 1480,
	    "Teredo link MTU; larger native packets get Packet Too Big"),
	K("NativeAddress", CONF_IPV6, native_address, "::", 0, 0, 0,
	    "source of ICMPv6 errors (:: = send none)"),
	K("LocalSubnet", CONF_PREFIX_LIST, local_subnets, NULL, 0,
	    0, 0, SIXTOFOUR_LOCAL_SUBNET_HELP " as a Teredo client or server"),
	K("PeerCapacity", CONF_U32, peer_capacity, "1048576", 0, 16,
	    1u << 26, "peer entries, preallocated (64 bytes each)"),
	K("QueueBytesPerPeer", CONF_U32, queue_bytes_per_peer, "4096", 0,
	    1280, 65535, "bytes queued per untrusted peer"),
	K("QueuePoolKiB", CONF_U32, queue_pool_kib, "8192", 0, 64, 4194304,
	    "shared pool for queued packets (1288 bytes per packet)"),
	K("NewPeerRatePer64", CONF_U32, new_peer_rate_per64, "100", 0, 0,
	    10000000, "new peers/s per native source /64 (0 = no limit)"),
	K("NewPeerRatePerServer", CONF_U32, new_peer_rate_per_server, "20000",
	    0, 0, 10000000, "new peers/s per Teredo server (0 = no limit)"),
	K("MaxMemory", CONF_U32, max_memory_mib, "128", 0, 1, 65536,
	    "MiB the peer table and queue pool may take"),
	K("ICMPv6Rate", CONF_U32, icmp6_rate, "10", 0, 0, 100000,
	    "ICMPv6 errors per second"),
	K("SocketBufferKiB", CONF_U32, socket_buffer_kib, "8192", 0, 64,
	    1048576, "SO_RCVBUF and SO_SNDBUF of the UDP socket"),
	K("TxQueueLen", CONF_U32, txqueuelen, "10000", 0, 0, 1000000,
	    "TUN txqueuelen (0 = kernel default)"),
	K("User", CONF_STR, user, "", 0, 0, 0,
	    "user to run as after setup (empty: stay root, no capabilities)"),
	K("ControlSocket", CONF_STR, control_socket, "/run/justforward/teredod.sock", 0,
	    0, CONF_SUN_PATH_MAX, "control socket path"),
	K("StateFile", CONF_STR, state_file, "", 0, 0, 0,
	    "trusted peers kept across a clean restart (empty: off)"),
	E("Input", input, "kernel", td_io_modes,
	    "kernel: UDP socket and TUN; packet: rings on InputInterface "
	    "(UDP to BindAddress:BindPort) and NativeInputInterface "
	    "(2001::/32)"),
	K("InputInterface", CONF_STR, input_if, "", 0, 0, CONF_IFNAME_MAX,
	    "Input packet: the interface clients' UDP arrives on "
	    "(needs an ingress drop rule)"),
	K("NativeInputInterface", CONF_STR, native_input_if, "", 0, 0, CONF_IFNAME_MAX,
	    "Input packet: the interface native IPv6 to 2001::/32 arrives "
	    "on (empty: InputInterface)"),
	E("Output", output, "kernel", td_io_modes,
	    "kernel: UDP socket and TUN; packet: hand packets to the "
	    "output interfaces' drivers (no host firewall on that path)"),
	K("OutputInterface", CONF_STR, output_if, "", 0, 0, CONF_IFNAME_MAX,
	    "Output packet: the interface UDP to clients leaves on"),
	K("NativeOutputInterface", CONF_STR, native_output_if, "", 0, 0, CONF_IFNAME_MAX,
	    "Output packet: the interface native IPv6 leaves on "
	    "(empty: OutputInterface)"),
	K("OutputGateway4", CONF_IPV4, output_gw4, "0.0.0.0", 0, 0, 0,
	    "Output packet: IPv4 next hop (0.0.0.0: the default route's)"),
	K("OutputGateway6", CONF_IPV6, output_gw6, "::", 0, 0, 0,
	    "Output packet: IPv6 next hop (::: the default route's)"),
	{ NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL },
};

void
td_limits_from_config(const struct td_config *c, struct peers_limits *l)
{
	l->capacity = c->peer_capacity;
	l->queue_slots = (uint32_t)(((uint64_t)c->queue_pool_kib * 1024) /
	    sizeof(struct peer_slot));
	l->queue_bytes = c->queue_bytes_per_peer;
	l->rate_per64 = c->new_peer_rate_per64;
	l->rate_per_server = c->new_peer_rate_per_server;
	l->rate_buckets = TD_RATE_BUCKETS;
}

const char *
td_native_input_if(const struct td_config *c)
{
	return c->native_input_if[0] != '\0' ? c->native_input_if :
	    c->input_if;
}

const char *
td_native_output_if(const struct td_config *c)
{
	return c->native_output_if[0] != '\0' ? c->native_output_if :
	    c->output_if;
}

/* An interface key: set only with its mode, and a possible name. */
static int
td_config_ifkey(const char *file, const char *key, const char *val,
    int mode_on, const char *mode, char *err, size_t errlen)
{
	if (val[0] != '\0' && !mode_on)
		return conf_fail(err, errlen, file, key, 1, "only with %s "
		    "packet", mode);
	if (strlen(val) >= IFNAMSIZ)
		return conf_fail(err, errlen, file, key, 1,
		    "interface name too long");
	return 0;
}

/* A next hop must be a unicast address. */
static const char *
td_gw4_bad(struct in_addr a)
{
	uint32_t	h = ntohl(a.s_addr);

	if (h == 0)
		return NULL;
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14)
		return "not a unicast next hop";
	return NULL;
}

static const char *
td_gw6_bad(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return NULL;
	if (IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LOOPBACK(a) ||
	    IN6_IS_ADDR_V4MAPPED(a))
		return "not a unicast next hop";
	return NULL;
}

static int
td_config_check_io(const char *file, const struct td_config *c, char *err,
    size_t errlen)
{
	int		in = c->input == TD_IO_PACKET;
	int		out = c->output == TD_IO_PACKET;
	const char	*why;

	if (in && c->input_if[0] == '\0')
		return conf_fail(err, errlen, file, "Input", 1,
		    "packet needs InputInterface");
	if (out && c->output_if[0] == '\0')
		return conf_fail(err, errlen, file, "Output", 1,
		    "packet needs OutputInterface");
	if (td_config_ifkey(file, "InputInterface", c->input_if, in,
	    "Input", err, errlen) == -1 ||
	    td_config_ifkey(file, "NativeInputInterface", c->native_input_if,
	    in, "Input", err, errlen) == -1 ||
	    td_config_ifkey(file, "OutputInterface", c->output_if, out,
	    "Output", err, errlen) == -1 ||
	    td_config_ifkey(file, "NativeOutputInterface",
	    c->native_output_if, out, "Output", err, errlen) == -1)
		return -1;
	if (!out && c->output_gw4.s_addr != INADDR_ANY)
		return conf_fail(err, errlen, file, "OutputGateway4", 1,
		    "only with Output packet");
	if (!out && !IN6_IS_ADDR_UNSPECIFIED(&c->output_gw6))
		return conf_fail(err, errlen, file, "OutputGateway6", 1,
		    "only with Output packet");
	if ((why = td_gw4_bad(c->output_gw4)) != NULL)
		return conf_fail(err, errlen, file, "OutputGateway4", 1, "%s",
		    why);
	if ((why = td_gw6_bad(&c->output_gw6)) != NULL)
		return conf_fail(err, errlen, file, "OutputGateway6", 1, "%s",
		    why);
	return 0;
}

int
td_config_check(const char *file, void *cfgp, char *err, size_t errlen)
{
	const struct td_config	*c = cfgp;
	struct peers_limits	 l;
	size_t			 need;

	if (c->bind_address.s_addr == INADDR_ANY) {
		return conf_fail(err, errlen, file, "BindAddress", 1,
		    "must be one address of this host (packets to clients "
		    "leave from it)");
	}
	if (sixtofour_subnets_check(file, &c->local_subnets, err, errlen) ==
	    -1 || td_config_check_io(file, c, err, errlen) == -1)
		return -1;
	td_limits_from_config(c, &l);
	need = peers_memory(&l);
	if (need > (size_t)c->max_memory_mib * 1024 * 1024) {
		return conf_fail(err, errlen, file, "MaxMemory", 1,
		    "%u MiB is less than the %zu MiB that PeerCapacity and "
		    "QueuePoolKiB need", c->max_memory_mib,
		    (need + (1 << 20) - 1) >> 20);
	}
	return 0;
}
