#!/bin/sh
# Runs every test tier and prints one closing line "checks: N passed, N failed".
# Usage: run-all.sh [unit|config|build|fuzz|netns|analyze]...   (default: unit config build fuzz netns)
# Tiers: unit (Check programs under $BUILD/tests/unit), config (golden files),
# build (the whole tree again with clang into $BUILD-clang), fuzz (builds
# tests/fuzz/*.c into $BUILD-fuzz, runs each FUZZ_TIME seconds, default 10),
# netns (tests/netns/*.sh, as root, each creates and removes its namespaces).
# Not run by default: analyze (make analyze, the clang static analyzer).
# NETNS_FILTER=pattern runs only matching netns tests.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD TOP="$top"
tiers=${*:-unit config build fuzz netns}
MAKE=${MAKE:-make}
pass=0 fail=0 failed=""
log=$(mktemp -d /tmp/jf-check.XXXXXX)

run_one() {	# name, command...
	name=$1; shift
	start=$(date +%s)
	if "$@" >"$log/$(echo "$name" | tr '/' '_').log" 2>&1; then
		pass=$((pass + 1)); st=PASS
	else
		fail=$((fail + 1)); st=FAIL; failed="$failed $name"
	fi
	printf '%-4s %-40s %3ss\n' "$st" "$name" "$(( $(date +%s) - start ))"
	if [ "$st" = FAIL ]; then
		# The reason first (a test's FAIL: line comes before the logs
		# its trap prints), then the tail.
		grep -m 5 '^FAIL' "$log/$(echo "$name" | tr '/' '_').log" |
		    sed 's/^/    ! /'
		sed 's/^/    | /' "$log/$(echo "$name" | tr '/' '_').log" | tail -n 40
	fi
}

for tier in $tiers; do
	case $tier in
	unit)
		for t in "$BUILD"/tests/unit/*_test; do
			[ -x "$t" ] || continue
			run_one "unit/$(basename "$t")" env CK_DEFAULT_TIMEOUT=20 "$t"
		done ;;
	config)
		for t in "$top"/tests/config/*.sh; do
			[ -f "$t" ] || continue
			run_one "config/$(basename "$t" .sh)" sh "$t"
		done ;;
	build)
		run_one "build/clang" $MAKE -C "$top" --no-print-directory -j2 \
		    BUILD="$BUILD" clang ;;
	analyze)
		run_one "analyze" $MAKE -C "$top" --no-print-directory \
		    BUILD="$BUILD" analyze ;;
	fuzz)
		run_one "fuzz/build" $MAKE -C "$top" --no-print-directory -j2 \
		    BUILD="$BUILD" fuzz
		for t in "$BUILD"-fuzz/tests/fuzz/*; do
			[ -x "$t" ] && [ -f "$t" ] || continue
			run_one "fuzz/$(basename "$t")" sh "$top/tests/lib/fuzz.sh" "$t"
		done ;;
	netns)
		for t in "$top"/tests/netns/*.sh; do
			[ -f "$t" ] || continue
			case $(basename "$t") in *${NETNS_FILTER:-}*) ;; *) continue ;; esac
			run_one "netns/$(basename "$t" .sh)" timeout -k 5 300 bash "$t"
		done ;;
	esac
done
echo "logs in $log"
[ -n "$failed" ] && echo "failed:$failed"
echo "checks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
