#!/bin/bash
# `sudo make demo`: the whole justforward design on one machine, in
# network namespaces: an IX peer (the IPv4 and IPv6 Internets, FRR), the
# relay AS's eBGP speaker (FRR), five relay VMs each with zebra, bgpd, one
# relay and its bgpglue (2 relay4to6 on the anycast 192.88.99.1, 2
# relay6to4 with their own 192.88.99.X, 1 teredod), a 6to4 site, a native
# IPv6 host, and a real Teredo client (miredo) behind an nftables NAT with
# its miredo-server.  It converges, then shows, step by step with a mark
# and the time each step took: the speaker's BGP table, ping and TCP on
# every path, a relay failover, a drain, a data-path cut, the counters.
#
#	deploy/lab/demo.sh		bring it up, run every step, tear down
#	KEEP=1 deploy/lab/demo.sh	... and leave it up; then look inside:
#					deploy/lab/labctl NODE relayctl|vtysh|shell
#	deploy/lab/demo.sh down		remove a lab left up (make demo-down)
#
# The work is done by deploy/lab/lab.sh (topo.sh, nodes.sh, steps.sh);
# tests/netns/lab_demo.sh runs the same steps in make check.  The first
# demo (the 6to4 pair alone, tests/lib/topo6to4.sh) lives on as
# tests/netns/6to4_pair.sh and the bench topology.
set -u
here=$(cd "$(dirname "$0")" && pwd)

# A lab left up by the first demo (6to4 pair) recorded itself in this
# file: its daemons (killed only if the PID still runs the recorded
# program) and its namespaces.
old_state=/run/justforward-lab.state
old_down() {
	local kind a b
	[ -f "$old_state" ] || return 0
	while read -r kind a b; do
		[ "$kind" = pid ] && [ -r "/proc/$a/comm" ] &&
		    [ "$(cat "/proc/$a/comm")" = "$b" ] && kill "$a" 2>/dev/null
	done <"$old_state"
	sleep 0.3
	while read -r kind a b; do
		case $kind in
		netns) ip netns del "$a" 2>/dev/null ;;
		dir) case $a in /tmp/jf-test.*) rm -rf "$a" ;; esac ;;
		esac
	done <"$old_state"
	rm -f "$old_state"
	echo "demo: removed the 6to4-pair lab left up earlier"
}

case ${1:-run} in
down)	old_down; exec bash "$here/lab.sh" down ;;
run|up|status) exec bash "$here/lab.sh" "${1:-run}" ;;
*)	echo "usage: $0 [run|down|up|status]" >&2; exit 2 ;;
esac
