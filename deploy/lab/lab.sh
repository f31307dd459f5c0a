#!/bin/bash
# The whole justforward design on one machine, in network namespaces.
#
#	lab.sh [run]	bring the lab up, run every demo step, tear it down
#	KEEP=1 lab.sh	... and leave it up (labctl NODE ... to look inside)
#	lab.sh up	only bring it up and wait for convergence
#	lab.sh down	remove a lab left up
#	lab.sh status	the lab's namespaces and daemons
#
# Topology: deploy/lab/topo.sh.  Daemons: deploy/lab/nodes.sh.  Steps:
# deploy/lab/steps.sh.  LAB_PFX (default jflab) names the namespaces
# "$LAB_PFX-<node>"; tests use their own prefix.  Exit status: 0 when
# every step passed.  Everything stays inside namespaces this script
# creates, with documentation/test addresses; nothing is linked to the
# root namespace.
set -u
LAB_TOP=$(cd "$(dirname "$0")/../.." && pwd)
export LAB_TOP
. "$LAB_TOP/deploy/lab/lib.sh"
. "$LAB_TOP/deploy/lab/topo.sh"
. "$LAB_TOP/deploy/lab/nodes.sh"
. "$LAB_TOP/deploy/lab/steps.sh"
KEEP=${KEEP:-0}
[ -n "$KEEP" ] || KEEP=0
cmd=${1:-run}

if [ "$(id -u)" -ne 0 ]; then
	echo "lab: run as root (sudo make demo)" >&2
	exit 1
fi

case $cmd in
down)
	if lab_is_up; then
		lab_down
		echo "lab: $LAB_PFX down"
	else
		echo "lab: no lab $LAB_PFX up"
	fi
	exit 0 ;;
status)
	lab_status
	exit 0 ;;
up|run) ;;
*)	echo "usage: $0 [run|up|down|status]" >&2; exit 2 ;;
esac

if lab_is_up; then
	echo "lab: a lab $LAB_PFX is already up ($(lab_namespaces | wc -l) namespaces, $LAB_DIR); remove it first: make demo-down" >&2
	exit 1
fi

# Teardown on exit unless the lab is to stay up.
lab_exit() {
	local rc=$?
	set +e
	if [ "$LAB_KEEP_NOW" = 1 ]; then
		exit "$rc"
	fi
	if [ "$rc" -ne 0 ] && [ "${LAB_LOGS_ON_FAIL:-1}" = 1 ]; then
		lab_show_logs
	fi
	lab_down
	exit "$rc"
}
LAB_KEEP_NOW=0
trap lab_exit EXIT
trap 'exit 130' INT TERM

lab_state_init || exit 1
[ "$cmd" = up ] && KEEP=1
lab_main
rc=$?
if [ "$KEEP" = 1 ]; then
	LAB_KEEP_NOW=1
	echo "lab: left up (namespaces $LAB_PFX-*, state and logs in $LAB_DIR)"
	echo "lab: look inside:  deploy/lab/labctl spk vtysh -c 'show bgp ipv4 unicast'"
	echo "lab:               deploy/lab/labctl vm1 relayctl stats"
	echo "lab:               deploy/lab/labctl site ping -6 $LAB_V6"
	echo "lab: remove it:    make demo-down"
fi
exit $rc
