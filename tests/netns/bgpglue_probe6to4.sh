#!/bin/bash
# bgpglue's 6to4 data-plane probe against the real relay6to4 in one
# namespace: native IPv6 UDP to 2002:<our IPv4>::1 goes into the relay's
# TUN, comes back encapsulated in protocol 41 to our IPv4, and bgpglue
# sees its nonce.  The relay keeps answering "status" while its data path
# is cut (no route into the TUN): the probe alone must withdraw.  No FRR
# here: the decision (announce state) is what is checked.  Also: the
# privilege split (the health process runs as nobody without
# capabilities, the announcer runs as frr without any either), and both
# under their seccomp filters.
set -u
. "$(dirname "$0")/../lib/netns.sh"
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
wait_until 5 ns_exec vm ip link show dev r64tun || fail "no r64tun"
ns_exec vm ip link set r64tun up
ns_exec vm ip -6 route add 2002::/16 dev r64tun table 46
ns_exec vm ip -6 rule add to 2002::/16 lookup 46 pref 100
wait_until 5 test -S "$T/r64.sock" || fail "no relay control socket"
# The announcer (frr) reaches the relay's socket here: $T passable.
chmod 711 "$T"
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
[ "$(uid "$ANN")" = "$(id -u frr)" ] || fail "announcer uid $(uid "$ANN")"
[ "$(capeff "$ANN")" = 0000000000000000 ] || fail "announcer caps $(capeff "$ANN")"
pass "privilege split: health uid nobody, announcer uid frr, no caps in either"
assert_sandboxed "$GLUE" "bgpglue health process"
assert_sandboxed "$ANN" "bgpglue announcer"
ns_exec vm ip -6 route del 2002::/16 dev r64tun table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *withdrawn'" ||
    fail "data path cut, still $(st | grep announce)"
st | grep -q '^check_relay *up' || fail "relay check should stay up"
pass "data path cut: withdrawn ($(st | sed -n 's/^reason *//p'))"
ns_exec vm ip -6 route add 2002::/16 dev r64tun table 46
wait_until 5 sh -c "'$BUILD/relayctl' -s '$T/g.sock' status | grep -q '^announce *announced'" ||
    fail "repaired, still $(st | grep announce)"
pass "data path repaired: announced again"
exit 0
