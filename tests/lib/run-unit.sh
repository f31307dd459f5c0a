#!/bin/sh
# Runs the given Check unit-test programs (make unit).
set -u
rc=0
for t in "$@"; do
	echo "== $t"
	"$t" || rc=1
done
exit $rc
