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
# Each case runs under both output modes of the relays (Output tun, then
# Output raw; CRAFTED_OUTPUTS picks): the same relays are restarted with
# the other mode in the same namespaces.  Then both again with Input
# packet (CRAFTED_INPUTS picks; default "tun packet"): the relays read
# from packet rings on eth4 and eth6 and nft netdev ingress rules there
# drop the kernel's copy of the relays' packets, so each case must give
# the same counters and bytes from the ring as from the TUN.  With raw output the packets
# skip the kernel's forwarding hop out of the relay host, so TTL and hop
# limit on the wire are one higher (crafted6to4.py --output), and nothing
# but the fallbacks is written into the TUNs.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/topo6to4.sh"	# topo6to4_ctl

[ -x "$BUILD/relay4to6" ] && [ -x "$BUILD/relay6to4" ] ||
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

# run_mode tun|raw [tun|packet]: start both relays with that Output (and
# Input), run every case, stop them.
run_mode() {
local input=${2:-tun} in46="" in64=""
echo "--- Output $1, Input $input"
if [ "$input" = packet ]; then
	in46=$(printf 'Input packet\nInputInterface eth4')
	in64=$(printf 'Input packet\nInputInterface eth6')
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
# their TUNs; with raw output only the fallbacks (raw_tun_fallback).
for r in r46 r64; do
	st=$(topo6to4_ctl "$T/$r.sock" status) || fail "$r status"
	assert_eq "$r output" "$1" "$(echo "$st" | awk '$1 == "output" { print $2 }')"
	wr=$(ns_exec rly cat "/sys/class/net/${r}tun/statistics/rx_packets")
	fb=$(echo "$st" | awk '$1 == "raw_tun_fallback" { print $2 }')
	if [ "$1" = raw ]; then
		assert_eq "$r packets written into the TUN (fallbacks only)" "$fb" "$wr"
	else
		[ "$wr" -gt 0 ] || fail "$r wrote nothing into its TUN"
		assert_eq "$r raw_tun_fallback" 0 "$fb"
	fi
done
[ "$1" = tun ] || [ "$(topo6to4_ctl "$T/r46.sock" status |
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
kill "$R46_PID" "$R64_PID"
wait "$R46_PID" "$R64_PID" 2>/dev/null
wait_until 5 sh -c "! ip netns exec $(ns_name rly) ip link show dev r46tun" ||
	fail "r46tun still there"
wait_until 5 sh -c "! ip netns exec $(ns_name rly) ip link show dev r64tun" ||
	fail "r64tun still there"
}

for input in ${CRAFTED_INPUTS:-tun packet}; do
	for mode in ${CRAFTED_OUTPUTS:-tun raw}; do
		run_mode "$mode" "$input"
	done
done
echo "6to4_crafted: all checks passed"
