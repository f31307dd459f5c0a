#!/bin/bash
# bgpglue's 6to4 data-plane probe against the real relay6to4 in one
# namespace: native IPv6 UDP to 2002:<our IPv4>::1 goes into the relay's
# TUN, comes back encapsulated in protocol 41 to our IPv4, and bgpglue
# sees its nonce.  The relay keeps answering "status" while its data path
# is cut (no route into the TUN): the probe alone must withdraw.  The
# decision (announce state) is what is checked, and in the Input packet
# part also bgpd's table (real zebra and bgpd of a 6to4 relay VM,
# deploy/frr/vm-bgpd-6to4.conf).  Also: the
# privilege split (the health process runs as nobody without
# capabilities, the announcer keeps CAP_DAC_OVERRIDE only).
# Then relay6to4 with Input packet (its ring on eth0, the ingress drop
# rule of docs/6to4.md) and bgpglue injecting the probe on eth0
# (ProbeInterface6, turned into eth0's ingress by lab_probe_turnaround):
# the probe crosses the ring; eth0 replaced by a new link of the same
# name leaves the ring on the old one while the TUN (still routed) works,
# and must withdraw.  That last case fails while the probe enters through
# the TUN route.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/bgpglue_lab.inc"
for b in bgpglue relay6to4 relayctl; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
ns_new vm
ns_exec vm ip addr add 198.18.5.1/32 dev lo
ns_exec vm ip -6 addr add 2001:db8:5::1/128 dev lo nodad
cat >"$T/r64.conf" <<EOC
InterfaceName r64tun
ControlSocket $T/r64.sock
SourceAddress 192.88.99.2
EOC
ns_bg vm "$BUILD/relay6to4" -f -c "$T/r64.conf"
RELAY=$NS_LAST_PID
wait_until 5 ns_exec vm ip link show dev r64tun || fail "no r64tun"
ns_exec vm ip link set r64tun up
ns_exec vm ip -6 route add 2002::/16 dev r64tun table 46
ns_exec vm ip -6 rule add to 2002::/16 lookup 46 pref 100
wait_until 5 test -S "$T/r64.sock" || fail "no relay control socket"
cat >"$T/g.conf" <<EOC
ControlSocket $T/g.sock
RelayControlSocket $T/r64.sock
ZservPath $T/no-zebra-here.api
Prefix 2002::/16
Prefix 192.88.99.2/32
CheckIntervalMs 200
CheckTimeoutMs 100
ProbeMode 6to4
ProbeSource4 198.18.5.1
ProbeReturn6 2001:db8:5::1
ProbeIntervalMs 200
ProbeTimeoutMs 100
ProbeRise 2
ProbeFall 2
EOC
ns_bg vm "$BUILD/bgpglue" -f -c "$T/g.conf"
wait_until 5 test -S "$T/g.sock" || fail "no bgpglue control socket"
st() { "$BUILD/relayctl" -s "$T/g.sock" status; }
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *announced'" ||
    fail "not announced: $(st | grep -E 'check|probe')"
st | grep -q '^check_probe *up' || fail "probe not up"
fwd=$("$BUILD/relayctl" -s "$T/r64.sock" stats | awk '$1 == "forwarded" {print $2}')
[ "${fwd:-0}" -ge 2 ] || fail "relay6to4 forwarded ${fwd:-0} probes"
pass "probe through relay6to4: $(st | sed -n 's/^probe *//p'), relay forwarded $fwd"
GLUE=$NS_LAST_PID
ANN=$(cat /proc/"$GLUE"/task/"$GLUE"/children 2>/dev/null | awk '{print $1}')
[ -n "$ANN" ] || fail "no announcer process under bgpglue ($GLUE)"
capeff() { awk '$1 == "CapEff:" {print $2}' /proc/"$1"/status; }
uid() { awk '$1 == "Uid:" {print $3}' /proc/"$1"/status; }
[ "$(uid "$GLUE")" = "$(id -u nobody)" ] || fail "health process uid $(uid "$GLUE")"
[ "$(capeff "$GLUE")" = 0000000000000000 ] || fail "health caps $(capeff "$GLUE")"
[ "$(capeff "$ANN")" = 0000000000000002 ] || fail "announcer caps $(capeff "$ANN")"
pass "privilege split: health uid nobody, no caps; announcer CAP_DAC_OVERRIDE only"
ns_exec vm ip -6 route del 2002::/16 dev r64tun table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *withdrawn'" ||
    fail "data path cut, still $(st | grep announce)"
st | grep -q '^check_relay *up' || fail "relay check should stay up"
pass "data path cut: withdrawn ($(st | sed -n 's/^reason *//p'))"
ns_exec vm ip -6 route add 2002::/16 dev r64tun table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *announced'" ||
    fail "repaired, still $(st | grep announce)"
pass "data path repaired: announced again"

# --- Input packet, with zebra and bgpd (their speaker, 198.18.5.20,
# answers no BGP: bgpd's own table is what is checked).
lab_sed "$LAB_FRR_DIR/vm-bgpd-6to4.conf" "$T/vm.bgpd.conf" \
    AS=$LAB_AS ROUTER_ID=198.18.5.1 SPEAKER4=198.18.5.20 \
    SPEAKER6=2001:db8:100::1 RELAY4=192.88.99.2 || fail "bgpd config"
lab_frr_start vm "$T/vm.bgpd.conf" || fail "FRR did not start"
bgp_has() {	# prefix: in bgpd's table, sourced from bgpglue through zebra
	lab_vtysh vm -c "show bgp ipv6 unicast $1" | grep -q 'Paths: (1 available'
}
stop() {	# pid: ours, started above
	kill "$1"
	wait_until 5 sh -c "! kill -0 $1 2>/dev/null" || fail "pid $1 did not exit"
}
wait_announce() {	# announced|withdrawn seconds what
	wait_until "$2" sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *$1\$'" ||
	    fail "$3: expected announce $1, got: $(st | grep -E '^(announce|reason|check)')"
	if [ "$1" = announced ]; then
		wait_until "$2" bgp_has 2002::/16 ||
		    fail "$3: announced, but 2002::/16 not in bgpd: $(lab_vtysh vm -c 'show bgp ipv6 unicast')"
	else
		wait_until "$2" sh -c "! vtysh -N '$(ns_name vm)' -c 'show bgp ipv6 unicast 2002::/16' 2>/dev/null | grep -q 'Paths: (1 available'" ||
		    fail "$3: withdrawn, but 2002::/16 still in bgpd"
	fi
}
rstat() {	# relay6to4 stats/status key
	{ "$BUILD/relayctl" -s "$T/r64.sock" stats
	  "$BUILD/relayctl" -s "$T/r64.sock" status; } 2>/dev/null |
	    awk -v k="$1" '$1 == k {print $2; exit}'
}
start_relay_packet() {
	rm -f "$T/r64.sock"
	ns_bg vm "$BUILD/relay6to4" -f -c "$T/r64.conf"
	RELAY=$NS_LAST_PID
	wait_until 5 test -S "$T/r64.sock" || fail "no relay control socket"
	# The TUN route stays: the way a locally sent probe would take.
	wait_until 5 ns_exec vm ip link show dev r64tun || fail "no r64tun"
	ns_exec vm ip link set r64tun up
	ns_exec vm ip -6 route replace 2002::/16 dev r64tun table 46
}
packet_link() {
	ns_link vm eth0 gw eth0 || fail "veth"
	ns_exec vm nft -f - <<-'EON' || fail "nft ingress drop rule"
	table netdev jfinput {
		chain in { type filter hook ingress device "eth0" priority -500;
			meta pkttype host ip6 daddr 2002::/16 drop; }
	}
	EON
	lab_probe_turnaround vm eth0 || fail "tc turn-around on eth0"
}
stop "$GLUE"
stop "$RELAY"
ns_new gw
packet_link
printf 'Input packet\nInputInterface eth0\n' >>"$T/r64.conf"
start_relay_packet
sed -i "s|^ZservPath .*|ZservPath $(lab_frr_dir vm)/zserv.api|" "$T/g.conf"
echo "ProbeInterface6 eth0" >>"$T/g.conf"
rm -f "$T/g.sock"
ns_bg vm "$BUILD/bgpglue" -f -c "$T/g.conf"
GLUE=$NS_LAST_PID
wait_until 5 test -S "$T/g.sock" || fail "no bgpglue control socket"
wait_announce announced 5 "probe through relay6to4's ring"
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
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8:5::1", 0))
s.sendto(b"x", ("2002:c612:501::1", 9))' || fail "send into the TUN"
wait_until 5 sh -c "[ \"\$('$BUILD/relayctl' -s '$T/r64.sock' stats | awk '\$1 == \"rx\" {print \$2}')\" -gt $rx ]" ||
    fail "relay6to4's TUN path should still work (rx $rx)"
pass "ring dead, TUN path alive: withdrawn ($(st | grep '^check_probe '))"
stop "$RELAY"
start_relay_packet
wait_announce announced 10 "relay6to4 restarted on the new eth0"
pass "relay6to4 restarted: announced again"
exit 0
