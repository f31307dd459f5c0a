#!/bin/bash
# `sudo make demo`: the justforward lab in network namespaces.
#
#	deploy/lab/demo.sh		build the lab, run every step, tear down
#	KEEP=1 deploy/lab/demo.sh	... and leave the lab up afterwards
#	deploy/lab/demo.sh down		remove a lab left up with KEEP=1
#
# Structure (grow it by adding topologies and steps, not by editing them):
#   1. the topology comes from tests/lib/topo6to4.sh (6to4 site, IPv4
#      Internet router, relay4to6, relay6to4, native IPv6 host);
#   2. steps: each one is a shell function run by `step "title" fn`, which
#      prints ✔ or ✘ with its duration; a failed step fails the demo
#      (exit 1) but later steps still run, so one sees everything;
#   3. teardown by netns.sh's EXIT trap, unless KEEP=1: then the namespace
#      names and daemon PIDs are written to $LAB_STATE for `down`.
# Everything happens inside namespaces this script creates, with
# documentation addresses; nothing is linked to the root namespace.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
LAB_STATE=${LAB_STATE:-/run/justforward-lab.state}
KEEP=${KEEP:-0}
[ -n "$KEEP" ] || KEEP=0

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (sudo make demo)" >&2
	exit 1
fi

# down: kill the recorded daemons (only if the PID still runs the recorded
# program) and delete the recorded namespaces.
lab_down() {
	local kind a b
	if [ ! -f "$LAB_STATE" ]; then
		echo "demo: no lab left up ($LAB_STATE missing)"
		return 0
	fi
	while read -r kind a b; do
		case $kind in
		pid)
			if [ -r "/proc/$a/comm" ] &&
			    [ "$(cat "/proc/$a/comm")" = "$b" ]; then
				kill "$a" 2>/dev/null
			fi ;;
		esac
	done <"$LAB_STATE"
	sleep 0.3
	while read -r kind a b; do
		case $kind in
		netns) ip netns del "$a" 2>/dev/null && echo "demo: removed netns $a" ;;
		dir) case $a in /tmp/jf-test.*) rm -rf "$a" ;; esac ;;
		esac
	done <"$LAB_STATE"
	rm -f "$LAB_STATE"
	echo "demo: lab down"
}

if [ "${1:-}" = down ]; then
	lab_down
	exit 0
fi
if [ -f "$LAB_STATE" ]; then
	echo "demo: a lab is already up (see $LAB_STATE); run: $0 down" >&2
	exit 1
fi

[ "$KEEP" = 1 ] && KEEP_T=1
. "$TOP/tests/lib/netns.sh"
. "$TOP/tests/lib/topo6to4.sh"
TCPCHECK=$TOP/tests/tools/tcpcheck.py
BYTES=$((16 * 1024 * 1024))
OK_MARK="✔"
FAIL_MARK="✘"
STEPS_FAILED=0

# step "title" fn args...: run fn; the last line of its output is the
# step's result, shown after the mark; on failure its output is shown
# indented.  Lines a step wants shown in full go to
# $T/step.show (printed under the mark).  No extra fds: daemons started
# by a step would inherit them and hold the caller's pipe open.
step() {
	local title=$1 t0 t1 rc out
	shift
	t0=$(now_ms)
	# Not in a subshell: steps start daemons and set variables (PIDs,
	# namespaces) that teardown needs.
	: >"$T/step.show"
	"$@" >"$T/step.out" 2>&1
	rc=$?
	t1=$(now_ms)
	out=$(cat "$T/step.out")
	if [ $rc -eq 0 ]; then
		printf '%s %-44s %6.2fs  %s\n' "$OK_MARK" "$title" \
		    "$(awk -v ms=$((t1 - t0)) 'BEGIN { print ms / 1000 }')" \
		    "$(echo "$out" | tail -n 1)"
		sed 's/^/      /' "$T/step.show"
	else
		STEPS_FAILED=$((STEPS_FAILED + 1))
		printf '%s %-44s %6.2fs  FAILED\n' "$FAIL_MARK" "$title" \
		    "$(awk -v ms=$((t1 - t0)) 'BEGIN { print ms / 1000 }')"
		echo "$out" | tail -n 15 | sed 's/^/      | /'
	fi
	return $rc
}

# ---- steps ---------------------------------------------------------------

st_binaries() {
	local b
	for b in relay4to6 relay6to4 tests/tools/sixtofour_host; do
		[ -x "$BUILD/$b" ] || { echo "$BUILD/$b missing (make all tools)"; return 1; }
	done
	[ -x "$BUILD/relayctl" ] && echo "relays, sixtofour_host, relayctl in $BUILD" ||
	    echo "relays, sixtofour_host in $BUILD (no relayctl: raw ctl replies)"
}

st_topology() {
	topo6to4_up || return 1
	echo "namespaces $(ns_name site) inet r46 r64 v6; relays pid $TOPO_R46_PID, $TOPO_R64_PID"
}

st_first_packet() {
	wait_until 10 ns_exec site ping -6 -c 1 -W 1 $TOPO_V6 ||
	    { echo "no reply from $TOPO_V6 within 10 s"; return 1; }
	echo "$TOPO_SITE6 reaches $TOPO_V6"
}

st_ping() {	# from_ns to_addr
	local out
	out=$(ns_exec "$1" ping -6 -c 10 -i 0.1 -W 2 "$2") || { echo "$out"; return 1; }
	echo "$out" | awk -F '[/ ]+' '/^rtt/ { printf "10/10 replies, RTT min/avg/max %s/%s/%s ms\n", $7, $8, $9 }
	    / packet loss/ && !/ 0% packet loss/ { bad = 1; print } END { exit bad }'
}

st_tcp() {	# client_ns server_ns server_addr port
	local srv out
	ns_bg "$2" /usr/bin/python3 "$TCPCHECK" server "$3" "$4" 30
	srv=$NS_LAST_PID
	wait_until 5 sh -c "ip netns exec $(ns_name "$2") ss -Hltn | grep -q ':$4 '" ||
	    { echo "server did not listen"; return 1; }
	out=$(ns_exec "$1" timeout 40 /usr/bin/python3 "$TCPCHECK" client \
	    "$3" "$4" $BYTES 30) || { echo "$out"; return 1; }
	wait "$srv" || { echo "server failed"; return 1; }
	echo "$out" | awk '{ printf "%d MiB, sha256 verified, %.0f Mbit/s\n", $2 / 1048576, $(NF - 1) }'
}

st_counters() {	# name sock
	local out
	out=$(topo6to4_ctl "$2" stats) || { echo "$out"; return 1; }
	echo "$out" | awk 'NF == 2 && $2 != 0 { printf "%-28s %s\n", $1, $2 }' \
	    >"$T/step.show"
	echo "$out" | awk '$1 == "forwarded" { f = $2 } $1 ~ /^drop_/ { d += $2 }
	    END { printf "forwarded %d, drops %d\n", f, d }'
}

# ---- main ----------------------------------------------------------------

echo "justforward lab: 6to4 relay pair (build $BUILD)"
step "binaries built" st_binaries || exit 1
step "topology up (5 namespaces, 2 relays, site)" st_topology || exit 1
step "site reaches native host" st_first_packet
step "ping -6 site -> native (relay4to6 out)" st_ping site $TOPO_V6
step "ping -6 native -> site (relay6to4 out)" st_ping v6 $TOPO_SITE6
step "TCP site -> native (data via relay4to6)" st_tcp site v6 $TOPO_V6 5001
step "TCP native -> site (data via relay6to4)" st_tcp v6 site $TOPO_SITE6 5002
step "relay4to6 counters" st_counters relay4to6 "$TOPO_R46_CTL"
step "relay6to4 counters" st_counters relay6to4 "$TOPO_R64_CTL"

if [ "$KEEP" = 1 ]; then
	{
		for n in "${_ns_list[@]}"; do echo "netns $n"; done
		for p in "${_ns_pids[@]}"; do
			[ -r "/proc/$p/comm" ] && echo "pid $p $(cat "/proc/$p/comm")"
		done
		echo "dir $T"
	} >"$LAB_STATE"
	trap - EXIT
	echo "demo: lab left up (KEEP=1); logs in $T; remove with: $0 down"
	echo "demo: try: ip netns exec $(ns_name site) ping -6 $TOPO_V6"
else
	t0=$(now_ms)
	trap - EXIT
	(ns_cleanup) >/dev/null 2>&1
	printf '%s %-44s %6.2fs\n' "$OK_MARK" "teardown" \
	    "$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN { print ms / 1000 }')"
fi
if [ $STEPS_FAILED -ne 0 ]; then
	echo "demo: $STEPS_FAILED step(s) failed"
	exit 1
fi
echo "demo: all steps passed"
