#!/bin/bash
# make bench: runs every tests/bench/*.sh row script (this file excepted)
# and prints one table of relay figures next to the baselines measured in
# the same run.  Speed is only ever reported as such a ratio: absolute
# rates move by 15% or more between runs on the shared 2-core machine.
#
# Row-script contract (as root, each script builds and removes its own
# namespaces with tests/lib/netns.sh and should take under ~6 minutes (timeout 10)):
#   - print one line per measured row, tab separated:
#	ROW <tab> bench <tab> row name <tab> value <tab> baseline <tab> unit <tab> note
#     value and baseline are plain numbers in unit (e.g. kpps, Gbit/s);
#     baseline is what the reference (the kernel, Miredo, ...) did on the
#     same path in the same run, or "-" when there is none; note is free
#     text (relay CPU, loss, ...).  run.sh computes the ratio.
#   - anything else it prints goes to its log (shown on failure);
#   - exit non-zero when it could not measure (missing binary, setup
#     failure): the table then says FAILED for that script, and make bench
#     exits non-zero.
# BENCH_FILTER=pattern runs only the matching row scripts.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD TOP="$top"
logdir=$(mktemp -d /tmp/jf-bench.XXXXXX)
rows=$logdir/rows.tsv
: >"$rows"
failed=""
load0=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: run as root (sudo make bench)" >&2
	exit 1
fi

for s in "$top"/tests/bench/*.sh; do
	name=$(basename "$s" .sh)
	[ "$name" = run ] && continue
	case $name in *${BENCH_FILTER:-}*) ;; *) continue ;; esac
	start=$(date +%s)
	echo "bench: $name ..." >&2
	if timeout -k 5 600 bash "$s" >"$logdir/$name.out" 2>"$logdir/$name.log"; then
		st=ok
	else
		st=FAILED; failed="$failed $name"
	fi
	grep '^ROW	' "$logdir/$name.out" >>"$rows"
	grep -v '^ROW	' "$logdir/$name.out" >>"$logdir/$name.log"
	echo "bench: $name $st in $(( $(date +%s) - start ))s (log $logdir/$name.log)" >&2
	if [ "$st" = FAILED ]; then
		sed 's/^/    | /' "$logdir/$name.log" | tail -n 30 >&2
	fi
done

# The machine is shared: say how busy it was, since that moves everything.
echo "bench: $(nproc) CPUs; load average before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)"
# The table: one line per row, ratio = value / baseline.
awk -F '\t' '
BEGIN {
	printf "%-8s %-34s %12s %12s %-8s %7s  %s\n", "bench", "row",
	    "value", "baseline", "unit", "ratio", "note"
	printf "%-8s %-34s %12s %12s %-8s %7s  %s\n", "-----", "---",
	    "-----", "--------", "----", "-----", "----"
}
{
	ratio = "-"
	if ($5 != "-" && $5 + 0 > 0)
		ratio = sprintf("%.2fx", $4 / $5)
	printf "%-8s %-34s %12s %12s %-8s %7s  %s\n", $2, $3, $4, $5, $6,
	    ratio, $7
}' "$rows"
[ -n "$failed" ] && echo "bench: FAILED:$failed (logs in $logdir)"
echo "bench: logs in $logdir"
[ -z "$failed" ]
