# shellcheck shell=bash
# The 6to4 lab topology, shared by tests/netns/6to4_pair.sh, the bench
# (tests/bench/6to4.sh) and the demo (deploy/lab/demo.sh).  Source it
# after tests/lib/netns.sh, then call topo6to4_up (or the steps it runs).
#
#   site ---- inet ---- r46 ---- v6
#   (6to4)  (v4 rtr) \          /
#                     `-- r64 -'
#
#   site  198.51.100.7/24 on eth0 (IPv4 only), default via 198.51.100.1.
#         sixtofour_host on TUN six0: 2002:c633:6407::1/48, 2000::/3 into
#         it; native IPv6 goes to 192.88.99.1, 2002::/16 straight to V4ADDR.
#   inet  IPv4 Internet router: 198.51.100.1 (site), 203.0.113.1/30 (r46),
#         203.0.113.5/30 (r64); 192.88.99.1/32 via r46, 192.88.99.2/32
#         via r64.
#   r46   relay4to6: 203.0.113.2/30, default via .1; 192.88.99.1/32
#         routed into its TUN, ip_forward; IPv6 uplink 2001:db8:46::1/64.
#   r64   relay6to4: 203.0.113.6/30, default via .5; 2002::/16 into its
#         TUN (unique outer source 192.88.99.2, routed back here by inet);
#         IPv6 uplink 2001:db8:64::1/64.
#   v6    native host 2001:db8:6::6/128 on lo; 2001:db8:46::2 (to r46),
#         2001:db8:64::2 (to r64).  Asymmetric on purpose: it sends
#         2002::/16 to r64, while the site reaches it through r46.
#
# The bench adds, for its kernel baselines only, an IPv4 subnet on the
# r46-v6 link (198.18.46.0/30) and an IPv6 subnet on the inet-r64 link
# (2001:db8:464::/64), so that the kernel can forward byte-identical
# frames over the very same veths (see topo6to4_baseline_addrs).
#
# Variables the caller may read: TOPO_SITE6 TOPO_SITE4 TOPO_V6 TOPO_R46_CTL
# TOPO_R64_CTL TOPO_R46_PID TOPO_R64_PID TOPO_SITE_PID.

TOPO_SITE4=198.51.100.7
TOPO_SITE6=2002:c633:6407::1
TOPO_V6=2001:db8:6::6
TOPO_ANYCAST=192.88.99.1
TOPO_R64_SRC=192.88.99.2
TOPO_R46_TUN=r46tun
TOPO_R64_TUN=r64tun
TOPO_R46_CTL=$T/r46.sock
TOPO_R64_CTL=$T/r64.sock
TOPO_R46_PID=""
TOPO_R64_PID=""
TOPO_SITE_PID=""
# TOPO_PIN_R46 / TOPO_PIN_R64: "taskset -c N" prefixes (bench pins relays).
# TOPO_OUTPUT: the relays' Output key (tun, raw or packet; empty: their
#   default).  packet: relay4to6 sends on r46's eth6 (to the IPv6 default
#   route's gateway, 2001:db8:46::2: the route is added then), relay6to4
#   on r64's eth4 (IPv4 default route via 203.0.113.5).
# TOPO_INPUT: the relays' Input key (tun or packet; empty: their default).
#   packet: relay4to6 reads from a ring on r46's eth4, relay6to4 on r64's
#   eth6, and an nft netdev ingress rule there drops the kernel's own
#   copy (topo6to4_input_drop); v6's veths compute their transport
#   checksums themselves (topo6to4_no_txcsum).
#   xdp: relay4to6 only (relay6to4 stays on tun): an XDP program on r46's
#   eth4 relays the common case, the TUN the rest; v6's eth46 runs an
#   XDP_PASS program, without which that veth drops what is redirected
#   into r46's eth6 (docs/6to4.md, "Input: xdp").
TOPO_PIN_R46=${TOPO_PIN_R46:-}
TOPO_PIN_R64=${TOPO_PIN_R64:-}

topo6to4_namespaces() {
	local n
	for n in site inet r46 r64 v6; do ns_new "$n" || return 1; done
	for n in inet r46 r64; do ns_router "$n"; done
	ns_link site eth0 inet eth_site
	ns_link inet eth_r46 r46 eth4
	ns_link inet eth_r64 r64 eth4
	ns_link r46 eth6 v6 eth46
	ns_link r64 eth6 v6 eth64
}

topo6to4_ipv4() {
	ns_exec site ip addr add $TOPO_SITE4/24 dev eth0
	ns_exec site ip route add default via 198.51.100.1
	ns_exec inet ip addr add 198.51.100.1/24 dev eth_site
	ns_exec inet ip addr add 203.0.113.1/30 dev eth_r46
	ns_exec inet ip addr add 203.0.113.5/30 dev eth_r64
	ns_exec inet ip route add $TOPO_ANYCAST/32 via 203.0.113.2
	ns_exec inet ip route add $TOPO_R64_SRC/32 via 203.0.113.6
	ns_exec r46 ip addr add 203.0.113.2/30 dev eth4
	ns_exec r46 ip route add default via 203.0.113.1
	ns_exec r64 ip addr add 203.0.113.6/30 dev eth4
	ns_exec r64 ip route add default via 203.0.113.5
}

topo6to4_ipv6() {
	# nodad: even on lo the address stays tentative until a workqueue
	# runs, and the route below with "src" fails while it is.
	ns_exec v6 ip -6 addr add $TOPO_V6/128 dev lo nodad
	ns_exec v6 ip -6 addr add 2001:db8:46::2/64 dev eth46 nodad
	ns_exec v6 ip -6 addr add 2001:db8:64::2/64 dev eth64 nodad
	# The relay6to4 TUN carries 1480-byte IPv6 inside 1500-byte IPv4.
	ns_exec v6 ip -6 route add 2002::/16 via 2001:db8:64::1 src $TOPO_V6 mtu 1480
	ns_exec r46 ip -6 addr add 2001:db8:46::1/64 dev eth6 nodad
	ns_exec r46 ip -6 route add $TOPO_V6/128 via 2001:db8:46::2
	ns_exec r64 ip -6 addr add 2001:db8:64::1/64 dev eth6 nodad
	ns_exec r64 ip -6 route add $TOPO_V6/128 via 2001:db8:64::2
}

# Bench only: addresses that let the kernel forward the bench frames over
# the same veths, in the same namespaces, without the relays.
topo6to4_baseline_addrs() {
	ns_exec r46 ip addr add 198.18.46.1/30 dev eth6
	ns_exec v6 ip addr add 198.18.46.2/30 dev eth46
	ns_exec inet ip -6 addr add 2001:db8:464::1/64 dev eth_r64 nodad
	ns_exec r64 ip -6 addr add 2001:db8:464::2/64 dev eth4 nodad
}

# topo6to4_wait_link ns ifname: the TUN a daemon creates shows up.
topo6to4_wait_link() {
	wait_until 5 ns_exec "$1" ip link show dev "$2"
}

# topo6to4_quiet_tuns ns: TUNs created from now on in ns get no link-local
# address and do not join ff02::2, so the kernel sends no MLD reports or
# other link-scope IPv6 of its own into a relay's TUN (the relays would
# count them as drops).  Routing through the TUN is unaffected: IPv6
# forwarding is decided by net.ipv6.conf.all.forwarding.
topo6to4_quiet_tuns() {
	ns_exec "$1" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
	    net.ipv6.conf.default.forwarding=0
}

topo6to4_start_site() {
	ns_bg site "$BUILD/tests/tools/sixtofour_host" -4 $TOPO_SITE4 -i six0
	TOPO_SITE_PID=$NS_LAST_PID
	topo6to4_wait_link site six0 || { echo "site: no six0" >&2; return 1; }
	ns_exec site ip -6 addr add $TOPO_SITE6/48 dev six0 nodad
	ns_exec site ip -6 route add 2000::/3 dev six0
}

# Configs follow deploy/relay4to6.conf and deploy/relay6to4.conf.
topo6to4_conf_r46() {
	cat <<EOF
# relay4to6 for the 6to4 lab (generated by tests/lib/topo6to4.sh)
InterfaceName $TOPO_R46_TUN
ControlSocket $TOPO_R46_CTL
EOF
	[ -z "${TOPO_OUTPUT:-}" ] || echo "Output $TOPO_OUTPUT"
	[ "${TOPO_OUTPUT:-}" != packet ] || echo "OutputInterface eth6"
	[ "${TOPO_INPUT:-}" != packet ] || printf 'Input packet\nInputInterface eth4\n'
	[ "${TOPO_INPUT:-}" != xdp ] || printf 'Input xdp\nInputInterface eth4\n'
}

# topo6to4_input_drop ns ifname match...: the ingress drop rule of Input
# packet.  The relay's tap sees a frame before the ingress hook, so the
# relay still gets it; the kernel does not also route it.
topo6to4_input_drop() {
	local ns=$1 dev=$2
	shift 2
	ns_exec "$ns" nft add table netdev jfinput &&
	ns_exec "$ns" nft add chain netdev jfinput in \
	    "{ type filter hook ingress device \"$dev\" priority -500; policy accept; }" &&
	ns_exec "$ns" nft add rule netdev jfinput in "$@" drop
}

# topo6to4_no_txcsum ns ifname: no transport checksum offload on a veth
# (ETHTOOL_STXCSUM 0): a local sender's packets then carry complete
# checksums, as from a real link; a packet ring gets partial ones
# otherwise (the relays drop them, pkt_csum_partial).
topo6to4_no_txcsum() {
	ns_exec "$1" /usr/bin/python3 - "$2" <<'EOF2'
import ctypes, fcntl, socket, struct, sys
ev = ctypes.create_string_buffer(struct.pack("II", 0x17, 0), 8)
ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(ev))
ifr += bytes(40 - len(ifr))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fcntl.ioctl(s.fileno(), 0x8946, ifr)
EOF2
}

topo6to4_conf_r64() {
	cat <<EOF
# relay6to4 for the 6to4 lab (generated by tests/lib/topo6to4.sh)
InterfaceName $TOPO_R64_TUN
ControlSocket $TOPO_R64_CTL
SourceAddress $TOPO_R64_SRC
EOF
	[ -z "${TOPO_OUTPUT:-}" ] || echo "Output $TOPO_OUTPUT"
	[ "${TOPO_OUTPUT:-}" != packet ] || echo "OutputInterface eth4"
	[ "${TOPO_INPUT:-}" != packet ] || printf 'Input packet\nInputInterface eth6\n'
}

topo6to4_start_r46() {
	topo6to4_conf_r46 >"$T/r46.conf"
	topo6to4_quiet_tuns r46
	# Output packet follows the default route's gateway.
	[ "${TOPO_OUTPUT:-}" != packet ] ||
		ns_exec r46 ip -6 route replace default via 2001:db8:46::2 dev eth6
	# shellcheck disable=SC2086
	ns_bg r46 $TOPO_PIN_R46 "$BUILD/relay4to6" -f -c "$T/r46.conf"
	TOPO_R46_PID=$NS_LAST_PID
	topo6to4_wait_link r46 $TOPO_R46_TUN ||
	    { echo "r46: no $TOPO_R46_TUN" >&2; return 1; }
	ns_exec r46 ip link set $TOPO_R46_TUN up
	ns_exec r46 ip route replace $TOPO_ANYCAST/32 dev $TOPO_R46_TUN
	if [ "${TOPO_INPUT:-}" = packet ]; then
		topo6to4_input_drop r46 eth4 ip protocol 41 ip daddr $TOPO_ANYCAST ||
		    return 1
	fi
	wait_until 5 test -S "$TOPO_R46_CTL" ||
	    { echo "r46: no control socket" >&2; return 1; }
}

topo6to4_start_r64() {
	topo6to4_conf_r64 >"$T/r64.conf"
	topo6to4_quiet_tuns r64
	# shellcheck disable=SC2086
	ns_bg r64 $TOPO_PIN_R64 "$BUILD/relay6to4" -f -c "$T/r64.conf"
	TOPO_R64_PID=$NS_LAST_PID
	topo6to4_wait_link r64 $TOPO_R64_TUN ||
	    { echo "r64: no $TOPO_R64_TUN" >&2; return 1; }
	ns_exec r64 ip link set $TOPO_R64_TUN up
	ns_exec r64 ip -6 route replace 2002::/16 dev $TOPO_R64_TUN
	# Errors sent back to our unique source reach the relay too.
	ns_exec r64 ip route replace $TOPO_R64_SRC/32 dev $TOPO_R64_TUN
	if [ "${TOPO_INPUT:-}" = packet ]; then
		topo6to4_input_drop r64 eth6 ip6 daddr 2002::/16 || return 1
	fi
	wait_until 5 test -S "$TOPO_R64_CTL" ||
	    { echo "r64: no control socket" >&2; return 1; }
}

# The whole lab: namespaces, addresses, site router and both relays.
topo6to4_up() {
	topo6to4_namespaces || return 1
	topo6to4_ipv4
	topo6to4_ipv6
	topo6to4_start_site || return 1
	if [ "${TOPO_INPUT:-}" = packet ]; then
		topo6to4_no_txcsum v6 eth64 && topo6to4_no_txcsum v6 eth46 ||
		    return 1
	fi
	if [ "${TOPO_INPUT:-}" = xdp ]; then
		ns_exec v6 ip link set dev eth46 xdpdrv \
		    obj "$BUILD/bpf/xdp_pass.bpf.o" sec xdp || return 1
	fi
	topo6to4_start_r46 || return 1
	topo6to4_start_r64 || return 1
}

# topo6to4_stop ns: stop that namespace's relay (r46 or r64), remove its
# Input packet drop rule, wait until its TUN is gone (to start it again,
# e.g. with another TOPO_INPUT).
topo6to4_stop() {
	local pid tun ctl
	if [ "$1" = r46 ]; then pid=$TOPO_R46_PID tun=$TOPO_R46_TUN ctl=$TOPO_R46_CTL
	else pid=$TOPO_R64_PID tun=$TOPO_R64_TUN ctl=$TOPO_R64_CTL; fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$ctl"
	ns_exec "$1" nft delete table netdev jfinput 2>/dev/null
	wait_until 5 sh -c "! ip netns exec $(ns_name "$1") ip link show dev $tun 2>/dev/null"
}

# topo6to4_ctl sock cmd: the relay's reply ("key value" lines, then "ok").
# relayctl when built, else a plain Unix-socket client.
topo6to4_ctl() {
	if [ -x "$BUILD/relayctl" ]; then
		"$BUILD/relayctl" -r -s "$1" "$2"
	else
		/usr/bin/python3 - "$1" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
buf = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    buf += d
    lines = buf.decode(errors="replace").splitlines()
    if lines and (lines[-1] == "ok" or lines[-1].startswith("error")) \
       and buf.endswith(b"\n"):
        break
sys.stdout.write(buf.decode(errors="replace"))
sys.exit(0 if buf.decode(errors="replace").rstrip().endswith("ok") else 1)
EOF
	fi
}

# topo6to4_counter sock name: one counter's value from `stats` (0 if absent).
topo6to4_counter() {
	topo6to4_ctl "$1" stats | awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }'
}
