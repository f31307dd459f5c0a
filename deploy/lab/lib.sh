# shellcheck shell=bash
# The lab's plumbing: fixed namespace names, per-lab state directory,
# background daemons with their logs, and teardown.  Sourced by
# deploy/lab/lab.sh and deploy/lab/labctl.
#
# Every namespace of a lab is "$LAB_PFX-<node>" (default prefix "jflab",
# so `make demo KEEP=1`, `make demo-down` and labctl find it again).  The
# test tier runs its own lab with a PID-derived prefix ("jflab<pid>"), so
# it never touches a lab the user left up.  Teardown kills the processes
# that live in OUR namespaces (ip netns pids), deletes exactly those
# namespaces and the FRR run directories named after them, nothing else.
set -u
LAB_TOP=${LAB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAB_PFX=${LAB_PFX:-jflab}
LAB_DIR=${LAB_DIR:-/run/$LAB_PFX}
LAB_FRR_RUN=/var/run/frr
BUILD=${BUILD:-$LAB_TOP/build}
case $LAB_PFX in
jflab*) ;;
*) echo "lab: LAB_PFX must start with jflab" >&2; exit 2 ;;
esac
_lab_veth=0

lab_ns() { echo "$LAB_PFX-$1"; }
lab_exec() { local n=$1; shift; ip netns exec "$LAB_PFX-$n" "$@"; }
lab_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# lab_wait seconds cmd...: poll every 50 ms until cmd succeeds.
lab_wait() {
	local deadline=$(( $(lab_now_ms) + ${1%.*} * 1000 )); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(lab_now_ms)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# The namespaces of this lab that exist right now.
lab_namespaces() {
	ip netns list 2>/dev/null | awk -v p="$LAB_PFX-" \
	    'index($1, p) == 1 && substr($1, length(p) + 1) !~ /-/ { print $1 }'
}

lab_is_up() { [ -n "$(lab_namespaces)" ] || [ -d "$LAB_DIR" ]; }

lab_node_new() {	# node: namespace with lo up, no DAD, no RA, rp_filter 0
	local n; n=$(lab_ns "$1")
	ip netns add "$n" || return 1
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
	    net.ipv6.conf.default.accept_dad=0 \
	    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	    net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	mkdir -p "$LAB_DIR/$1"
}

lab_router() {	# node: forward IPv4 and IPv6
	lab_exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
	    net.ipv6.conf.all.forwarding=1
}

lab_link() {	# nodeA ifA nodeB ifB: a veth pair, both ends up
	local a b ta tb
	a=$(lab_ns "$1"); b=$(lab_ns "$3")
	_lab_veth=$((_lab_veth + 1))
	ta="jfv$$x${_lab_veth}a"; tb="jfv$$x${_lab_veth}b"
	ip link add "$ta" type veth peer name "$tb" || return 1
	ip link set "$ta" netns "$a" name "$2"
	ip link set "$tb" netns "$b" name "$4"
	ip -n "$a" link set "$2" up
	ip -n "$b" link set "$4" up
}

lab_bridge() {	# node bridge
	lab_exec "$1" ip link add "$2" type bridge
	lab_exec "$1" ip link set "$2" up
}

lab_port() {	# node if hub bridge hubif: node's if plugged into hub's bridge
	lab_link "$1" "$2" "$3" "$5" || return 1
	lab_exec "$3" ip link set "$5" master "$4"
}

# lab_bg node tag cmd...: start in the background inside the node; output
# to $LAB_DIR/log/<node>.<tag>.log, PID to $LAB_DIR/pid/<node>.<tag>.
lab_bg() {
	local n=$1 tag=$2; shift 2
	ip netns exec "$(lab_ns "$n")" "$@" >>"$LAB_DIR/log/$n.$tag.log" 2>&1 3>&- </dev/null &
	LAB_LAST_PID=$!
	echo "$LAB_LAST_PID" >"$LAB_DIR/pid/$n.$tag"
}

lab_pid() { cat "$LAB_DIR/pid/$1.$2" 2>/dev/null; }

# lab_stop node tag: TERM the recorded process (if it still runs in the
# node's namespace) and wait for it.
lab_stop() {
	local p i
	p=$(lab_pid "$1" "$2") || return 0
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$LAB_DIR/pid/$1.$2"
	return 0
}

lab_state_init() {
	mkdir -p "$LAB_DIR/log" "$LAB_DIR/pid" || return 1
	chmod 755 "$LAB_DIR" "$LAB_DIR/log"
	echo "$LAB_PFX" >"$LAB_DIR/prefix"
	echo "$BUILD" >"$LAB_DIR/build"
}

# Everything down: processes in our namespaces, the namespaces, FRR run
# directories named after them, the state directory.
lab_down() {
	local ns p pids=""
	for ns in $(lab_namespaces); do
		pids="$pids $(ip netns pids "$ns" 2>/dev/null)"
	done
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $(seq 40); do
		local alive=0
		for ns in $(lab_namespaces); do
			[ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.05
	done
	for ns in $(lab_namespaces); do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for ns in $(lab_namespaces); do
		ip netns del "$ns" 2>/dev/null
		case $ns in jflab*) rm -rf "${LAB_FRR_RUN:?}/$ns" ;; esac
	done
	case $LAB_DIR in
	/run/jflab*|/tmp/jflab*) rm -rf "$LAB_DIR" ;;
	esac
}
