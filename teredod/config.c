/*
 * The key table of teredod.conf and the checks that span several keys.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "peers.h"
#include "td_limits.h"

#define K(name, type, field, dflt, req, mn, mx, help) \
	{ name, type, offsetof(struct td_config, field), dflt, req, mn, mx, \
	    NULL, help }

const struct conf_key td_conf_keys[] = {
	K("BindAddress", CONF_IPV4, bind_address, NULL, 1, 0, 0,
	    "IPv4 address every packet to clients leaves from"),
	K("BindPort", CONF_U32, bind_port, "3544", 0, 1, 65535,
	    "UDP port (fixed: clients open NAT pinholes for it)"),
	K("InterfaceName", CONF_STR, interface_name, "teredo", 0, 0, 0,
	    "TUN device carrying 2001::/32"),
	K("MTU", CONF_U32, mtu, "1280", 0, 1280, 1480,
	    "Teredo link MTU; larger native packets get Packet Too Big"),
	K("NativeAddress", CONF_IPV6, native_address, "::", 0, 0, 0,
	    "source of ICMPv6 errors (:: = send none)"),
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
	    0, 0, "control socket path"),
	K("StateFile", CONF_STR, state_file, "", 0, 0, 0,
	    "trusted peers kept across a clean restart (empty: off)"),
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
