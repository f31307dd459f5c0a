#!/bin/bash
# bgpglue's 4to6 data-plane probe against the real relay4to6 with Input
# packet (its ring on eth0, the ingress drop rule of docs/6to4.md), with
# the real zebra and bgpd of a 4to6 relay VM (deploy/frr/vm-bgpd-4to6.conf).
# bgpglue injects the probe (protocol 41 to 192.88.99.1) on eth0
# (ProbeInterface4), turned into eth0's ingress by lab_probe_turnaround:
# it crosses the ring, relay4to6 writes the inner IPv6 into its TUN and
# the kernel delivers it to bgpglue on ProbeReturn6.  Then eth0 is
# replaced by a new link of the same name (a hot-plugged NIC): the ring
# stays on the old one while the TUN (still routed) works, and the
# prefixes must leave bgpd's table; a relay restart brings them back.
# The withdrawal fails while the probe enters through the TUN route.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/bgpglue_lab.inc"
for b in bgpglue relay4to6 relayctl; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
ns_new vm
ns_new gw
ns_exec vm ip addr add 198.18.4.1/32 dev lo	# bgpglue's probe source
ns_exec vm ip -6 addr add 2001:db8:4::1/128 dev lo nodad
ns_exec vm ip rule add to 192.88.99.1/32 lookup 46 pref 100
lab_sed "$LAB_FRR_DIR/vm-bgpd-4to6.conf" "$T/vm.bgpd.conf" \
    AS=$LAB_AS ROUTER_ID=198.18.4.1 SPEAKER4=198.18.4.20 \
    SPEAKER6=2001:db8:100::1 UNICAST4=198.18.1.11 || fail "bgpd config"
lab_frr_start vm "$T/vm.bgpd.conf" || fail "FRR did not start"

packet_link() {
	ns_link vm eth0 gw eth0 || fail "veth"
	ns_exec vm ip addr add 198.18.4.10/24 dev eth0
	ns_exec vm nft -f - <<-'EON' || fail "nft ingress drop rule"
	table netdev jfinput {
		chain in { type filter hook ingress device "eth0" priority -500;
			meta pkttype host ip protocol 41 ip daddr { 192.88.99.1, 198.18.1.11 } drop; }
	}
	EON
	lab_probe_turnaround vm eth0 || fail "tc turn-around on eth0"
}
start_relay() {
	cat >"$T/r46.conf" <<-EOC
	InterfaceName r46tun
	ControlSocket $T/r46.sock
	AnycastAddress 192.88.99.1
	UnicastAddress 198.18.1.11
	Input packet
	InputInterface eth0
	EOC
	rm -f "$T/r46.sock"
	ns_bg vm "$BUILD/relay4to6" -f -c "$T/r46.conf"
	RELAY=$NS_LAST_PID
	wait_until 5 test -S "$T/r46.sock" || fail "no relay control socket"
	# The TUN route stays: the way a locally sent probe would take.
	wait_until 5 ns_exec vm ip link show dev r46tun || fail "no r46tun"
	ns_exec vm ip link set r46tun up
	ns_exec vm ip route replace 192.88.99.1/32 dev r46tun table 46
}
stop() {	# pid: ours, started above
	kill "$1"
	wait_until 5 sh -c "! kill -0 $1 2>/dev/null" || fail "pid $1 did not exit"
}
st() { "$BUILD/relayctl" -s "$T/g.sock" status; }
rstat() {	# relay4to6 stats/status key
	{ "$BUILD/relayctl" -s "$T/r46.sock" stats
	  "$BUILD/relayctl" -s "$T/r46.sock" status; } 2>/dev/null |
	    awk -v k="$1" '$1 == k {print $2; exit}'
}
bgp_has() {	# prefix: in bgpd's table, sourced from bgpglue through zebra
	lab_vtysh vm -c "show bgp ipv4 unicast $1" | grep -q 'Paths: (1 available'
}
wait_announce() {	# announced|withdrawn seconds what
	wait_until "$2" sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *$1\$'" ||
	    fail "$3: expected announce $1, got: $(st | grep -E '^(announce|reason|check)')"
	if [ "$1" = announced ]; then
		wait_until "$2" bgp_has 192.88.99.1/32 ||
		    fail "$3: announced, but 192.88.99.1/32 not in bgpd: $(lab_vtysh vm -c 'show bgp ipv4 unicast')"
	else
		wait_until "$2" sh -c "! vtysh -N '$(ns_name vm)' -c 'show bgp ipv4 unicast 192.88.99.1/32' 2>/dev/null | grep -q 'Paths: (1 available'" ||
		    fail "$3: withdrawn, but 192.88.99.1/32 still in bgpd"
	fi
}

packet_link
start_relay
cat >"$T/g.conf" <<EOC
ControlSocket $T/g.sock
RelayControlSocket $T/r46.sock
ZservPath $(lab_frr_dir vm)/zserv.api
ZapiProfile frr8
RouteType table
User ""
Prefix 192.88.99.1/32
Prefix 198.18.1.11/32
CheckIntervalMs 200
CheckTimeoutMs 100
ProbeMode 4to6
ProbeSource4 198.18.4.1
ProbeReturn6 2001:db8:4::1
ProbeInterface4 eth0
ProbeIntervalMs 200
ProbeTimeoutMs 100
ProbeRise 2
ProbeFall 2
EOC
ns_bg vm "$BUILD/bgpglue" -f -c "$T/g.conf"
wait_until 5 test -S "$T/g.sock" || fail "no bgpglue control socket"
wait_announce announced 5 "probe through relay4to6's ring"
ring=$(rstat pkt_rx)
[ "${ring:-0}" -ge 2 ] || fail "probe not seen by the ring: pkt_rx ${ring:-0}"
pass "Input packet: probe through the ring (pkt_rx $ring, $(st | sed -n 's/^probe  *//p'))"

ns_exec vm nft delete table netdev jfinput
ns_exec vm ip link del eth0
packet_link
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^check_probe  *down .*why=no probe packet back'" ||
    fail "ring dead (eth0 replaced): expected the probe lost, got: $(st | grep -E '^(announce|reason|check)')"
wait_announce withdrawn 5 "ring dead (eth0 replaced)"
st | grep -q '^check_relay *up' || fail "relay check should stay up"
rx=$(rstat rx)
ns_exec vm /usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 41)
s.bind(("198.18.4.1", 0))
s.sendto(bytes(40), ("192.88.99.1", 0))' || fail "send into the TUN"
wait_until 5 sh -c "[ \"\$('$BUILD/relayctl' -s '$T/r46.sock' stats | awk '\$1 == \"rx\" {print \$2}')\" -gt $rx ]" ||
    fail "relay4to6's TUN path should still work (rx $rx)"
pass "ring dead, TUN path alive: withdrawn ($(st | grep '^check_probe '))"
stop "$RELAY"
start_relay
wait_announce announced 10 "relay4to6 restarted on the new eth0"
pass "relay4to6 restarted: announced again"
exit 0
