#!/bin/sh
# Documentation and deployment files (config tier of make check):
#   - every man page under man/ passes `mandoc -T lint -W warning` silently;
#   - every program has its man page, every daemon its systemd unit
#     deploy/systemd/<daemon>@.service, and every configuration key of
#     every daemon is documented in justforward.conf(5);
#   - every unit passes `systemd-analyze verify` silently (offline: no
#     running systemd needed; ExecStart paths point at $BUILD's binaries)
#     and keeps `systemd-analyze security --offline` exposure <= 3.0,
#     is Type=notify with WatchdogSec and Restart=on-failure, and the
#     bgpglue unit is ordered after its relay and zebra.
# Usage: man.sh; BUILD=dir (default build).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
tmp=$(mktemp -d /tmp/jf-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
nok() { fail=$((fail + 1)); echo "FAIL $*"; }

command -v mandoc >/dev/null || { nok "mandoc not installed (make deps)"; exit 1; }
command -v systemd-analyze >/dev/null ||
    { nok "systemd-analyze not installed (make deps)"; exit 1; }

# ---- man pages ---------------------------------------------------------------
for m in man/*.[1-9]; do
	[ -f "$m" ] || { nok "no man pages under man/"; break; }
	if mandoc -T lint -W warning "$m" >"$tmp/lint" 2>&1 && [ ! -s "$tmp/lint" ]; then
		ok "$m: mandoc lint clean"
	else
		nok "$m: $(head -n 3 "$tmp/lint")"
	fi
done

daemons=""
for d in */main.c; do
	p=${d%/main.c}
	[ -f "man/$p.8" ] && ok "$p: man/$p.8" || nok "$p: no man/$p.8"
	grep -q daemon_opts_parse "$d" && daemons="$daemons $p"
done
[ -n "$daemons" ] || nok "no daemon found (*/main.c calling daemon_opts_parse)"

# Every key of every daemon's table (K("Key", ...) / E("Key", ...) in its
# non-main sources) has its ".It Cm Key" entry in justforward.conf(5).
for p in $daemons; do
	keys=$(cat $(ls "$p"/*.c | grep -v /main.c) |
	    sed -n 's/^[[:space:]]*[KE]("\([A-Za-z0-9_]*\)".*/\1/p' | sort -u)
	[ -n "$keys" ] || { nok "$p: no config keys found in its sources"; continue; }
	missing=""
	for k in $keys; do
		grep -q "^\.It Cm $k Ar " man/justforward.conf.5 ||
		    missing="$missing $k"
	done
	[ -z "$missing" ] && ok "$p: all $(echo $keys | wc -w) keys in justforward.conf(5)" ||
	    nok "$p: keys missing from man/justforward.conf.5:$missing"
done

# ---- systemd units -------------------------------------------------------------
for p in $daemons; do
	u=deploy/systemd/$p@.service
	[ -f "$u" ] || { nok "$p: no $u"; continue; }
	[ -x "$BUILD/$p" ] || { nok "$u: $BUILD/$p not built"; continue; }
	for want in '^Type=notify$' '^WatchdogSec=' '^Restart=on-failure$' \
	    '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' \
	    '^CapabilityBoundingSet=' '^RestrictAddressFamilies='; do
		grep -q "$want" "$u" || nok "$u: no line matching $want"
	done
	# Installed units name $(PREFIX)/sbin and share/justforward; verify
	# against this build and tree.
	sed -e "s|/usr/local/sbin/|$BUILD/|g" \
	    -e "s|/usr/local/share/justforward/|$top/deploy/systemd/|g" \
	    "$u" >"$tmp/$p@.service"
	for man in $(sed -n 's/^Documentation=//p' "$u"); do
		case $man in
		man:*) f=$(echo "$man" | sed 's/^man:\(.*\)(\([0-9]\))$/man\/\1.\2/')
		       [ -f "$f" ] || nok "$u: Documentation $man: no $f" ;;
		esac
	done
	if (cd "$tmp" && systemd-analyze verify --man=no "$p@check.service") \
	    >"$tmp/verify" 2>&1 && [ ! -s "$tmp/verify" ]; then
		ok "$u: systemd-analyze verify clean"
	else
		nok "$u: systemd-analyze verify: $(head -n 3 "$tmp/verify")"
	fi
	# The sandbox may not loosen: exposure 3.0 at most ("OK"; 2.4-2.5
	# when written).
	if (cd "$tmp" && systemd-analyze security --offline=yes \
	    --threshold=30 "$p@check.service") >"$tmp/sec" 2>&1; then
		ok "$u: $(tail -n 1 "$tmp/sec" | sed 's/.*exposure level for [^:]*: //')"
	else
		nok "$u: systemd-analyze security: $(tail -n 1 "$tmp/sec")"
	fi
done
u=deploy/systemd/bgpglue@.service
if [ -f "$u" ]; then
	for r in relay4to6 relay6to4 teredod; do
		grep -q "^After=.*$r@%i.service" "$u" ||
		    nok "$u: not ordered after $r@%i.service"
	done
	grep -q '^After=.*frr.service' "$u" || nok "$u: not ordered after frr"
	ok "$u: ordered after its relay and FRR"
fi

echo "man/units: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
