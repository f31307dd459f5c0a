#!/bin/bash
# bgpglue with Debian's real FRR: a speaker and two relay VMs announcing
# the same anycast prefix (tests/netns/bgpglue_lab.inc).  At the speaker:
#   1. both VMs' paths appear after rise, ECMP in the kernel FIB, and a
#      6to4 site reaches a native host through the relays;
#   2. kill -9 the relay that carries the site's flow: its path leaves the
#      speaker's FIB and the flow continues through the other VM;
#   3. the relay returns: its path returns;
#   4. kill -9 bgpglue: the path leaves (zebra's cleanup of its routes);
#      bgpglue restarts: the path returns; kill -9 its announcer process
#      (the one on zebra's socket): same;
#   5. SIGSTOP the relay: the path leaves after fall x interval, not at
#      once; SIGCONT: it returns;
#   6. the relay runs and answers "status", but its data path is broken
#      (no route into its TUN): the probe, a real protocol-41 packet sent
#      through the relay, fails and the path leaves; repaired: returns.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/bgpglue_lab.inc"

for b in bgpglue relay4to6 relay6to4 relayctl tests/tools/sixtofour_host; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] || fail "FRR not installed"

ANY=192.88.99.1/32
BOTH="198.18.0.11 198.18.0.12"
lab_up || fail "lab setup"

# 1. Rise, ECMP, data path.
wait_until 15 lab_fib_has $ANY "$BOTH" ||
    fail "ECMP for $ANY at the speaker: got '$(lab_fib_nh $ANY)'"
pass "speaker FIB: $ANY via $(lab_fib_nh $ANY)"
for i in $LAB_VMS; do
	wait_until 5 lab_fib_has 198.18.1.1$i/32 198.18.0.1$i ||
	    fail "unicast 198.18.1.1$i/32 not announced by vm$i"
	st=$(lab_ctl "${LAB_GLUE_CTL[$i]}" status) || fail "vm$i: bgpglue status"
	echo "$st" | grep -q '^announce *announced$' || fail "vm$i: not announced"
	ok_run=$(echo "$st" | sed -n 's/^check_relay *up ok_run=\([0-9]*\).*/\1/p')
	[ "${ok_run:-0}" -ge "$LAB_RISE" ] || fail "vm$i: announced before rise"
	echo "$st" | grep -q '^route .*prefix=192.88.99.1/32 tag=6024 installed=yes' ||
	    fail "vm$i: zebra did not confirm 192.88.99.1/32"
done
pass "both VMs announce after rise $LAB_RISE, zebra confirmed installation"
wait_until 10 ns_exec site ping -6 -c 1 -W 1 2001:db8:6::6 ||
    fail "site -> native host through the relays"
pass "6to4 site reaches 2001:db8:6::6 through the anycast relays"
# Both of bgpglue's processes run under their seccomp filters, and the
# announcer runs as frr without capabilities (it needs only zserv.api).
ann=$(awk '{print $1}' /proc/"${LAB_GLUE_PID[1]}"/task/"${LAB_GLUE_PID[1]}"/children)
assert_sandboxed "${LAB_GLUE_PID[1]}" "bgpglue vm1 health process"
assert_sandboxed "$ann" "bgpglue vm1 announcer"
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$ann/status")
caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$ann/status")
[ "$uid" = "$(id -u frr)" ] && [ "$caps" = 0000000000000000 ] ||
    fail "announcer runs as uid $uid with capabilities $caps, not frr with none"
pass "announcer runs as frr with no capabilities"
assert_sandboxed "${LAB_RELAY_PID[1]}" "relay4to6 vm1"

fwd() { lab_ctl "$T/vm$1.r46.sock" stats | awk '$1 == "forwarded" {print $2}'; }

# 2. Which VM carries the flow?  (The speaker hashes the one flow to one.)
a1=$(fwd 1); a2=$(fwd 2)
ns_exec site ping -6 -c 5 -i 0.05 -W 1 2001:db8:6::6 >/dev/null
b1=$(fwd 1); b2=$(fwd 2)
if [ $((b1 - a1)) -ge 5 ]; then A=1; B=2; elif [ $((b2 - a2)) -ge 5 ]; then A=2; B=1
else fail "no relay forwarded the site's pings ($a1->$b1, $a2->$b2)"; fi
pass "the site's flow goes through vm$A"

ns_exec site ping -6 -c 200 -i 0.03 -W 1 2001:db8:6::6 >"$T/ping.out" 2>&1 &
PING=$!
sleep 1
fb=$(fwd $B)
t0=$(now_ms)
kill -9 "${LAB_RELAY_PID[$A]}"
wait_until 5 lab_fib_has $ANY 198.18.0.1$B ||
    fail "vm$A's path still at the speaker: '$(lab_fib_nh $ANY)'"
dt=$(( $(now_ms) - t0 ))
pass "relay vm$A killed: its path left the speaker's FIB after ${dt} ms"
wait "$PING"
got=$(grep -c 'bytes from' "$T/ping.out")
last=$(grep -o 'icmp_seq=[0-9]*' "$T/ping.out" | tail -n 1 | cut -d= -f2)
lost=$((200 - got))
[ "${last:-0}" -ge 195 ] || fail "flow did not survive: last reply seq ${last:-none}"
[ "$lost" -le 40 ] || fail "flow lost $lost of 200 packets"
fa=$(fwd $B)
[ $((fa - fb)) -ge 100 ] || fail "vm$B forwarded only $((fa - fb)) packets after the kill"
pass "flow kept going through vm$B: $got/200 replies, $((fa - fb)) forwarded by vm$B"
st=$(lab_ctl "${LAB_GLUE_CTL[$A]}" status)
want='unhealthy: relay control socket closed (relay exited)'
echo "$st" | grep -qE "^reason +unhealthy: relay control socket closed \(relay exited\)$" ||
    fail "vm$A: expected 'reason $want', got '$(echo "$st" | grep '^reason')'"
pass "vm$A bgpglue: $(echo "$st" | grep '^reason')"

# 3. The relay returns.
lab_start_relay $A || fail "restart relay vm$A"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "vm$A's path did not return"
pass "relay vm$A back: ECMP again"

# 4. kill -9 bgpglue.
t0=$(now_ms)
kill -9 "${LAB_GLUE_PID[$A]}"
wait_until 5 lab_fib_has $ANY 198.18.0.1$B ||
    fail "bgpglue vm$A killed, path still there: '$(lab_fib_nh $ANY)'"
pass "bgpglue vm$A killed: path left after $(( $(now_ms) - t0 )) ms"
lab_start_glue $A || fail "restart bgpglue vm$A"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "path did not return with bgpglue"
pass "bgpglue vm$A back: ECMP again"
ann=$(awk '{print $1}' /proc/"${LAB_GLUE_PID[$A]}"/task/"${LAB_GLUE_PID[$A]}"/children)
[ -n "$ann" ] || fail "no announcer under bgpglue vm$A"
t0=$(now_ms)
kill -9 "$ann"
wait_until 5 lab_fib_has $ANY 198.18.0.1$B ||
    fail "announcer killed, path still there: '$(lab_fib_nh $ANY)'"
pass "bgpglue vm$A announcer killed: path left after $(( $(now_ms) - t0 )) ms"
wait_until 5 sh -c "! kill -0 ${LAB_GLUE_PID[$A]} 2>/dev/null" ||
    fail "health process outlived its announcer"
lab_start_glue $A || fail "restart bgpglue vm$A"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "path did not return with bgpglue"
pass "bgpglue vm$A back again: ECMP again"

# 5. SIGSTOP the relay: the control socket stays open, replies stop.
t0=$(now_ms)
kill -STOP "${LAB_RELAY_PID[$A]}"
wait_until 10 lab_fib_has $ANY 198.18.0.1$B || {
	kill -CONT "${LAB_RELAY_PID[$A]}"; fail "stopped relay's path stayed"; }
dt=$(( $(now_ms) - t0 ))
# Read the reason while the relay is still stopped: once it runs again
# bgpglue may re-announce, and the reason moves on.
st=$(lab_ctl "${LAB_GLUE_CTL[$A]}" status)
kill -CONT "${LAB_RELAY_PID[$A]}"
min=$(( (LAB_FALL - 1) * LAB_INTERVAL ))
[ "$dt" -ge "$min" ] || fail "withdrawn after $dt ms, before fall x interval ($min ms)"
# The relay check and the probe run on the same interval and fall: which
# one withdraws first is a race, and either is the stopped relay.
echo "$st" | grep -qE '^reason +unhealthy: (no status reply within|still no status reply|no probe packet back within)' ||
    fail "vm$A: expected a status-reply or probe timeout as the reason, got '$(echo "$st" | grep '^reason')'"
pass "relay vm$A stopped: path left after ${dt} ms (fall $LAB_FALL x ${LAB_INTERVAL} ms; $(echo "$st" | sed -n 's/^reason *//p'))"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "path did not return after SIGCONT"
pass "relay vm$A continued: ECMP again"
# 6. Data plane broken, control plane fine.
t0=$(now_ms)
ns_exec vm$A ip route del 192.88.99.1/32 dev r46tun table 46
wait_until 10 lab_fib_has $ANY 198.18.0.1$B ||
    fail "broken data path, path stayed: '$(lab_fib_nh $ANY)'"
dt=$(( $(now_ms) - t0 ))
st=$(lab_ctl "${LAB_GLUE_CTL[$A]}" status)
echo "$st" | grep -q '^check_relay *up' || fail "relay check should still be up"
echo "$st" | grep -q '^check_probe *down' || fail "probe check should be down"
pass "vm$A data path broken: probe failed, path left after ${dt} ms ($(echo "$st" | sed -n 's/^reason *//p'))"
ns_exec vm$A ip route replace 192.88.99.1/32 dev r46tun table 46
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "path did not return after repair"
pass "vm$A data path repaired: ECMP again"
grep -c ' -> ' "$T"/*vm$A.bgpglue.log | sed 's/^/state changes logged: /'
exit 0
