# shellcheck shell=bash
# (sourced by tests/netns/teredo_*.sh; not a test itself, hence not *.sh)
# The Teredo lab shared by the teredo_*.sh tests (sourced, not run):
#
#   cliN ── natN ══ br0 (in "inet": 203.0.113.0/24, the IPv4 internet)
#   198.18.N.2     203.0.113.2N (masquerade: prc / sym / cone)
#                  br0: srv 203.0.113.10 + .11 (miredo-server), rly .30
#   br6 (in "inet", the IPv6 internet): rly 2001:db8:6::1, v6h ::2, srv ::10
#
# rly runs teredod (tun "teredo", 2001::/32 routed into it, persistent so
# a restart keeps the route); v6h is the native host; the clients are
# real Miredo behind nftables NATs.
# Functions: tl_base (namespaces, links, server, relay), tl_client N KIND,
# tl_teredo_addr N, tl_relay_start, tl_relay_stop, tl_stat NAME.
#
# TL_MODE=packet runs teredod with Input packet and Output packet (eth0:
# clients' side, eth1: native side) and the ingress drop rules that go
# with them (tl_packet_rules); packet-in and packet-out, one of the two.  Output packet has one next hop per
# family, so tl_base then gives "inet" a router address on each bridge
# (203.0.113.254, 2001:db8:6::fe) and rly default routes through them
# (the next hops pktout learns) instead of on-link /24 and /64.
# TL_MODE=packet1 is the fast mode on a relay VM with one uplink: rly has
# only eth0, on br0, which carries both families (its IPv6 there is
# 2001:db8:7::1, "inet" routes 2001::/32 and NativeAddress to it), and
# teredod's rings and one shared pktout all sit on eth0.

tl_conf_relay() {	# bind-address port
	cat >"$T/teredod.conf" <<-EOF
	# teredod in the lab
	BindAddress $1
	BindPort $2
	InterfaceName teredo
	NativeAddress 2001:db8:6::1
	ControlSocket $T/teredod.sock
	PeerCapacity ${TL_CAPACITY:-65536}
	QueuePoolKiB ${TL_POOL_KIB:-4096}
	MaxMemory ${TL_MAXMEM:-64}
	NewPeerRatePer64 ${TL_RATE64:-100}
	NewPeerRatePerServer ${TL_RATESRV:-20000}
	StateFile "${TL_STATE:-}"
	User "${TL_USER:-}"
	EOF
	# TL_CONF: more lines for teredod.conf (e.g. LocalSubnet).
	[ -n "${TL_CONF:-}" ] && printf '%s\n' "$TL_CONF" >>"$T/teredod.conf"
	case ${TL_MODE:-kernel} in
	packet|packet-in|packet1)
		tl_conf_io Input
		tl_packet_rules "$1" "$2" ;;
	esac
	case ${TL_MODE:-kernel} in
	packet|packet-out|packet1)
		tl_conf_io Output
		[ -n "${TL_GW4:-}" ] && echo "OutputGateway4 $TL_GW4" >>"$T/teredod.conf"
		[ -n "${TL_GW6:-}" ] && echo "OutputGateway6 $TL_GW6" >>"$T/teredod.conf" ;;
	esac
	return 0
}

# Input|Output packet on eth0, the native side on eth1; packet1 leaves
# the Native*Interface key out, so that it defaults to eth0.
tl_conf_io() {	# Input|Output
	printf '%s packet\n%sInterface eth0\n' "$1" "$1" >>"$T/teredod.conf"
	[ "${TL_MODE:-kernel}" = packet1 ] ||
	    echo "Native${1}Interface eth1" >>"$T/teredod.conf"
}

# The ingress drop rules Input packet needs (docs/teredod.md): what the
# rings take, the kernel must not also deliver (socket) or forward (TUN).
# Fragments stay with the kernel.
tl_packet_rules() {	# bind-address port
	local if6=eth1

	[ "${TL_MODE:-kernel}" = packet1 ] && if6=eth0
	ns_exec rly nft delete table netdev jfteredo 2>/dev/null
	ns_exec rly nft -f - <<-EOF || fail "nft ingress drop rules"
	table netdev jfteredo {
		chain in4 { type filter hook ingress device "eth0" priority -500;
			meta pkttype host ip daddr $1 udp dport $2 ip frag-off & 0x3fff == 0 counter drop; }
		chain in6 { type filter hook ingress device "$if6" priority -500;
			meta pkttype host ip6 daddr 2001::/32 counter drop; }
	}
	EOF
}

tl_bridge_port() {	# ns ifname-in-inet bridge
	ns_exec inet ip link set "$2" master "$3"
}

tl_base() {
	ns_new inet; ns_new srv; ns_new rly; ns_new v6h
	ns_exec inet ip link add br0 type bridge
	ns_exec inet ip link add br6 type bridge
	ns_exec inet ip link set br0 up
	ns_exec inet ip link set br6 up
	ns_link srv eth0 inet srv4; tl_bridge_port srv srv4 br0
	ns_link srv eth1 inet srv6; tl_bridge_port srv srv6 br6
	ns_link rly eth0 inet rly4; tl_bridge_port rly rly4 br0
	if [ "${TL_MODE:-kernel}" != packet1 ]; then
		ns_link rly eth1 inet rly6; tl_bridge_port rly rly6 br6
	fi
	ns_link v6h eth0 inet v6h6; tl_bridge_port v6h v6h6 br6
	ns_exec srv ip addr add 203.0.113.10/24 dev eth0
	ns_exec srv ip addr add 203.0.113.11/24 dev eth0
	ns_exec srv ip addr add 2001:db8:6::10/64 dev eth1 nodad
	# The way to 2001::/32: the relay on br6, or (packet1) the router.
	TL_VIA6=2001:db8:6::1
	[ "${TL_MODE:-kernel}" = packet1 ] && TL_VIA6=2001:db8:6::fe
	ns_exec srv ip -6 route add 2001::/32 via $TL_VIA6
	if [ "${TL_MODE:-kernel}" = packet1 ]; then
		ns_router inet
		ns_exec inet sysctl -qw net.ipv4.conf.all.send_redirects=0
		ns_exec inet sysctl -qw net.ipv4.conf.br0.send_redirects=0
		ns_exec inet ip addr add 203.0.113.254/24 dev br0
		ns_exec inet ip addr add 2001:db8:7::fe/64 dev br0 nodad
		ns_exec inet ip addr add 2001:db8:6::fe/64 dev br6 nodad
		ns_exec inet ip -6 route add 2001::/32 via 2001:db8:7::1
		ns_exec inet ip -6 route add 2001:db8:6::1/128 via 2001:db8:7::1
		ns_exec rly ip addr add 203.0.113.30/32 dev eth0
		ns_exec rly ip route add 203.0.113.254/32 dev eth0
		ns_exec rly ip route add default via 203.0.113.254
		ns_exec rly ip addr add 2001:db8:7::1/64 dev eth0 nodad
		ns_exec rly ip addr add 2001:db8:6::1/128 dev eth0 nodad
		ns_exec rly ip -6 route add default via 2001:db8:7::fe
	elif [ "${TL_MODE:-kernel}" != kernel ]; then
		ns_router inet
		ns_exec inet sysctl -qw net.ipv4.conf.all.send_redirects=0
		ns_exec inet sysctl -qw net.ipv4.conf.br0.send_redirects=0
		ns_exec inet ip addr add 203.0.113.254/24 dev br0
		ns_exec inet ip addr add 2001:db8:6::fe/64 dev br6 nodad
		ns_exec rly ip addr add 203.0.113.30/32 dev eth0
		ns_exec rly ip route add 203.0.113.254/32 dev eth0
		ns_exec rly ip route add default via 203.0.113.254
		ns_exec rly ip addr add 2001:db8:6::1/128 dev eth1 nodad
		ns_exec rly ip -6 route add 2001:db8:6::fe/128 dev eth1
		ns_exec rly ip -6 route add default via 2001:db8:6::fe
	else
		ns_exec rly ip addr add 203.0.113.30/24 dev eth0
		ns_exec rly ip addr add 2001:db8:6::1/64 dev eth1 nodad
	fi
	ns_router rly
	ns_exec rly ip tuntap add mode tun name teredo
	ns_exec rly ip link set teredo addrgenmode none	# no link-local: no RS/MLD into the relay
	ns_exec rly ip link set teredo up
	ns_exec rly ip -6 route add 2001::/32 dev teredo
	ns_exec v6h ip addr add 2001:db8:6::2/64 dev eth0 nodad
	ns_exec v6h ip -6 route add 2001::/32 via $TL_VIA6
	# A real link carries no GSO super-packets; veths do (from v6h's TCP):
	# one segment per packet, as with GRO off on a real NIC.
	[ "${TL_MODE:-kernel}" != kernel ] &&
	    ns_exec v6h ip link set dev eth0 gso_max_segs 1
	cat >"$T/server.conf" <<-EOF
	ServerBindAddress 203.0.113.10
	EOF
	ns_bg srv miredo-server -f -c "$T/server.conf" -p "$T/server.pid"
	tl_conf_relay 203.0.113.30 3544
	tl_relay_start
}

tl_relay_start() {
	ns_bg rly "$BUILD/teredod" -f -c "$T/teredod.conf"
	TL_RELAY_PID=$NS_LAST_PID
	wait_until 5 test -S "$T/teredod.sock" || fail "teredod did not start"
}

tl_relay_stop() {	# [signal]: TERM (clean, state saved) or KILL (crash)
	kill -"${1:-TERM}" "$TL_RELAY_PID" 2>/dev/null
	wait "$TL_RELAY_PID" 2>/dev/null
	rm -f "$T/teredod.sock"
}

tl_nat_rules() {	# n kind
	local n=$1 pub="203.0.113.2$1"
	case $2 in
	prc)  echo "oifname \"eth0\" masquerade" ;;
	sym)  echo "oifname \"eth0\" masquerade random,fully-random" ;;
	cone) echo "oifname \"eth0\" udp sport 3545 snat to $pub:3545"
	      echo "oifname \"eth0\" masquerade" ;;
	esac
}

tl_client() {	# n kind: a Miredo client behind NAT n of this kind
	local n=$1 kind=$2 pub="203.0.113.2$1"
	ns_new "cli$n"; ns_new "nat$n"; ns_router "nat$n"
	ns_link "cli$n" eth0 "nat$n" eth1
	ns_link "nat$n" eth0 inet "nat$n"; tl_bridge_port "nat$n" "nat$n" br0
	ns_exec "cli$n" ip addr add "198.18.$n.2/24" dev eth0
	ns_exec "cli$n" ip route add default via "198.18.$n.1"
	ns_exec "nat$n" ip addr add "198.18.$n.1/24" dev eth1
	ns_exec "nat$n" ip addr add "$pub/24" dev eth0
	{
		echo "table ip jfnat {"
		echo " chain pre { type nat hook prerouting priority -100;"
		[ "$kind" = cone ] && echo "  iifname \"eth0\" udp dport 3545 dnat to 198.18.$n.2:3545"
		echo " }"
		echo " chain post { type nat hook postrouting priority 100;"
		tl_nat_rules "$n" "$kind" | sed 's/^/  /'
		echo " }"
		echo "}"
	} >"$T/nat$n.nft"
	ns_exec "nat$n" nft -f "$T/nat$n.nft" || fail "nft nat$n"
	{
		echo "RelayType client"
		echo "InterfaceName teredo"
		echo "ServerAddress 203.0.113.10"
		[ "$kind" = cone ] && echo "BindPort 3545"
	} >"$T/cli$n.conf"
	ns_bg "cli$n" miredo -f -c "$T/cli$n.conf" -p "$T/cli$n.pid"
}

tl_teredo_addr() {	# n: the client's 2001:0:: address once qualified
	ns_exec "cli$1" ip -6 -o addr show dev teredo scope global 2>/dev/null |
	    awk '{ sub("/.*", "", $4); print $4; exit }'
}

tl_has_addr() { [ -n "$(tl_teredo_addr "$1")" ]; }

tl_wait_client() {	# n (Miredo qualifies in ~0.2 s; its hook can lag on a loaded box)
	wait_until 30 tl_has_addr "$1" || {
		ns_exec "cli$1" ip -6 addr show dev teredo >&2
		fail "miredo client $1 did not qualify"
	}
}

tl_stat() {	# counter name -> value
	"$BUILD/relayctl" -s "$T/teredod.sock" stats |
	    awk -v k="$1" '$1 == k { print $2 }'
}

tl_status() {	# status line name -> value
	"$BUILD/relayctl" -s "$T/teredod.sock" status |
	    awk -v k="$1" '$1 == k { print $2 }'
}
# For wait_until: a status line's value is / is at least a number.
tl_status_is() { [ "$(tl_status "$1")" = "$2" ]; }
tl_status_ge() { local v; v=$(tl_status "$1"); [ -n "$v" ] && [ "$v" -ge "$2" ]; }

# Packet mode really carried the traffic: the rings took it, pktout sent
# it, the kernel's copies were dropped at ingress, and neither the UDP
# socket nor the TUN saw more than the few packets that are the kernel's
# (fragments, misrouted prefixes).
tl_assert_packet_path() {	# min-ring-frames min-sent max-kernel
	local k v udp tun min sent drops outs="out4_sent out6_sent"
	# packet1: one pktout for both families, whose lines are out4_*.
	if [ "${TL_MODE:-kernel}" = packet1 ]; then
		outs=out4_sent
		[ -z "$(tl_status out6_interface)" ] &&
		    [ "$(tl_status out4_interface)" = eth0 ] ||
		    fail "packet1: not one shared pktout on eth0"
	fi
	for k in in4_frames in6_frames $outs; do
		v=$(tl_status $k)
		case $k in in*) min=$1 ;; *) min=$2 ;; esac
		[ -n "$v" ] && [ "$v" -ge "$min" ] ||
		    fail "packet mode: $k=$v (expected >= $min)"
	done
	for k in in4_truncated in6_truncated; do
		[ "$(tl_status $k)" = 0 ] || fail "packet mode: $k=$(tl_status $k)"
	done
	# A full ring drops (TCP resends): only when teredod did not run for
	# ~64 ms (PKTRING_BLOCK_NR blocks of at least 1 ms each) while the
	# TCP tests sent, which a loaded 2-core VM can do.  More than 1% of
	# the frames is a ring that is too small or not read.
	drops=0
	for k in in4 in6; do
		v=$(tl_status ${k}_kernel_drops)
		[ -n "$v" ] && [ "$v" -le $(($(tl_status ${k}_frames) / 100)) ] ||
		    fail "packet mode: ${k}_kernel_drops=$v of $(tl_status ${k}_frames) frames"
		drops=$((drops + v))
	done
	[ "$(tl_status out4_nexthop_usable)" = 1 ] &&
	    [ "$(tl_status out6_nexthop_usable)" = 1 ] ||
	    fail "packet mode: next hops not usable: $("$BUILD/relayctl" -s "$T/teredod.sock" status | grep nexthop)"
	ns_exec rly nft list table netdev jfteredo | grep -q 'counter packets [1-9]' ||
	    fail "packet mode: the ingress drop rules never matched"
	udp=$(ns_exec rly awk '/^Udp:/ { if (h) { print $2; exit } h = 1 }' /proc/net/snmp)
	tun=$(ns_exec rly cat /sys/class/net/teredo/statistics/tx_packets)
	[ "$udp" -le "$3" ] && [ "$tun" -le "$3" ] ||
	    fail "packet mode: the kernel path carried traffic (UDP socket $udp datagrams, TUN $tun packets)"
	sent="$(tl_status out4_sent)+$(tl_status out6_sent)"
	[ "${TL_MODE:-kernel}" = packet1 ] &&
	    sent="$(tl_status out4_sent) (one pktout on eth0, both families)"
	pass "packet mode: rings took $(tl_status in4_frames)+$(tl_status in6_frames) frames ($drops dropped by a full ring), pktout sent $sent; kernel path: $udp UDP datagrams, $tun TUN packets"
}

# The small lab for crafted packets (no Miredo):
#   wan (fake server 203.0.113.1 + fake clients 198.51.100.20) ── rly
#   (teredod 203.0.113.20:3545) ── v6h (2001:db8:6::2, counts what it gets)
tl_small() {
	ns_new wan; ns_new rly; ns_new v6h
	ns_link wan eth0 rly eth0
	ns_link rly eth1 v6h eth0
	ns_exec wan ip addr add 203.0.113.1/24 dev eth0
	ns_exec wan ip addr add 198.51.100.20/24 dev eth0
	ns_exec rly ip addr add 203.0.113.20/24 dev eth0
	ns_exec rly ip route add 198.51.100.0/24 dev eth0
	ns_exec rly ip addr add 2001:db8:6::1/64 dev eth1 nodad
	ns_router rly
	ns_exec rly ip tuntap add mode tun name teredo
	ns_exec rly ip link set teredo addrgenmode none	# no link-local: no RS/MLD into the relay
	ns_exec rly ip link set teredo up
	ns_exec rly ip -6 route add 2001::/32 dev teredo
	ns_exec v6h ip addr add 2001:db8:6::2/64 dev eth0 nodad
	ns_exec v6h ip addr add 2001:db8:7::2/64 dev eth0 nodad	# another /64
	ns_exec rly ip -6 route add 2001:db8:7::/64 via 2001:db8:6::2
	ns_exec v6h ip -6 route add 2001::/32 via 2001:db8:6::1
	# A misrouted prefix (B8): native, but pointed at the TUN.
	ns_exec rly ip -6 route add 2001:db8:1::/48 dev teredo
	ns_exec v6h ip -6 route add 2001:db8:1::/48 via 2001:db8:6::1
	ns_exec v6h nft -f - <<-'EOF2'
	table inet jfcount {
		counter from_teredo { }
		chain in { type filter hook input priority 0;
			ip6 saddr 2001::/32 counter name from_teredo; }
	}
	EOF2
	TL_GW4=${TL_GW4:-203.0.113.1} TL_GW6=${TL_GW6:-2001:db8:6::2} \
	    tl_conf_relay 203.0.113.20 3545
	tl_relay_start
}

tl_py() {	# ns script args...: run a helper with scapy and the lab's env
	local ns=$1; shift
	ns_exec "$ns" env BUILD="$BUILD" T="$T" NS_PFX="$NS_PFX" \
	    TL_MODE="${TL_MODE:-kernel}" \
	    PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")" /usr/bin/python3 "$@"
}
