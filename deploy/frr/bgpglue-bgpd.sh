#!/bin/sh
# bgpglue's hooks for what zebra cannot do while it is gone or restarting
# (FRR 8.4, measured in tests/netns/bgpglue_drain.sh):
#  - with zebra dead, bgpd keeps announcing what zebra last gave it;
#  - after zebra returns, bgpd neither drops those routes nor registers its
#    "redistribute table" with the new zebra again, so bgpglue's later
#    announcements and withdrawals would not reach it.
#
#   ZebraLostCommand  bgpglue-bgpd.sh shut PATHSPACE AS PEER...
#   ZebraBackCommand  bgpglue-bgpd.sh back PATHSPACE AS PEER... \
#                         -- RELAYCTL GLUESOCK
#
# shut: "neighbor PEER shutdown" for the iBGP sessions to the speaker, so
#   the speaker drops this VM's paths at once (a Cease, not a hold timer).
# back: wait until bgpd has reconnected to zebra (FRR's zclient retries
#   every ~10 s); re-apply every "redistribute table" line of bgpd's
#   running config (no + again: registers it with the new zebra); have
#   bgpglue resync (its withdrawn prefixes are added then deleted, which
#   makes bgpd drop its stale copies; while shut this cannot leak); then
#   "no neighbor PEER shutdown" (a no-op if they were not shut).
# PATHSPACE is FRR's -N name ("-": none).  Needs vtysh access: root, or
# user frr (bgpglue's User).  With watchfrr, a zebra death restarts bgpd
# too, which also clears bgpd's state; the hooks cover the window before
# and setups without watchfrr.
set -u
[ $# -ge 4 ] || { echo "usage: $0 shut|back PATHSPACE AS PEER... [-- RELAYCTL SOCK]" >&2; exit 2; }
op=$1 ps=$2 as=$3
shift 3
if [ "$ps" = - ]; then nsopt=""; else nsopt="-N $ps"; fi

vty() {	# daemon, then vtysh -c arguments (already quoted)
	d=$1
	shift
	# shellcheck disable=SC2086
	eval vtysh $nsopt -d "$d" "$@" 2>&1 |
	    grep -v "^% Can't open configuration file"
}

peers=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	peers="$peers $1"
	shift
done
[ $# -gt 0 ] && shift	# --
relayctl=${1:-}
gluesock=${2:-}

case $op in
shut)
	cmds=""
	for p in $peers; do cmds="$cmds -c 'neighbor $p shutdown'"; done
	vty bgpd -c "'conf t'" -c "'router bgp $as'" $cmds ;;
back)
	i=0
	until vty zebra -c "'show zebra client summary'" | grep -q '^bgp '; do
		i=$((i + 1))
		[ $i -le 900 ] || { echo "$0: bgpd not back on zebra" >&2; exit 1; }
		sleep 0.1
	done
	sleep 1
	# "address-family X" and "redistribute table ..." lines of our AS.
	cmds=$(vty bgpd -c "'show running-config'" | awk -v as="$as" '
	    $1 == "router" && $2 == "bgp" { inbgp = ($3 == as); next }
	    inbgp && $1 == "address-family" { af = $0; next }
	    inbgp && $1 == "exit-address-family" { af = ""; next }
	    inbgp && $1 == "redistribute" && $2 == "table" && af != "" {
		sub(/^ +/, "", af); line = $0; sub(/^ +/, "", line)
		printf " -c %c%s%c -c %cno %s%c -c %c%s%c -c %cexit-address-family%c",
		    39, af, 39, 39, line, 39, 39, line, 39, 39, 39
	    }
	    /^!/ && !/^ / { }')
	[ -n "$cmds" ] && vty bgpd -c "'conf t'" -c "'router bgp $as'" $cmds
	if [ -n "$relayctl" ] && [ -n "$gluesock" ]; then
		# Twice: the first may race bgpd's new registration.
		for t in 1 0.3; do
			"$relayctl" -s "$gluesock" resync >/dev/null ||
			    echo "$0: resync failed" >&2
			sleep $t
		done
	fi
	cmds=""
	for p in $peers; do cmds="$cmds -c 'no neighbor $p shutdown'"; done
	vty bgpd -c "'conf t'" -c "'router bgp $as'" $cmds ;;
*)	echo "$0: unknown operation $op" >&2; exit 2 ;;
esac
exit 0
