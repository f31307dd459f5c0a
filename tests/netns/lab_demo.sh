#!/bin/bash
# The demo's own checks (`sudo make demo`, deploy/lab/lab.sh) in make check:
# the whole design (IX peer, speaker, 5 relay VMs with FRR, relays and
# bgpglue, 6to4 site, Miredo client behind NAT, miredo-server) comes up,
# converges, shows the IX peer exactly the speaker's aggregates (no /32,
# 192.88.99.0/24 only while a relay4to6 lives: docs/speaker.md), carries
# ping and TCP on every path, survives a relay kill and a drain, and shows
# its counters.  Any failed step fails this test.
# Its own namespace prefix (jflab<pid>) keeps it away from a lab the user
# left up with KEEP=1; afterwards none of its namespaces may remain.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
export BUILD
export LAB_PFX="jflab$$" LAB_DIR="/run/jflab$$"
rc=0
KEEP=0 timeout -k 5 240 bash "$TOP/deploy/lab/lab.sh" run || rc=$?
left=$(ip netns list | awk -v p="$LAB_PFX-" 'index($1, p) == 1 { print $1 }')
if [ -n "$left" ]; then
	echo "FAIL: namespaces left behind: $left"
	exit 1
fi
[ ! -e "$LAB_DIR" ] || { echo "FAIL: $LAB_DIR left behind"; exit 1; }
[ $rc -eq 0 ] || { echo "FAIL: lab.sh exited $rc"; exit 1; }
echo "ok: every demo step passed; lab removed"
