#!/bin/bash
# relay4to6 reassembly under a flood of lone fragments (issue 12 item 3).
#
#   gen (IPv4 side: crafted protocol 41, spoofed sources)
#    | eth0 ------ eth4 198.51.100.2/24
#   rly  relay4to6 (r46tun: 192.88.99.1/32 routed in)
#    | eth6 2001:db8:46::1/64 ------ eth46
#   v6  (IPv6 side: captures what comes out)
#
# gen and v6 own no addresses (as in 6to4_crafted.sh).  The relay has 64
# datagrams and 96 KiB for reassembly and a 120 s FragTimeout.
# tests/netns/6to4_fragflood.py fills the table with lone first fragments
# from many spoofed sources (198.18.0.0/15), then sends a 6to4 site's
# 2-fragment packets a few flood fragments apart while the flood goes on,
# and checks that every one of them comes out whole on the native side,
# that one source alone holds only its share (drop_frag_source_cap), and
# that every datagram begun ends under a counted reason.  Each batch is
# paced on the relay's fragment counters, so nothing depends on timing.
# The old relay kept the first 64 lone fragments and refused everything
# else for the timeout: no site packet got through.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/topo6to4.sh"	# topo6to4_ctl

[ -x "$BUILD/relay4to6" ] || fail "build relay4to6 first ($BUILD)"

MAXD=64
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
ns_exec rly ip -6 neigh replace 2001:db8:46::2 lladdr "$V6_MAC" dev eth6 nud permanent

cat >"$T/r46.conf" <<EOC
InterfaceName r46tun
ControlSocket $T/r46.sock
AnycastAddress 192.88.99.1
NativeAddress 2001:db8:46::1
FragMaxDatagrams $MAXD
FragMaxBytes 98304
FragTimeout 120
EOC
topo6to4_quiet_tuns rly
ns_bg rly "$BUILD/relay4to6" -f -c "$T/r46.conf"
wait_until 5 test -S "$T/r46.sock" || fail "relay4to6 did not start"
wait_until 5 ns_exec rly ip link show dev r46tun || fail "no r46tun"
ns_exec rly ip link set r46tun up
ns_exec rly sysctl -qw net.ipv4.conf.r46tun.rp_filter=0
ns_exec rly ip route add 192.88.99.1/32 dev r46tun

ns_exec gen timeout 120 /usr/bin/python3 "$(dirname "$0")/6to4_fragflood.py" \
    --v6ns "/run/netns/$(ns_name v6)" --gen-if eth0 --v6-if eth46 \
    --gen-mac "$GEN_MAC" --rly4-mac "$RLY4_MAC" --r46 "$T/r46.sock" \
    --max-datagrams $MAXD ||
	fail "a site's fragmented packets did not get through the flood"
echo "6to4_fragflood: all checks passed"
