#!/bin/bash
# relay4to6 with Input xdp in the 6to4 lab (tests/lib/topo6to4.sh): the
# XDP program (bpf/relay4to6.bpf.c) on r46's eth4 relays the site's
# traffic by itself, the TUN takes the rest.
#   1. the program is attached while relay4to6 runs (ip link: xdp), and
#      relay4to6 reports "input xdp", after dropping to nobody; it was
#      started with the systemd unit's capabilities plus CAP_BPF only;
#   2. ping -6 site -> native host and back: every echo request took the
#      fast path (xdp_forwarded moved by the count, the kernel queued
#      none of them to the TUN) and left with the hop limit 1 lower
#      (captured on the native host's wire), and relayctl stats shows
#      them under "forwarded" (the daemon sums the program's counters);
#   3. hop limit 2 arrives with 1; hop limit 1 goes to the slow path
#      (xdp_slow_hop_limit) and comes back as Time Exceeded from the
#      relay (icmp6_time_exceeded_sent), through the TUN;
#   4. kill -9 of relay4to6 leaves no XDP program on eth4 (bpf_link).
# Redirecting into a veth needs an XDP program (or GRO) on its far end
# (the native host's eth46): a trivial XDP_PASS one (bpf/xdp_pass.bpf.c),
# attached after step 0, which shows what happens without it.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/topo6to4.sh"

for b in relay4to6 relay6to4 tests/tools/sixtofour_host bpf/xdp_pass.bpf.o; do
	[ -e "$BUILD/$b" ] || fail "$BUILD/$b not built (make all tools)"
done

# relay4to6 starts with the capabilities of deploy/systemd's unit plus
# CAP_BPF, no more (no CAP_SYS_ADMIN, no CAP_PERFMON): the verifier must
# accept the program from a CAP_BPF loader.  (TOPO_PIN_R46 is the prefix
# topo6to4.sh puts before the relay's command.)
TOPO_PIN_R46="setpriv --bounding-set -all,+net_admin,+net_raw,+setuid,+setgid,+bpf"

# relay4to6's config for this lab: Input xdp on eth4, as nobody.
topo6to4_conf_r46() {
	cat <<EOC
InterfaceName $TOPO_R46_TUN
ControlSocket $TOPO_R46_CTL
User nobody
Input xdp
InputInterface eth4
EOC
}

topo6to4_up || fail "topology"
# A known next hop: every packet can take the fast path from the first.
V6_MAC=$(ns_exec v6 cat /sys/class/net/eth46/address)
ns_exec r46 ip -6 neigh replace 2001:db8:46::2 lladdr "$V6_MAC" dev eth6 nud permanent

st() { topo6to4_ctl "$TOPO_R46_CTL" status | awk -v k="$1" '$1 == k { print $2 }'; }
tun_tx() { ns_exec r46 cat /sys/class/net/$TOPO_R46_TUN/statistics/tx_packets; }

# 1. Attached, status, privileges dropped.
ns_exec r46 ip link show dev eth4 | grep -q "prog/xdp" ||
	fail "no XDP program on eth4 while relay4to6 runs"
pass "XDP program on eth4"
assert_eq "r46 input" xdp "$(st input)"
assert_eq "r46 xdp_interface" eth4 "$(st xdp_interface)"
wait_until 5 grep -q "^NoNewPrivs:.*1" "/proc/$TOPO_R46_PID/status"
assert_eq "r46 CapEff" 0000000000000000 \
    "$(awk '/^CapEff:/ { print $2 }' "/proc/$TOPO_R46_PID/status")"

# 0. The program redirects from the first packet.  A veth delivers what
# is redirected into it only while its peer runs XDP (or GRO), kernel
# commit 8267fc71 ("veth: take into account peer device for
# NETDEV_XDP_ACT_NDO_XMIT"): without that the frame is dropped.  Either
# outcome is the kernel's; the note says which one this kernel gave.
f0=$(st xdp_forwarded)
if ns_exec site ping -6 -c 1 -W 1 -t 9 $TOPO_V6 >/dev/null 2>&1; then
	echo "note: this kernel delivered into a veth whose peer has no XDP"
else
	echo "note: redirect into a veth whose peer has no XDP: dropped"
fi
assert_eq "fast path from the first echo request" 1 $(( $(st xdp_forwarded) - f0 ))
ns_exec v6 ip link set dev eth46 xdpdrv obj "$BUILD/bpf/xdp_pass.bpf.o" sec xdp ||
	fail "XDP_PASS program on v6's eth46"

# 2. Pings through the fast path, hop limit on the far wire.
PINGS=5
CAPLOG="$T/$(ns_name v6).tcpdump.log"
ns_bg v6 tcpdump -l -nn -v -i eth46 -c $PINGS "icmp6 and ip6[40] == 128"
CAP_PID=$NS_LAST_PID
wait_until 5 grep -q "listening on" "$CAPLOG" || fail "tcpdump did not start"
f0=$(st xdp_forwarded) tx0=$(tun_tx)
s0=$(topo6to4_counter "$TOPO_R46_CTL" forwarded)
ns_exec site ping -6 -c $PINGS -i 0.2 -W 2 -t 9 $TOPO_V6 >"$T/ping.out" ||
	fail "ping through the xdp relay: $(cat "$T/ping.out")"
pass "ping -6 site -> native through Input xdp"
assert_eq "echo requests forwarded by XDP" $PINGS $(( $(st xdp_forwarded) - f0 ))
assert_eq "echo requests the kernel queued to the TUN" 0 $(( $(tun_tx) - tx0 ))
wait_until 5 sh -c "[ \$(grep -c 'hlim 8,' '$CAPLOG') -ge $PINGS ]" ||
	fail "far wire: $(grep hlim "$CAPLOG")"
pass "hop limit 9 arrives as 8 on the far wire"
grep hlim "$CAPLOG" | grep -v "hlim 8," && fail "other hop limits seen"
wait_until 3 sh -c "! kill -0 $CAP_PID 2>/dev/null"
wait_until 5 sh -c "[ \$($BUILD/relayctl -r -s $TOPO_R46_CTL stats |
    awk '\$1 == \"forwarded\" { print \$2 }') -ge $((s0 + PINGS)) ]" ||
	fail "relayctl stats: forwarded did not include the XDP's"
pass "relayctl stats forwarded includes the program's"

# 3. Hop limit 2 leaves with 1 (fast path); 1 gets Time Exceeded (slow).
ns_exec site ping -6 -c 1 -W 2 -t 2 $TOPO_V6 >/dev/null ||
	fail "hop limit 2 did not reach the native host"
pass "hop limit 2 reaches the native host"
h0=$(st xdp_slow_hop_limit) tx0=$(tun_tx)
te0=$(topo6to4_counter "$TOPO_R46_CTL" icmp6_time_exceeded_sent)
ns_exec site ping -6 -c 1 -W 2 -t 1 $TOPO_V6 >"$T/ping1.out" 2>&1
grep -qi "time exceeded" "$T/ping1.out" ||
	fail "hop limit 1: no Time Exceeded: $(cat "$T/ping1.out")"
assert_eq "xdp_slow_hop_limit" 1 $(( $(st xdp_slow_hop_limit) - h0 ))
assert_eq "slow path packets queued to the TUN" 1 $(( $(tun_tx) - tx0 ))
wait_until 5 sh -c "[ \$($BUILD/relayctl -r -s $TOPO_R46_CTL stats |
    awk '\$1 == \"icmp6_time_exceeded_sent\" { print \$2 }') -gt $te0 ]" ||
	fail "relay4to6 did not count the Time Exceeded"
pass "hop limit 1: Time Exceeded from the slow path"

# 4. kill -9: the bpf_link goes with the process, and the program too.
kill -9 "$TOPO_R46_PID"
wait "$TOPO_R46_PID" 2>/dev/null
wait_until 5 sh -c "! ip -n $(ns_name r46) link show dev eth4 | grep -q prog/xdp" ||
	fail "XDP program still on eth4 after kill -9: $(ns_exec r46 ip link show dev eth4)"
pass "kill -9 of relay4to6 leaves no XDP program on eth4"
echo "6to4_xdp: all checks passed"
