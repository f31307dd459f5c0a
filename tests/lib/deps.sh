#!/bin/sh
# Install what justforward builds and tests with, from Debian's packages only.
# Idempotent.  Before installing anything that ships a service (frr, miredo),
# make sure /usr/sbin/policy-rc.d exits 101, so nothing starts by itself: an
# installed miredo would otherwise start a Teredo client that tries to reach
# a public server.
set -eu
PKGS="build-essential clang clang-tools libclang-rt-dev pkg-config libevent-dev check libsubunit-dev libseccomp-dev
libbpf-dev linux-libc-dev
iproute2 nftables iputils-ping procps psmisc python3 python3-scapy
tcpdump iperf3 frr miredo miredo-server mandoc systemd"

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root (sudo make deps/check/demo)" >&2
	exit 1
fi
if ! [ -x /usr/sbin/policy-rc.d ] || ! sh -c '/usr/sbin/policy-rc.d; [ $? -eq 101 ]'; then
	printf '#!/bin/sh\n# installed by justforward: never start services on install\nexit 101\n' \
	    > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	echo "deps: installed /usr/sbin/policy-rc.d (exit 101)"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
# Services must not run in the root namespace: the tests start their own.
for s in miredo frr; do
	if command -v service >/dev/null 2>&1; then
		service "$s" status >/dev/null 2>&1 && service "$s" stop >/dev/null 2>&1 || true
	fi
done
exit 0
