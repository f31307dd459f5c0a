#!/bin/bash
# bgpglue's Teredo data-plane probe against the real teredod in one
# namespace: native IPv6 to a Teredo address whose server (and client) is
# bgpglue's own IPv4 address makes teredod send its indirect bubble to
# that "server", i.e. to bgpglue on 3544, which sees the bubble addressed
# to this probe's Teredo address.  Control socket fine, data path cut (no
# route into teredod's TUN): the probe alone withdraws.  No FRR here.
set -u
. "$(dirname "$0")/../lib/netns.sh"
for b in bgpglue teredod relayctl; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
ns_new vm
ns_exec vm ip addr add 198.18.6.1/32 dev lo	# teredod
ns_exec vm ip addr add 198.18.6.2/32 dev lo	# bgpglue's probe
ns_exec vm ip -6 addr add 2001:db8:7::1/128 dev lo nodad
ns_exec vm ip tuntap add mode tun name teredo
ns_exec vm ip link set teredo addrgenmode none
ns_exec vm ip link set teredo up
ns_exec vm ip -6 route add 2001::/32 dev teredo table 46
ns_exec vm ip -6 rule add to 2001::/32 lookup 46 pref 100
cat >"$T/teredod.conf" <<EOC
BindAddress 198.18.6.1
BindPort 3544
InterfaceName teredo
NativeAddress 2001:db8:7::1
ControlSocket $T/teredod.sock
StateFile ""
User ""
EOC
ns_bg vm "$BUILD/teredod" -f -c "$T/teredod.conf"
wait_until 5 test -S "$T/teredod.sock" || fail "teredod did not start"
# The announcer (frr) reaches the relay's socket here: $T passable.
chmod 711 "$T"
cat >"$T/g.conf" <<EOC
ControlSocket $T/g.sock
RelayControlSocket $T/teredod.sock
ZservPath $T/no-zebra-here.api
Prefix 2001::/32
Prefix 198.18.6.1/32
CheckIntervalMs 200
CheckTimeoutMs 100
ProbeMode teredo
ProbeSource4 198.18.6.2
ProbeReturn6 2001:db8:7::1
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
bub=$("$BUILD/relayctl" -s "$T/teredod.sock" stats | awk '$1 == "bubbles_sent" {print $2}')
[ "${bub:-0}" -ge 2 ] || fail "teredod sent ${bub:-0} bubbles"
pass "probe through teredod: $(st | sed -n 's/^probe *//p'), teredod bubbles_sent $bub"
ns_exec vm ip -6 route del 2001::/32 dev teredo table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *withdrawn'" ||
    fail "data path cut, still $(st | grep announce)"
st | grep -q '^check_relay *up' || fail "relay check should stay up"
pass "data path cut: withdrawn ($(st | sed -n 's/^reason *//p'))"
ns_exec vm ip -6 route add 2001::/32 dev teredo table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *announced'" ||
    fail "repaired, still $(st | grep announce)"
pass "data path repaired: announced again"
exit 0
