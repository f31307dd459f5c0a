#!/bin/bash
# What the systemd units (deploy/systemd/*@.service: Type=notify,
# NotifyAccess=main, WatchdogSec=) rely on, checked on the real daemons
# with the environment systemd gives them: each of relay4to6, relay6to4,
# teredod and bgpglue sends READY=1 once set up, then WATCHDOG=1 from its
# event loop at half of WATCHDOG_USEC, all from its main PID (bgpglue's
# forked announcer must not be the one talking), and STOPPING=1 on
# SIGTERM.  A Python listener plays systemd's notify socket and reads the
# sender's PID from SCM_CREDENTIALS.
. "$(dirname "$0")/../lib/netns.sh"

WD_USEC=400000		# watchdog every 200 ms
LISTEN_S=3

ns_new n
ns_router n
ns_exec n ip addr add 198.18.7.1/24 dev lo
ns_exec n ip tuntap add mode tun name teredo
ns_exec n ip link set teredo up
chmod 755 "$T"

# listen sock seconds out: one "pid message" line per datagram.
listen_notify() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'EOF'
import os, socket, struct, sys, time
path, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
os.chmod(path, 0o777)	# bgpglue's health process runs as nobody
open(out + ".ready", "w").close()
end = time.time() + secs
with open(out, "w") as f:
    while True:
        left = end - time.time()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        pid = -1
        for lvl, typ, d in anc:
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", d[:12])[0]
        for line in data.decode(errors="replace").split("\n"):
            if line:
                f.write("%d %.3f %s\n" % (pid, time.time(), line))
        f.flush()
EOF
}

conf_for() {	# daemon
	case $1 in
	relay4to6) printf 'InterfaceName r46\nControlSocket %s\n' "$T/relay4to6.sock" ;;
	relay6to4) printf 'InterfaceName r64\nControlSocket %s\nSourceAddress 192.88.99.5\n' \
	    "$T/relay6to4.sock" ;;
	teredod) printf 'BindAddress 198.18.7.1\nInterfaceName teredo\nControlSocket %s\nPeerCapacity 1024\nQueuePoolKiB 256\nMaxMemory 8\n' \
	    "$T/teredod.sock" ;;
	bgpglue) printf 'ControlSocket %s\nRelayControlSocket %s\nZservPath %s\nPrefix 192.88.99.5/32\nCheckIntervalMs 100\nCheckTimeoutMs 50\n' \
	    "$T/bgpglue.sock" "$T/relay6to4.sock" "$T/no-zebra.api" ;;
	esac
}

check_daemon() {	# daemon
	local d=$1 pid ready wd first_wd stopping others
	conf_for "$d" >"$T/$d.conf"
	"$BUILD/$d" -n -c "$T/$d.conf" >/dev/null || fail "$d: test config refused"
	rm -f "$T/$d.notify" "$T/$d.msgs.ready"
	listen_notify "$T/$d.notify" $LISTEN_S "$T/$d.msgs" &
	local lp=$!
	wait_until 5 test -e "$T/$d.msgs.ready" || fail "$d: listener not up"
	ns_bg n env NOTIFY_SOCKET="$T/$d.notify" WATCHDOG_USEC=$WD_USEC \
	    "$BUILD/$d" -f -c "$T/$d.conf"
	pid=$NS_LAST_PID
	sleep $((LISTEN_S - 1))
	kill "$pid"
	wait "$lp"
	wait "$pid" 2>/dev/null
	ready=$(awk -v p="$pid" '$1 == p && $3 == "READY=1"' "$T/$d.msgs" | wc -l)
	wd=$(awk -v p="$pid" '$1 == p && $3 == "WATCHDOG=1"' "$T/$d.msgs" | wc -l)
	stopping=$(awk -v p="$pid" '$1 == p && $3 == "STOPPING=1"' "$T/$d.msgs" | wc -l)
	others=$(awk -v p="$pid" '$1 != p' "$T/$d.msgs" | wc -l)
	first_wd=$(awk '$3 == "WATCHDOG=1" { print NR; exit }' "$T/$d.msgs")
	assert_eq "$d: READY=1 from the main PID" 1 "$ready"
	[ "$(awk '$3 == "READY=1" { print NR; exit }' "$T/$d.msgs")" -lt "${first_wd:-0}" ] ||
	    fail "$d: no WATCHDOG=1 after READY=1 ($(cat "$T/$d.msgs"))"
	# About (LISTEN_S - 1) s / 200 ms = 10 pings; a loaded machine may
	# delay some, but fewer than 5 means no timer at half the interval.
	[ "$wd" -ge 5 ] || fail "$d: only $wd WATCHDOG=1 in $((LISTEN_S - 1)) s"
	pass "$d: $wd WATCHDOG=1 in $((LISTEN_S - 1)) s (WATCHDOG_USEC=$WD_USEC)"
	assert_eq "$d: STOPPING=1 on SIGTERM" 1 "$stopping"
	assert_eq "$d: messages from other PIDs" 0 "$others"
}

# bgpglue needs its relay: a relay6to4 without notify socket.
check_daemon relay4to6
check_daemon relay6to4
check_daemon teredod
conf_for relay6to4 >"$T/relay6to4.conf"
ns_bg n "$BUILD/relay6to4" -f -c "$T/relay6to4.conf"
wait_until 5 test -S "$T/relay6to4.sock" || fail "relay6to4 for bgpglue"
check_daemon bgpglue
