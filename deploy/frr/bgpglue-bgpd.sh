#!/bin/sh
# bgpglue's hooks for the one case zebra cannot handle: zebra is gone, so
# bgpd keeps announcing what zebra last gave it, and the relay fails.
#
#   ZebraLostCommand  bgpglue-bgpd.sh shut   PATHSPACE AS PEER...
#   ZebraBackCommand  bgpglue-bgpd.sh unshut PATHSPACE AS PEER... \
#                         -- RELAYCTL GLUESOCK
#
# shut: "neighbor PEER shutdown" for the iBGP sessions to the speaker, so
# the speaker drops this VM's paths at once (a Cease, not a hold timer).
# unshut: once zebra is back, wait until bgpd has reconnected to it (FRR's
# zclient retries every ~10 s), have bgpglue resync (bgpd keeps the routes
# of the dead zebra; an ADD+DELETE of each withdrawn prefix clears them,
# and cannot leak while the sessions are shut), then bring the sessions
# back.  PATHSPACE is FRR's -N name ("-": none).  Needs vtysh access:
# root, or user frr (bgpglue's User).
set -u
[ $# -ge 4 ] || { echo "usage: $0 shut|unshut PATHSPACE AS PEER..." >&2; exit 2; }
op=$1 ps=$2 as=$3
shift 3
if [ "$ps" = - ]; then nsopt=""; else nsopt="-N $ps"; fi
no=""
case $op in
shut) ;;
unshut)
	no="no "
	i=0
	# shellcheck disable=SC2086
	until vtysh $nsopt -d zebra -c 'show zebra client summary' 2>/dev/null |
	    grep -q '^bgp '; do
		i=$((i + 1))
		[ $i -le 900 ] || { echo "$0: bgpd not back on zebra" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.5 ;;
*)	echo "$0: unknown operation $op" >&2; exit 2 ;;
esac
cmds=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	cmds="$cmds -c '${no}neighbor $1 shutdown'"
	shift
done
if [ "$op" = unshut ] && [ $# -ge 3 ]; then
	"$2" -s "$3" resync >/dev/null || echo "$0: resync failed" >&2
	sleep 0.3
fi
# shellcheck disable=SC2086
eval vtysh $nsopt -d bgpd -c "'conf t'" -c "'router bgp $as'" $cmds 2>&1 |
    grep -v "^% Can't open configuration file"
exit 0
