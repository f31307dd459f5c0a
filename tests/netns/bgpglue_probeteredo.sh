#!/bin/bash
# bgpglue's Teredo data-plane probes against the real teredod in one
# namespace (vm), with the real FRR zebra and bgpd of a Teredo relay VM
# (deploy/frr/vm-bgpd-teredo.conf): each withdrawal and return is checked
# in bgpd's table (what it would send to the speaker), as well as in
# bgpglue's announce state.  Two directions, each with its own check:
#   probe      native->client: native IPv6 to a Teredo address whose
#              server (and client) is bgpglue's own IPv4 makes teredod
#              send its indirect bubble to that "server", i.e. to bgpglue
#              on 3544.
#   probe_c2n  client->native: a Teredo datagram from bgpglue's IPv4 to
#              teredod's BindAddress:3544 carrying IPv6 to ProbeReturn6;
#              teredod decapsulates it and it reaches bgpglue natively.
# Cuts, each with the control socket still fine, so that only the probe
# can withdraw:
#   1. Input kernel: no route into teredod's TUN (native->client only).
#   2. Input kernel: what teredod writes to its TUN is dropped before it
#      is forwarded (client->native only).  Fails before the c2n probe.
#   3. Input packet and Output packet (the fast mode: rings on eth0,
#      pktout to the gateway gw, which routes the probes' answers back),
#      probes injected on eth0 and turned
#      into its ingress (ProbeInterface4/6, lab_probe_turnaround): eth0
#      is replaced by a new link of the same name, as a hot-plugged NIC
#      would be.  teredod's rings stay bound to the old one (dead), its
#      TUN still relays what the kernel routes into it.  Fails while the
#      probe enters through the TUN route.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/bgpglue_lab.inc"
for b in bgpglue teredod relayctl; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
ns_new vm
ns_new gw
ns_exec vm ip addr add 198.18.6.1/32 dev lo	# teredod
ns_exec vm ip addr add 198.18.6.2/32 dev lo	# bgpglue's probe
ns_exec vm ip -6 addr add 2001:db8:7::1/128 dev lo nodad
ns_exec vm ip tuntap add mode tun name teredo
ns_exec vm ip link set teredo addrgenmode none
ns_exec vm ip link set teredo up
ns_exec vm ip -6 route add 2001::/32 dev teredo table 46
ns_exec vm ip -6 rule add to 2001::/32 lookup 46 pref 100
# zebra and bgpd (their speaker, 198.18.6.20, answers no BGP: bgpd's own
# table is what is checked).
lab_sed "$LAB_FRR_DIR/vm-bgpd-teredo.conf" "$T/vm.bgpd.conf" \
    AS=$LAB_AS ROUTER_ID=198.18.6.10 SPEAKER4=198.18.6.20 \
    SPEAKER6=2001:db8:100::1 TEREDO4=198.18.6.1 || fail "bgpd config"
lab_frr_start vm "$T/vm.bgpd.conf" || fail "FRR did not start"

start_teredod() {	# extra config lines...
	local l
	{
		cat <<EOC
BindAddress 198.18.6.1
BindPort 3544
InterfaceName teredo
NativeAddress 2001:db8:7::1
ControlSocket $T/teredod.sock
StateFile ""
User ""
EOC
		for l in "$@"; do echo "$l"; done
	} >"$T/teredod.conf"
	rm -f "$T/teredod.sock"
	ns_bg vm "$BUILD/teredod" -f -c "$T/teredod.conf"
	TEREDOD=$NS_LAST_PID
	wait_until 5 test -S "$T/teredod.sock" || fail "teredod did not start"
}

start_glue() {	# extra config lines...
	local l
	{
		cat <<EOC
ControlSocket $T/g.sock
RelayControlSocket $T/teredod.sock
ZservPath $(lab_frr_dir vm)/zserv.api
ZapiProfile frr8
RouteType table
User ""
Prefix 2001::/32
Prefix 198.18.6.1/32
CheckIntervalMs 200
CheckTimeoutMs 100
ProbeMode teredo
ProbeSource4 198.18.6.2
ProbeTarget4 198.18.6.1
ProbeReturn6 2001:db8:7::1
ProbeIntervalMs 200
ProbeTimeoutMs 100
ProbeRise 2
ProbeFall 2
EOC
		for l in "$@"; do echo "$l"; done
	} >"$T/g.conf"
	rm -f "$T/g.sock"
	ns_bg vm "$BUILD/bgpglue" -f -c "$T/g.conf"
	GLUE=$NS_LAST_PID
	wait_until 5 test -S "$T/g.sock" || fail "no bgpglue control socket"
}

stop() {	# pid: ours, started above
	kill "$1"
	wait_until 5 sh -c "! kill -0 $1 2>/dev/null" || fail "pid $1 did not exit"
}

st() { "$BUILD/relayctl" -s "$T/g.sock" status; }
tstat() {	# teredod status/stats key
	{ "$BUILD/relayctl" -s "$T/teredod.sock" stats
	  "$BUILD/relayctl" -s "$T/teredod.sock" status; } 2>/dev/null |
	    awk -v k="$1" '$1 == k {print $2; exit}'
}
tdbg() {	# teredod's non-zero counters, for failure messages
	{ "$BUILD/relayctl" -s "$T/teredod.sock" stats
	  "$BUILD/relayctl" -s "$T/teredod.sock" status; } 2>/dev/null |
	    awk '$2 != "0" && $1 ~ /bubble|drop|^in[46]_frames|^out4_(sent|kernel)|state/ {printf "%s=%s ", $1, $2}'
}
bgp_has() {	# prefix: in bgpd's table, sourced from bgpglue through zebra
	lab_vtysh vm -c "show bgp ipv6 unicast $1" | grep -q 'Paths: (1 available'
}
wait_announce() {	# announced|withdrawn seconds what
	wait_until "$2" sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *$1\$'" ||
	    fail "$3: expected announce $1, got: $(st | grep -E '^(announce|reason|check)'); teredod: $(tdbg)"
	if [ "$1" = announced ]; then
		wait_until "$2" bgp_has 2001::/32 ||
		    fail "$3: announced, but 2001::/32 not in bgpd: $(lab_vtysh vm -c 'show bgp ipv6 unicast')"
	else
		wait_until "$2" sh -c "! vtysh -N '$(ns_name vm)' -c 'show bgp ipv6 unicast 2001::/32' 2>/dev/null | grep -q 'Paths: (1 available'" ||
		    fail "$3: withdrawn, but 2001::/32 still in bgpd"
	fi
}
check_is() {	# check-name up|down
	st | grep -q "^check_$1 *$2 " ||
	    fail "expected check_$1 $2, got: $(st | grep "^check_$1 ")"
}

# --- Input kernel: the probes go through teredod's socket and TUN.
start_teredod
start_glue
wait_announce announced 5 "both probes through teredod"
check_is probe up
check_is probe_c2n up
bub=$(tstat bubbles_sent)
[ "${bub:-0}" -ge 2 ] || fail "teredod sent ${bub:-0} bubbles"
c2n=$(tstat rx_forwarded)
[ "${c2n:-0}" -ge 2 ] || fail "teredod forwarded ${c2n:-0} client->native probes"
pass "both directions through teredod: n2c $(st | sed -n 's/^probe  *//p'); c2n $(st | sed -n 's/^probe_c2n  *//p'); teredod bubbles_sent $bub rx_forwarded $c2n"

ns_exec vm ip -6 route del 2001::/32 dev teredo table 46
wait_announce withdrawn 5 "native->client cut (no route into the TUN)"
check_is relay up
check_is probe down
pass "native->client cut: withdrawn ($(st | sed -n 's/^reason *//p'))"
ns_exec vm ip -6 route add 2001::/32 dev teredo table 46
wait_announce announced 5 "native->client repaired"
pass "native->client repaired: announced again"

# What teredod writes to its TUN (client->native) dropped before the
# kernel forwards or delivers it; bubbles and native->client still flow.
ns_exec vm nft -f - <<'EON' || fail "nft cut"
table inet jfcut {
	chain pre { type filter hook prerouting priority -300;
		iifname "teredo" ip6 saddr 2001::/32 counter drop; }
}
EON
wait_announce withdrawn 5 "client->native cut (teredod's TUN output dropped)"
check_is relay up
check_is probe up
check_is probe_c2n down
pass "client->native cut, native->client fine: withdrawn ($(st | sed -n 's/^reason *//p'))"
ns_exec vm nft delete table inet jfcut
wait_announce announced 5 "client->native repaired"
pass "client->native repaired: announced again"
stop "$GLUE"
stop "$TEREDOD"

# --- Input packet + Output packet: teredod's rings on eth0, the ingress
# drop rules of docs/teredod.md, the probes injected on eth0; its output
# goes to gw by pktout, and gw routes the bubble (to 198.18.6.2) and the
# native packet (to 2001:db8:7::1) back to vm.  The TUN route stays: it
# is the way a locally sent probe would take, and must not count.
ns_router gw
ns_exec gw sysctl -qw net.ipv4.conf.all.send_redirects=0
# The bubble comes back from gw with teredod's BindAddress, a local
# address, as its source: without accept_local the kernel drops it as a
# martian (docs/bgpglue.md, Output packet).
ns_exec vm sysctl -qw net.ipv4.conf.all.accept_local=1
packet_link() {
	ns_link vm eth0 gw eth0 || fail "veth"
	ns_exec vm ip addr add 198.18.6.10/24 dev eth0
	ns_exec vm ip -6 addr add 2001:db8:66::10/64 dev eth0 nodad
	ns_exec vm ip route add default via 198.18.6.20
	ns_exec vm ip -6 route add default via 2001:db8:66::20
	ns_exec gw ip addr add 198.18.6.20/24 dev eth0
	ns_exec gw ip -6 addr add 2001:db8:66::20/64 dev eth0 nodad
	ns_exec gw ip route add 198.18.6.2/32 via 198.18.6.10
	ns_exec gw ip -6 route add 2001:db8:7::1/128 via 2001:db8:66::10
	ns_exec vm nft -f - <<-'EON' || fail "nft ingress drop rules"
	table netdev jfteredo {
		chain in { type filter hook ingress device "eth0" priority -500;
			meta pkttype host ip daddr 198.18.6.1 udp dport 3544 ip frag-off & 0x3fff == 0 drop;
			meta pkttype host ip6 daddr 2001::/32 drop; }
	}
	EON
	lab_probe_turnaround vm eth0 || fail "tc turn-around on eth0"
	# The answers to the probes are local, so nothing else would
	# resolve the gateways pktout sends to: a real VM's traffic does.
	wait_until 5 ns_exec vm ping -c1 -W1 198.18.6.20 >/dev/null ||
	    fail "gw unreachable"
	wait_until 5 ns_exec vm ping -6 -c1 -W1 2001:db8:66::20 >/dev/null ||
	    fail "gw unreachable (IPv6)"
}
packet_link
start_teredod "Input packet" "InputInterface eth0" "Output packet" "OutputInterface eth0"
start_glue "ProbeInterface4 eth0" "ProbeInterface6 eth0"
wait_announce announced 5 "both probes through teredod's rings"
check_is probe up
check_is probe_c2n up
in4=$(tstat in4_frames)
in6=$(tstat in6_frames)
[ "${in4:-0}" -ge 2 ] && [ "${in6:-0}" -ge 2 ] ||
    fail "probes not seen by the rings: in4_frames ${in4:-0} in6_frames ${in6:-0}"
# The first answers take the kernel path until pktout's next hops are
# resolved (once a second): wait for answers through pktout, still up.
# One pktout for both families (same interface): its counters are out4_*;
# once both next hops are usable, both directions' answers leave by it
# (but the once-a-second kick per family).
pktout_used() {
	[ "$(tstat out4_nexthop_usable)" = 1 ] &&
	    [ "$(tstat out6_nexthop_usable)" = 1 ] &&
	    [ "$(tstat out4_sent)" -ge 2 ]
}
wait_until 10 pktout_used ||
    fail "probes not answered through pktout: $("$BUILD/relayctl" -s "$T/teredod.sock" status | grep -E '^out' | tr '\n' ' ')"
n2c_ok=$(st | awk '$1 == "probe" {print $3}')
c2n_ok=$(st | awk '$1 == "probe_c2n" {print $3}')
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | awk '\$1 == \"probe\" && \$3 != \"$n2c_ok\" {a=1} \$1 == \"probe_c2n\" && \$3 != \"$c2n_ok\" {b=1} END {exit !(a && b)}'" ||
    fail "no probe answered after pktout took over: $(st | grep -E '^(check_)?probe')"
wait_announce announced 5 "answers through pktout"
out4=$(tstat out4_sent)
pass "Input packet + Output packet: both probes through the rings (in4_frames $in4, in6_frames $in6) and back through pktout (out4_sent $out4)"

# Replace eth0: the rings are left on the old link.
ns_exec vm nft delete table netdev jfteredo
ns_exec vm ip link del eth0
packet_link
# Withdrawn, and for the right reason once the new eth0 is there: the
# probes leave (no send error) and nothing comes back.
probe_lost() {
	st | grep -q '^check_probe  *down .*why=no probe packet back' &&
	    st | grep -q '^check_probe_c2n  *down .*why=no probe packet back'
}
wait_until 5 probe_lost ||
    fail "teredod's rings dead (eth0 replaced): expected both probes lost, got: $(st | grep -E '^(announce|reason|check)')"
st | grep -q '^announce *withdrawn$' || fail "rings dead, still $(st | grep '^announce')"
check_is relay up
tx=$(tstat tx_packets)
ns_exec vm /usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"x", ("2001:0:c612:602:0:f227:39f9:fdfd", 9))' ||
    fail "send into the TUN"
wait_until 5 sh -c "[ \"\$('$BUILD/relayctl' -s '$T/teredod.sock' stats | awk '\$1 == \"tx_packets\" {print \$2}')\" -gt $tx ]" ||
    fail "teredod's TUN path should still work (tx_packets $tx)"
pass "rings dead, TUN path alive: withdrawn ($(st | grep '^check_probe_c2n '))"

# A restarted teredod opens its rings on the new eth0.
stop "$TEREDOD"
start_teredod "Input packet" "InputInterface eth0" "Output packet" "OutputInterface eth0"
wait_announce announced 10 "teredod restarted on the new eth0"
pass "teredod restarted: announced again"
exit 0
