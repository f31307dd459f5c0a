#!/bin/sh
# Golden-config tests for every daemon D (a directory with main.c):
#   tests/config/D/NAME.in   `D -n -c NAME.in` must exit 0 and print NAME.ok
#                            exactly; that output must read back unchanged
#   tests/config/D/NAME.bad  `D -n -c NAME.bad` must fail, and its stderr
#                            must contain the first line of NAME.err
#                            ("tests/config/D/NAME.bad:LINE: Key: why")
#   deploy/**/D*.conf        shipped examples must parse, and round-trip
# Runs from the top of the tree so paths in messages are relative.
# Usage: run.sh [daemon...]  (default: all); BUILD=dir (default build).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
tmp=$(mktemp -d /tmp/jf-config.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok   $*"; }
nok() { fail=$((fail + 1)); echo "FAIL $*"; }

# Print the normalized config, print that again: both must be identical.
round_trip() {	# bin, file, label
	"$1" -n -c "$2" >"$tmp/once" 2>"$tmp/err1" || {
		nok "$3: -n failed: $(head -n 1 "$tmp/err1")"; return; }
	"$1" -n -c "$tmp/once" >"$tmp/twice" 2>"$tmp/err2" || {
		nok "$3: printed config does not parse: $(head -n 1 "$tmp/err2")"
		return; }
	if cmp -s "$tmp/once" "$tmp/twice"; then
		ok "$3: round trip"
	else
		nok "$3: round trip differs"
		diff -u "$tmp/once" "$tmp/twice" | sed 's/^/    /'
	fi
}

if [ $# -gt 0 ]; then
	daemons="$*"
else
	daemons=$(for m in */main.c; do [ -f "$m" ] && dirname "$m"; done)
fi
for d in $daemons; do
	bin=$BUILD/$d
	has_tests=0
	for f in tests/config/"$d"/*.in tests/config/"$d"/*.bad \
	    $(find deploy -name "$d*.conf" 2>/dev/null | sort); do
		[ -f "$f" ] && has_tests=1
	done
	[ "$has_tests" -eq 1 ] || continue
	if ! [ -x "$bin" ]; then
		nok "$d: $bin not built"
		continue
	fi
	for in in tests/config/"$d"/*.in; do
		[ -f "$in" ] || continue
		okf=${in%.in}.ok
		if ! [ -f "$okf" ]; then
			nok "$in: no $okf"
			continue
		fi
		if ! "$bin" -n -c "$in" >"$tmp/out" 2>"$tmp/err"; then
			nok "$in: exit $?: $(head -n 1 "$tmp/err")"
			continue
		fi
		if diff -u "$okf" "$tmp/out" >"$tmp/diff"; then
			ok "$in"
		else
			nok "$in: output differs from $okf"
			sed 's/^/    /' "$tmp/diff"
		fi
		round_trip "$bin" "$in" "$in"
	done
	for bad in tests/config/"$d"/*.bad; do
		[ -f "$bad" ] || continue
		errf=${bad%.bad}.err
		if ! [ -s "$errf" ]; then
			nok "$bad: no $errf"
			continue
		fi
		want=$(head -n 1 "$errf")
		if "$bin" -n -c "$bad" >"$tmp/out" 2>"$tmp/err"; then
			nok "$bad: accepted (want: $want)"
			continue
		fi
		if grep -qF -- "$want" "$tmp/err"; then
			ok "$bad"
		else
			nok "$bad: wrong message"
			echo "    want: $want"
			sed 's/^/    got:  /' "$tmp/err"
		fi
	done
	for conf in $(find deploy -name "$d*.conf" 2>/dev/null | sort); do
		if "$bin" -n -c "$conf" >/dev/null 2>"$tmp/err"; then
			ok "$conf"
		else
			nok "$conf: $(head -n 1 "$tmp/err")"
			continue
		fi
		round_trip "$bin" "$conf" "$conf"
	done
done
echo "config: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
