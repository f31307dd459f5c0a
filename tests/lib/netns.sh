# shellcheck shell=bash
# Helpers for network-namespace tests.  Source it from a tests/netns/*.sh:
#	. "$(dirname "$0")/../lib/netns.sh"
#	ns_new site; ns_new rtr; ns_link site eth0 rtr eth1
#	ns_exec site ip addr add 198.51.100.2/24 dev eth0
#	ns_bg rtr "$BUILD/relay4to6" -f -c "$T/r.conf"	# PID remembered
#	wait_until 5 ns_exec site ping -c1 -W1 ...
# Every namespace is named "jf<pid>-<name>", so tests never collide and
# never touch a namespace they did not create.  An EXIT trap kills the
# processes this test started (by PID) and deletes its namespaces, even on
# failure.  Only documentation/test addresses are used inside them, and no
# namespace is linked to the root namespace.
set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
NS_PFX="jf$$"
T=$(mktemp -d "/tmp/jf-test.$$.XXXX")	# scratch dir for configs, logs
_ns_list=()
_ns_pids=()
_ns_cleanups=()

ns_name() { echo "$NS_PFX-$1"; }

ns_cleanup() {
	local rc=$? p n c
	set +e
	for c in "${_ns_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
	for p in "${_ns_pids[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in "${_ns_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in "${_ns_list[@]}"; do ip netns del "$n" 2>/dev/null; done
	if [ "$rc" -ne 0 ] && [ -d "$T" ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "--- $f (last 30 lines)"; tail -n 30 "$f"
		done
	fi
	[ "${KEEP_T:-0}" = 1 ] || rm -rf "$T"
	exit "$rc"
}
trap ns_cleanup EXIT
trap 'exit 130' INT TERM

# ns_on_cleanup "command": run at cleanup, before processes are killed.
ns_on_cleanup() { _ns_cleanups+=("$1"); }

ns_new() {	# name: a fresh namespace with lo up, no DAD, rp_filter 0
	local n; n=$(ns_name "$1")
	ip netns add "$n" || return 1
	_ns_list+=("$n")
	ip -n "$n" link set lo up
	ip netns exec "$n" sh -c '
		sysctl -qw net.ipv6.conf.all.accept_dad=0
		sysctl -qw net.ipv6.conf.default.accept_dad=0
		sysctl -qw net.ipv4.conf.all.rp_filter=0
		sysctl -qw net.ipv4.conf.default.rp_filter=0
		sysctl -qw net.ipv6.conf.all.accept_ra=0
		sysctl -qw net.ipv6.conf.default.accept_ra=0'
}

ns_router() {	# name: enable IPv4 and IPv6 forwarding
	ip netns exec "$(ns_name "$1")" sh -c '
		sysctl -qw net.ipv4.ip_forward=1
		sysctl -qw net.ipv6.conf.all.forwarding=1'
}

ns_link() {	# nsA ifA nsB ifB: a veth pair between two namespaces, both up
	local a b
	a=$(ns_name "$1"); b=$(ns_name "$3")
	ip link add "tmp$$a" type veth peer name "tmp$$b" || return 1
	ip link set "tmp$$a" netns "$a" name "$2"
	ip link set "tmp$$b" netns "$b" name "$4"
	ip -n "$a" link set "$2" up
	ip -n "$b" link set "$4" up
}

ns_exec() { local n; n=$(ns_name "$1"); shift; ip netns exec "$n" "$@"; }

ns_bg() {	# name cmd...: start in the background, log to $T/<name>.<prog>.log
	local n; n=$(ns_name "$1"); shift
	local logf="$T/$(basename "$n").$(basename "$1").log"
	ip netns exec "$n" "$@" >>"$logf" 2>&1 &
	NS_LAST_PID=$!
	_ns_pids+=("$NS_LAST_PID")
}

wait_until() {	# seconds cmd...: poll every 0.05 s
	local deadline=$(( $(date +%s%N) / 1000000 + ${1%.*} * 1000 )); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
# assert_eq what expected actual
# The process runs under its seccomp filter (common/sandbox.c), which it
# installs after setup, just before it reports ready.
assert_sandboxed() {	# pid what
	wait_until 5 grep -q '^Seccomp:[[:space:]]*2' "/proc/$1/status" ||
	    fail "$2 (pid $1) not under a seccomp filter: $(grep '^Seccomp:' "/proc/$1/status" 2>&1)"
	pass "$2 runs under its seccomp filter"
}
assert_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; pass "$1 = $3"; }
