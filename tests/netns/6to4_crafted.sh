#!/bin/bash
# relay4to6 and relay6to4 against crafted packets, in namespaces.
#
#   gen (IPv4 side: crafted protocol 41, captures what comes back)
#    | eth0 ------ eth4 198.51.100.2/24
#   rly  relay4to6 (r46tun: 192.88.99.1/32, 203.0.113.10/32 routed in)
#        relay6to4 (r64tun: 2002::/16, 192.88.99.2/32 routed in)
#    | eth6 2001:db8:46::1/64 ------ eth46
#   v6  (IPv6 side: crafted native packets, captures what comes out)
#
# gen and v6 own no addresses: the relay namespace reaches them through
# permanent neighbour entries, so their kernels never answer (no ICMP
# noise that would move counters).  tests/netns/crafted6to4.py sends each
# case with AF_PACKET from both namespaces, reads the relays' counters on
# their control sockets, and checks the exact bytes that come out.
#
# Each case runs under several I/O modes of the relays, OUTPUT:INPUT
# (CRAFTED_MODES picks; default "tun:tun raw:tun tun:packet
# packet:packet tun:xdp", about 25 s each; raw:packet and packet:tun also
# work):
# the same relays are restarted with each mode in the same namespaces.
# Input packet: the relays read from packet rings on eth4 and eth6 and
# nft netdev ingress rules there drop the kernel's copy of the relays'
# packets, so each case must give the same counters and bytes from the
# ring as from the TUN.  A relay host is one hop in every mode: the hop
# limit on the far links is the sent one minus 1 (2 leaves with 1, 1 gets
# Time Exceeded), the outer TTL the configured 64, whichever way a
# packet left the host (crafted6to4.py checks each case and a burst).
# Input xdp (relay4to6 only; relay6to4 stays on Input tun): the XDP
# program on eth4 relays what it can, the TUN the rest, with the same
# counters and bytes; v6's eth46 runs an XDP_PASS program, without which
# a veth drops what is redirected into it (docs/6to4.md, "Input: xdp").
# With raw output nothing but the fallbacks is written into the TUNs.  Output packet: relay4to6 sends on
# eth6 to the IPv6 default route's gateway (2001:db8:46::2, a route added
# only once the relay runs unprivileged, so that its refresh must find
# it), relay6to4 on eth4 to OutputGateway4 198.51.100.1 (gen's MAC); the
# other family of each has no next hop on that interface and takes the
# kernel path (the TUN), as does one packet per family and second (the
# kick), which must leave with the same hop limit and TTL as the others
# (crafted6to4.py's bursts span several kicks).  Only the kernel-path
# packets are written into the TUNs.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/topo6to4.sh"	# topo6to4_ctl

[ -x "$BUILD/relay4to6" ] && [ -x "$BUILD/relay6to4" ] &&
    [ -f "$BUILD/bpf/xdp_pass.bpf.o" ] ||
	fail "build relay4to6 and relay6to4 first ($BUILD)"

ns_new gen; ns_new rly; ns_new v6
ns_router rly
ns_link gen eth0 rly eth4
ns_link rly eth6 v6 eth46
ns_exec v6 sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ns_exec gen sysctl -qw net.ipv6.conf.all.disable_ipv6=1

ns_exec rly ip addr add 198.51.100.2/24 dev eth4
ns_exec rly ip -6 addr add 2001:db8:46::1/64 dev eth6 nodad
ns_exec rly ip -6 route add 2001:db8:6::/64 via 2001:db8:46::2
GEN_MAC=$(ns_exec gen cat /sys/class/net/eth0/address)
V6_MAC=$(ns_exec v6 cat /sys/class/net/eth46/address)
RLY4_MAC=$(ns_exec rly cat /sys/class/net/eth4/address)
RLY6_MAC=$(ns_exec rly cat /sys/class/net/eth6/address)
for a in 198.51.100.7 198.51.100.8 198.51.100.9; do
	ns_exec rly ip neigh replace "$a" lladdr "$GEN_MAC" dev eth4 nud permanent
done
ns_exec rly ip -6 neigh replace 2001:db8:46::2 lladdr "$V6_MAC" dev eth6 nud permanent
# Output packet's IPv4 next hop for relay6to4 (OutputGateway4).
ns_exec rly ip neigh replace 198.51.100.1 lladdr "$GEN_MAC" dev eth4 nud permanent

# status_has sock "key value": that exact line is in the relay's status.
status_has() { topo6to4_ctl "$1" status | grep -qx "$2"; }

# run_mode tun|raw|packet [tun|packet]: start both relays with that Output
# (and Input), run every case, stop them.
run_mode() {
local input=${2:-tun} in46="" in64="" out46="" out64=""
echo "--- Output $1, Input $input"
if [ "$input" = packet ]; then
	in46=$(printf 'Input packet\nInputInterface eth4')
	in64=$(printf 'Input packet\nInputInterface eth6')
fi
if [ "$input" = xdp ]; then
	in46=$(printf 'Input xdp\nInputInterface eth4')
	ns_exec v6 ip link set dev eth46 xdpdrv obj "$BUILD/bpf/xdp_pass.bpf.o" \
	    sec xdp || fail "XDP_PASS program on v6's eth46"
fi
if [ "$1" = packet ]; then
	out46="OutputInterface eth6"
	out64=$(printf 'OutputInterface eth4\nOutputGateway4 198.51.100.1')
fi
rm -f "$T/r46.sock" "$T/r64.sock"
cat >"$T/r46.conf" <<EOC
InterfaceName r46tun
ControlSocket $T/r46.sock
User nobody
AnycastAddress 192.88.99.1
UnicastAddress 203.0.113.10
NativeAddress 2001:db8:46::1
LocalSubnet 198.51.100.0/24
FragTimeout 2
Output $1
$in46
$out46
EOC
cat >"$T/r64.conf" <<EOC
InterfaceName r64tun
ControlSocket $T/r64.sock
User nobody
SourceAddress 192.88.99.2
RelayAddress 192.88.99.1/32
RelayAddress 203.0.113.10/32
LocalSubnet 198.51.100.0/24
NativeAddress 2001:db8:46::1
MTU 1480
TTL 64
Output $1
$in64
$out64
EOC
ns_bg rly "$BUILD/relay4to6" -f -c "$T/r46.conf"
R46_PID=$NS_LAST_PID
ns_bg rly "$BUILD/relay6to4" -f -c "$T/r64.conf"
R64_PID=$NS_LAST_PID
wait_until 5 test -S "$T/r46.sock" || fail "relay4to6 did not start"
wait_until 5 test -S "$T/r64.sock" || fail "relay6to4 did not start"
wait_until 5 ns_exec rly ip link show dev r46tun || fail "no r46tun"
wait_until 5 ns_exec rly ip link show dev r64tun || fail "no r64tun"
for t in r46tun r64tun; do
	ns_exec rly ip link set "$t" up
	ns_exec rly sysctl -qw "net.ipv4.conf.$t.rp_filter=0"
done
ns_exec rly ip route add 192.88.99.1/32 dev r46tun
ns_exec rly ip route add 203.0.113.10/32 dev r46tun
ns_exec rly ip -6 route add 2002::/16 dev r64tun
ns_exec rly ip route add 192.88.99.2/32 dev r64tun
if [ "$input" = packet ]; then
	ns_exec rly nft -f - <<EON || fail "ingress drop rules"
table netdev jfinput {
	chain in4 {
		type filter hook ingress device "eth4" priority -500; policy accept;
		ip protocol 41 ip daddr { 192.88.99.1, 203.0.113.10 } drop
	}
	chain in6 {
		type filter hook ingress device "eth6" priority -500; policy accept;
		ip6 daddr 2002::/16 drop
	}
}
EON
fi
# Both run as nobody, with no capabilities and no_new_privs, once the
# TUN and the control socket are open.
NOBODY=$(id -u nobody)
for pid in $R46_PID $R64_PID; do
	st=/proc/$pid/status
	wait_until 5 grep -q "^NoNewPrivs:.*1" "$st"
	assert_eq "pid $pid uid" "$NOBODY $NOBODY $NOBODY $NOBODY" \
	    "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")"
	assert_eq "pid $pid CapEff/CapPrm" "0000000000000000 0000000000000000" \
	    "$(awk '/^CapEff:/ { e = $2 } /^CapPrm:/ { p = $2 } END { print e, p }' "$st")"
	assert_eq "pid $pid NoNewPrivs" 1 "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")"
done
if [ "$1" = packet ]; then
	# Now unprivileged, the relays must still read routes and
	# neighbours: relay4to6's gateway only appears now.
	ns_exec rly ip -6 route add default via 2001:db8:46::2 dev eth6
	wait_until 5 status_has "$T/r46.sock" "output_usable6 1" ||
		fail "r46: no IPv6 next hop after the privilege drop"
	st=$(topo6to4_ctl "$T/r46.sock" status) || fail "r46 status"
	for kv in "output_interface eth6" "output_gw6 2001:db8:46::2" \
	    "output_mac6 $V6_MAC" "output_nud6 PERMANENT" "output_gw4 none" \
	    "output_usable4 0" "output_refresh_errors 0"; do
		echo "$st" | grep -qx "$kv" || fail "r46 status: no '$kv'"
	done
	st=$(topo6to4_ctl "$T/r64.sock" status) || fail "r64 status"
	for kv in "output_interface eth4" "output_gw4 198.51.100.1" \
	    "output_mac4 $GEN_MAC" "output_usable4 1" "output_usable6 0" \
	    "output_refresh_errors 0"; do
		echo "$st" | grep -qx "$kv" || fail "r64 status: no '$kv'"
	done
fi

# The kernel routes no 2002::/16 back: replies to 6to4 sites only leave
# encapsulated.  Sources the relays never route back still pass (rp 0).

ns_exec gen /usr/bin/python3 "$(dirname "$0")/crafted6to4.py" \
    --v6ns "/run/netns/$(ns_name v6)" \
    --gen-if eth0 --v6-if eth46 \
    --gen-mac "$GEN_MAC" --v6-mac "$V6_MAC" \
    --rly4-mac "$RLY4_MAC" --rly6-mac "$RLY6_MAC" \
    --r46 "$T/r46.sock" --r64 "$T/r64.sock" --output "$1" --input "$input" ||
	fail "crafted cases with Output $1"

# Where relayed packets went: TUN rx counts what the relays wrote into
# their TUNs; with raw output only the fallbacks (raw_tun_fallback); with
# packet output the kernel path and the fallbacks, while the driver took
# some too.
for r in r46 r64; do
	st=$(topo6to4_ctl "$T/$r.sock" status) || fail "$r status"
	assert_eq "$r output" "$1" "$(echo "$st" | awk '$1 == "output" { print $2 }')"
	wr=$(ns_exec rly cat "/sys/class/net/${r}tun/statistics/rx_packets")
	fb=$(echo "$st" | awk '$1 == "raw_tun_fallback" { print $2 }')
	if [ "$1" = raw ]; then
		assert_eq "$r packets written into the TUN (fallbacks only)" "$fb" "$wr"
	elif [ "$1" = packet ]; then
		kp=$(echo "$st" | awk '$1 == "output_kernel_path" { print $2 }')
		assert_eq "$r packets written into the TUN (kernel path)" \
		    "$((kp + fb))" "$wr"
		[ "$(echo "$st" | awk '$1 == "output_sent" { print $2 }')" -gt 0 ] ||
			fail "$r: packet output sent nothing"
		assert_eq "$r output_send_errors" 0 \
		    "$(echo "$st" | awk '$1 == "output_send_errors" { print $2 }')"
	else
		[ "$wr" -gt 0 ] || fail "$r wrote nothing into its TUN"
		assert_eq "$r raw_tun_fallback" 0 "$fb"
	fi
done
[ "$1" != raw ] || [ "$(topo6to4_ctl "$T/r46.sock" status |
    awk '$1 == "raw_tun_fallback" { print $2 }')" -ge 1 ] ||
	fail "r46: the no-route case did not fall back to the TUN"
if [ "$input" = packet ]; then
	for r in r46 r64; do
		st=$(topo6to4_ctl "$T/$r.sock" status) || fail "$r status"
		assert_eq "$r input" packet "$(echo "$st" | awk '$1 == "input" { print $2 }')"
		[ "$(echo "$st" | awk '$1 == "pkt_rx" { print $2 }')" -gt 0 ] ||
			fail "$r took nothing from its ring"
	done
	ns_exec rly nft delete table netdev jfinput
fi
if [ "$input" = xdp ]; then
	st=$(topo6to4_ctl "$T/r46.sock" status) || fail "r46 status"
	assert_eq "r46 input" xdp "$(echo "$st" | awk '$1 == "input" { print $2 }')"
	[ "$(echo "$st" | awk '$1 == "xdp_forwarded" { print $2 }')" -gt 0 ] ||
		fail "r46: the XDP program forwarded nothing"
	[ "$(echo "$st" | awk '$1 == "xdp_slow_hop_limit" { print $2 }')" -gt 0 ] ||
		fail "r46: the XDP program passed no hop limit 1 to the daemon"
	ns_exec v6 ip link set dev eth46 xdpdrv off
fi
[ "$1" != packet ] || ns_exec rly ip -6 route del default via 2001:db8:46::2
kill "$R46_PID" "$R64_PID"
wait "$R46_PID" "$R64_PID" 2>/dev/null
wait_until 5 sh -c "! ip netns exec $(ns_name rly) ip link show dev r46tun" ||
	fail "r46tun still there"
wait_until 5 sh -c "! ip netns exec $(ns_name rly) ip link show dev r64tun" ||
	fail "r64tun still there"
}

# OutputInterface must exist when the relay starts (-n does not look).
for r in relay4to6 relay6to4; do
	printf 'InterfaceName nosuch%s\nControlSocket %s\nSourceAddress 192.88.99.2\nOutput packet\nOutputInterface nosuch0\n' \
	    "${r#relay}" "$T/nosuch.sock" | { [ $r = relay4to6 ] && grep -v SourceAddress || cat; } >"$T/nosuch.conf"
	"$BUILD/$r" -n -c "$T/nosuch.conf" >/dev/null || fail "$r -n refused a missing OutputInterface"
	if ns_exec rly "$BUILD/$r" -f -c "$T/nosuch.conf" 2>"$T/nosuch.err"; then
		fail "$r started with a missing OutputInterface"
	fi
	grep -q "nosuch.conf:[0-9]*: OutputInterface: no such interface: nosuch0" "$T/nosuch.err" ||
		fail "$r: $(cat "$T/nosuch.err")"
	pass "$r refuses a missing OutputInterface at start"
done

for mode in ${CRAFTED_MODES:-tun:tun raw:tun tun:packet packet:packet tun:xdp}; do
	run_mode "${mode%%:*}" "${mode#*:}"
done
echo "6to4_crafted: all checks passed"
