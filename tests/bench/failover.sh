#!/bin/bash
# make bench row: how long from a relay's death (kill -9) to the withdrawal
# of its path from the speaker's kernel FIB, through bgpglue, zebra, bgpd
# and iBGP (tests/netns/bgpglue_lab.inc: real FRR 8.4, two relay VMs,
# ECMP).  Baseline, measured in the same run on the same VM and speaker:
# FRR's own floor, the deletion of a kernel route that bgpd redistributes
# (no bgpglue involved).  Times are taken from `ip -ts monitor route` in
# the speaker against the clock read just before the kill/delete.
# Rows: median and max over RUNS (default 12) of each.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../netns/bgpglue_lab.inc"
RUNS=${RUNS:-12}
ANY=192.88.99.1/32
BOTH="198.18.0.11 198.18.0.12"
for b in bgpglue relay4to6 relayctl; do
	[ -x "$BUILD/$b" ] || { echo "$BUILD/$b not built" >&2; exit 1; }
done

LAB_BGPD_EXTRA='ip prefix-list FLOOR4 seq 10 permit 198.18.2.0/24 le 32
route-map FLOOR4 permit 10
 match ip address prefix-list FLOOR4
router bgp 65001
 address-family ipv4 unicast
  redistribute kernel route-map FLOOR4
 exit-address-family'
lab_namespaces || exit 1
lab_addresses
lab_frr || exit 1
for i in $LAB_VMS; do lab_start_relay "$i" || exit 1; done
for i in $LAB_VMS; do lab_start_glue "$i" || exit 1; done
wait_until 20 lab_fib_has $ANY "$BOTH" || { echo "no ECMP" >&2; exit 1; }
ns_bg spk ip -ts monitor route
MON=$T/$(ns_name spk).ip.log
sleep 0.5

# first_event LINE_NO REGEX T0: ms from T0 (epoch s.ns) to the first
# monitor line after LINE_NO that matches REGEX.
first_event() {
	tail -n +"$(( $1 + 1 ))" "$MON" | grep -m1 -E "$2" |
	    /usr/bin/python3 -c '
import sys, datetime
l = sys.stdin.readline()
ts = l[1:l.index("]")]
t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f")
t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
print("%.1f" % ((t - float(sys.argv[1])) * 1000))' "$3"
}
lines() { wc -l <"$MON"; }

floor=() glue=()
for r in $(seq "$RUNS"); do
	# FRR floor: a kernel route on vm1, redistributed, then deleted.
	ns_exec vm1 ip route add blackhole 198.18.2.11/32
	wait_until 10 lab_fib_has 198.18.2.11/32 198.18.0.11 || exit 1
	sleep 0.3
	n=$(lines); t0=$(date +%s.%N)
	ns_exec vm1 ip route del blackhole 198.18.2.11/32
	wait_until 10 sh -c "! ip -n $(ns_name spk) route show 198.18.2.11/32 | grep -q ." || exit 1
	sleep 0.1
	floor+=("$(first_event "$n" '198\.18\.2\.11' "$t0")")

	# bgpglue: kill the relay; its path leaves the ECMP set.
	n=$(lines); t0=$(date +%s.%N)
	kill -9 "${LAB_RELAY_PID[1]}"
	wait_until 10 lab_fib_has $ANY 198.18.0.12 || exit 1
	sleep 0.1
	glue+=("$(first_event "$n" '192\.88\.99\.1 ' "$t0")")
	lab_start_relay 1 || exit 1
	wait_until 20 lab_fib_has $ANY "$BOTH" || exit 1
	sleep 0.3
	echo "run $r: floor ${floor[-1]} ms, bgpglue ${glue[-1]} ms"
done

stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {
	m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
	printf "%.1f %.1f\n", m, a[NR] }'; }
read -r gmed gmax < <(stats "${glue[@]}")
read -r fmed fmax < <(stats "${floor[@]}")
diff=$(awk -v a="$gmed" -v b="$fmed" 'BEGIN { printf "%+.1f", a - b }')
printf 'ROW\tfailover\trelay kill -> speaker FIB (median)\t%s\t%s\tms\t%s runs; %s ms vs the FRR floor (kernel route delete); interval %s ms\n' \
    "$gmed" "$fmed" "$RUNS" "$diff" "$LAB_INTERVAL"
printf 'ROW\tfailover\trelay kill -> speaker FIB (max)\t%s\t%s\tms\t%s runs\n' \
    "$gmax" "$fmax" "$RUNS"
