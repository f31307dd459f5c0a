#!/bin/bash
# bgpglue drain and zebra loss, with Debian's real FRR (bgpglue_lab.inc):
#   1. `relayctl drain`: vm1's path reaches the speaker with the
#      GRACEFUL_SHUTDOWN community and local-preference 0 (from the shipped
#      route-maps), leaves the FIB's ECMP set, and is withdrawn after the
#      drain time; `undrain` brings it back;
#      when every VM drains, the last path stays usable at the speaker and
#      the eBGP peer keeps 192.88.99.0/24 (never a /32);
#   2. a drain file with an expiry drains, and the expiry undrains;
#   3. zebra killed, then the relay fails: the path still leaves the
#      speaker (ZebraLostCommand shuts the iBGP sessions); zebra returns:
#      ZebraBackCommand re-registers bgpd's redistribution and purges its
#      stale copy (resync) before the sessions come back, so the dead
#      relay stays withdrawn; the relay returns: announced; it dies again:
#      withdrawn (bgpd hears zebra again).
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/bgpglue_lab.inc"

for b in bgpglue relay4to6 relay6to4 relayctl tests/tools/sixtofour_host; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
done
[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] || fail "FRR not installed"

ANY=192.88.99.1/32
BOTH="198.18.0.11 198.18.0.12"
LAB_DRAIN_MS=3000
lab_namespaces || fail "namespaces"
lab_addresses
lab_frr || fail "frr"
for i in $LAB_VMS; do lab_start_relay "$i" || fail "relay vm$i"; done
lab_start_r64 || fail r64
lab_start_site || fail site
lab_start_ext || fail "ext bgpd"
mapfile -t HOOKS < <(lab_hooks 1)
lab_start_glue 1 "${HOOKS[@]}" || fail "bgpglue vm1"
lab_start_glue 2 || fail "bgpglue vm2"
wait_until 15 lab_fib_has $ANY "$BOTH" ||
    fail "ECMP for $ANY at the speaker: got '$(lab_fib_nh $ANY)'"
pass "speaker FIB: $ANY via $(lab_fib_nh $ANY)"

# spk_path NEXTHOP: "present lp=N comm=STRING" or "absent".
spk_path() {
	lab_vtysh spk -c "show bgp ipv4 unicast $ANY json" |
	    /usr/bin/python3 -c '
import json, sys
nh = sys.argv[1]
try:
    d = json.load(sys.stdin)
except ValueError:
    print("absent"); sys.exit(0)
for p in d.get("paths", []):
    ips = [n.get("ip") for n in p.get("nexthops", [])]
    if nh in ips or p.get("peer", {}).get("peerId") == nh:
        lp = p.get("locPrf", p.get("localpref", 100))
        c = p.get("community", {}).get("string", "")
        print("present lp=%s comm=%s" % (lp, c or "-"))
        sys.exit(0)
print("absent")' "$1"
}

# 1. Drain through the control socket.
lab_ctl "${LAB_GLUE_CTL[1]}" drain >"$T/drain.out" || fail "relayctl drain"
grep -q '^announce *draining' "$T/drain.out" || fail "drain: $(cat "$T/drain.out")"
t0=$(now_ms)
wait_until 5 sh -c "[ \"\$($(declare -f spk_path lab_vtysh ns_name); NS_PFX=$NS_PFX ANY=$ANY spk_path 198.18.0.11)\" = 'present lp=0 comm=graceful-shutdown' ]" ||
    fail "drained path at the speaker: $(spk_path 198.18.0.11)"
pass "draining: vm1's path at the speaker: $(spk_path 198.18.0.11)"
wait_until 5 lab_fib_has $ANY 198.18.0.12 ||
    fail "drained path still in the ECMP set: '$(lab_fib_nh $ANY)'"
pass "draining: speaker FIB uses vm2 only"
[ "$(spk_path 198.18.0.12)" = "present lp=100 comm=-" ] ||
    fail "vm2's path changed: $(spk_path 198.18.0.12)"
wait_until 10 sh -c "[ \"\$($(declare -f spk_path lab_vtysh ns_name); NS_PFX=$NS_PFX ANY=$ANY spk_path 198.18.0.11)\" = absent ]" ||
    fail "drained path not withdrawn: $(spk_path 198.18.0.11)"
dt=$(( $(now_ms) - t0 ))
[ "$dt" -ge $((LAB_DRAIN_MS - 500)) ] || fail "withdrawn after $dt ms, before the drain time"
pass "drained: vm1's path withdrawn after ${dt} ms (DrainTimeMs $LAB_DRAIN_MS)"
st=$(lab_ctl "${LAB_GLUE_CTL[1]}" status)
echo "$st" | grep -q '^announce *drained$' || fail "status: $(echo "$st" | grep announce)"
echo "$st" | grep -q '^reason *drain time elapsed' || fail "reason not shown"
# Last VM draining too: its path is still the best one, community and all.
# The eBGP peer gets no /32 (deploy/frr/speaker-bgpd.conf, docs/speaker.md):
# it keeps the speaker's 192.88.99.0/24 while a VM announces 192.88.99.1/32,
# draining or not.
AGG=192.88.99.0/24
ext_show() { lab_vtysh r64 -c "show bgp ipv4 unicast $AGG"; }
wait_until 10 sh -c "vtysh -N $(ns_name r64) -c 'show bgp ipv4 unicast $AGG' 2>/dev/null | grep -q '65001'" ||
    fail "eBGP peer did not get $AGG from the speaker"
lab_ctl "${LAB_GLUE_CTL[2]}" drain >/dev/null || fail "relayctl drain vm2"
wait_until 5 sh -c "[ \"\$($(declare -f spk_path lab_vtysh ns_name); NS_PFX=$NS_PFX ANY=$ANY spk_path 198.18.0.12)\" = 'present lp=0 comm=graceful-shutdown' ]" ||
    fail "last draining path at the speaker: $(spk_path 198.18.0.12)"
ext_show | grep -q '65001' || fail "eBGP peer lost $AGG while a VM still announces $ANY: $(ext_show)"
lab_vtysh r64 -c "show bgp ipv4 unicast json" | grep -q '/32"' &&
    fail "eBGP peer got a /32: $(lab_vtysh r64 -c 'show bgp ipv4 unicast')"
pass "last VM draining: its path stays (lp 0, GRACEFUL_SHUTDOWN); the eBGP peer keeps $AGG, no /32"
lab_ctl "${LAB_GLUE_CTL[2]}" undrain >/dev/null || fail "relayctl undrain vm2"
lab_ctl "${LAB_GLUE_CTL[1]}" undrain >/dev/null || fail "relayctl undrain"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "undrain: path did not return"
[ "$(spk_path 198.18.0.11)" = "present lp=100 comm=-" ] ||
    fail "undrained path: $(spk_path 198.18.0.11)"
pass "undrained: ECMP again, plain path"

# 2. Drain file with an expiry 3 s ahead.
echo "$(( $(date +%s) + 3 ))" >"$T/vm1.drain"
wait_until 5 lab_fib_has $ANY 198.18.0.12 || fail "drain file did not drain"
lab_ctl "${LAB_GLUE_CTL[1]}" status | grep -q '^drain_file *yes drain file until' ||
    fail "drain file not shown in status"
pass "drain file: vm1 draining ($(spk_path 198.18.0.11))"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "expired drain file still drains"
lab_ctl "${LAB_GLUE_CTL[1]}" status | grep -q '^drain_file *no drain file expired' ||
    fail "expiry not shown in status"
pass "drain file expired: ECMP again"
rm -f "$T/vm1.drain"

# 3. zebra dies, then the relay: only bgpd can withdraw now.
kill -9 "${LAB_ZEBRA_PID[vm1]}"
sleep 1
lab_fib_has $ANY "$BOTH" || fail "zebra's death alone changed the speaker"
t0=$(now_ms)
kill -9 "${LAB_RELAY_PID[1]}"
wait_until 5 lab_fib_has $ANY 198.18.0.12 ||
    fail "relay died while zebra was down: path still there: '$(lab_fib_nh $ANY)'"
pass "zebra down + relay killed: path left after $(( $(now_ms) - t0 )) ms (ZebraLostCommand)"
lab_zebra_restart vm1
# The back hook waits for bgpd to reconnect to zebra (~10 s), resyncs,
# then re-enables the sessions; the relay is still dead meanwhile.
wait_until 40 grep -q 'resync: wanted routes re-sent, withdrawn' "$T"/*vm1.bgpglue.log ||
    fail "no resync after zebra came back"
wait_until 10 sh -c "vtysh -N $(ns_name vm1) -d bgpd -c 'show bgp ipv4 unicast summary' 2>/dev/null | grep -E '^198\.18\.0\.1 .* [0-9]+ +[0-9]+ +N/A'" ||
    fail "iBGP session not re-established"
sleep 1
lab_fib_has $ANY 198.18.0.12 ||
    fail "dead relay re-announced after zebra returned: '$(lab_fib_nh $ANY)'"
lab_vtysh vm1 -c "show bgp ipv4 unicast $ANY" | grep -q 'Network not in table' ||
    fail "vm1's bgpd kept a stale $ANY: $(lab_vtysh vm1 -c "show bgp ipv4 unicast $ANY")"
[ "$(spk_path 198.18.0.11)" = absent ] ||
    fail "stale path at the speaker: $(spk_path 198.18.0.11)"
pass "zebra back, sessions up again, dead relay still withdrawn (stale copy purged)"
lab_start_relay 1 || fail "restart relay vm1"
wait_until 10 lab_fib_has $ANY "$BOTH" || fail "relay back: path did not return"
lab_ctl "${LAB_GLUE_CTL[1]}" status | grep -q '^announce *announced$' ||
    fail "relay back but bgpglue not announcing"
pass "relay back: ECMP again"
t0=$(now_ms)
kill -9 "${LAB_RELAY_PID[1]}"
wait_until 5 lab_fib_has $ANY 198.18.0.12 ||
    fail "withdrawal after zebra's return: '$(lab_fib_nh $ANY)'"
pass "relay killed again: path left after $(( $(now_ms) - t0 )) ms"
exit 0
