#!/bin/sh
# Run one libFuzzer harness for a bounded time (the "fuzz" tier of
# run-all.sh).  Usage: fuzz.sh BINARY.  Seeds come from
# tests/fuzz/corpus/NAME/ (read only); new inputs go to a scratch corpus.
# On a crash the reproducer is kept and its path printed:
#   BINARY /tmp/jf-fuzz-NAME.XXXXXX/crash-...
# FUZZ_TIME=seconds (default 10).
set -u
bin=$1
name=$(basename "$bin")
top=$(cd "$(dirname "$0")/../.." && pwd)
seeds=$top/tests/fuzz/corpus/$name
work=$(mktemp -d "/tmp/jf-fuzz-$name.XXXXXX")
mkdir -p "$work/corpus"
set -- "$work/corpus"
[ -d "$seeds" ] && set -- "$@" "$seeds"
"$bin" -max_total_time="${FUZZ_TIME:-10}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" "$@" 2>"$work/log"
rc=$?
tail -n 20 "$work/log"
if [ "$rc" -ne 0 ]; then
	echo "fuzz: $name failed (exit $rc); reproducer(s) kept in $work:"
	ls "$work" | grep -v '^corpus$\|^log$' | sed "s|^|    $bin $work/|"
	exit 1
fi
rm -rf "$work"
exit 0
