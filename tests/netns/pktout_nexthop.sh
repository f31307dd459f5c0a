#!/bin/bash
# pktout + nexthop (common/pktout.c, common/nexthop.c) on a real veth:
# packets leave through an AF_PACKET socket addressed to the gateway's
# MAC, bypassing the kernel's routing, neighbour and netfilter paths.
#
#   s (sender)  eth0 ---- eth1  g (gateway A: 00:00:5e:00:53:01 .1 / ::1)
#   192.0.2.10             mv0  (macvlan, gateway B: 00:00:5e:00:53:02
#   2001:db8:1::10               .2 / ::2)
#
# tests/tools/pktout_send runs rounds on stdin (refresh, then 5 IPv4 and
# 5 IPv6 UDP packets to port 5555; what pktout gives back goes out on a raw
# socket, the kernel path).  Asserted, per family:
#  - no neighbour entry: the first refresh is unusable, all packets take
#    the kernel path; once the kernel resolved the gateway, the next round
#    sends 4 by pktout and 1 (the kick) the kernel's way;
#  - g's ingress (nft netdev counters by destination MAC) sees every packet
#    at the gateway's MAC while s's output hook sees only the kernel-path
#    ones; a capture on g holds exactly the IP bytes the tool sent;
#  - the default route moves to gateway B: the next refresh follows it;
#  - a message the kernel refuses in the middle of a batch: pktout_send
#    stops there with its errno (EMSGSIZE, ENXIO), the rest goes out from
#    the next one;
#  - the neighbour entry's MAC changes (a failover): followed; deleted:
#    back to the kernel path;
#  - a packet longer than the MTU takes the kernel path, one of exactly the
#    MTU goes by pktout;
#  - a configured gateway overrides the default route;
#  - the gateway stops answering: the kicks walk the entry through
#    DELAY/PROBE to FAILED and every packet takes the kernel path (the
#    neighbour timers of s are shortened so this takes seconds, not ~50).
# All of it once per back end of pktout_send: sendmmsg, then the TX ring
# (JF_PKTOUT_IO=mmsg|ring runs only that one).
set -u
if [ -z "${JF_PKTOUT_IO:-}" ]; then
	JF_PKTOUT_IO=mmsg bash "$0" "$@" || exit 1
	JF_PKTOUT_IO=ring exec bash "$0" "$@"
fi
export JF_PKTOUT_IO
. "$(dirname "$0")/../lib/netns.sh"

TOOL=$BUILD/tests/tools/pktout_send
[ -x "$TOOL" ] || fail "$TOOL not built (make tools)"
MAC_A=00:00:5e:00:53:01
MAC_B=00:00:5e:00:53:02
MAC_C=00:00:5e:00:53:03

ns_new s
ns_new g
ns_link s eth0 g eth1
ns_exec g sysctl -qw net.ipv4.conf.all.arp_ignore=1
ns_exec g ip link set eth1 address $MAC_A
ns_exec g ip link add link eth1 name mv0 address $MAC_B type macvlan \
    mode bridge
ns_exec g ip link set mv0 up
ns_exec g ip addr add 192.0.2.1/24 dev eth1
ns_exec g ip addr add 2001:db8:1::1/64 dev eth1 nodad
ns_exec g ip addr add 192.0.2.2/24 dev mv0
ns_exec g ip addr add 2001:db8:1::2/64 dev mv0 nodad
ns_exec s ip addr add 192.0.2.10/24 dev eth0
ns_exec s ip addr add 2001:db8:1::10/64 dev eth0 nodad
ns_exec s ip route add default via 192.0.2.1
ns_exec s ip -6 route add default via 2001:db8:1::1
for f in ipv4 ipv6; do
	for k in base_reachable_time_ms=1000 delay_first_probe_time=1 \
	    retrans_time_ms=200 ucast_solicit=2 mcast_solicit=2; do
		ns_exec s sysctl -qw "net.$f.neigh.eth0.$k"
	done
done

# g: what arrives on eth1 (before the macvlan takes B's frames), by
# destination MAC and family.  s: what its output hook saw (kernel path).
ns_exec g nft -f - <<EOF || fail "nft on g"
table netdev jf {
	counter a4 {}
	counter a6 {}
	counter b4 {}
	counter b6 {}
	counter c4 {}
	counter c6 {}
	chain in {
		type filter hook ingress device eth1 priority 0;
		ether type ip ip protocol udp udp dport 5555 jump count4
		ether type ip6 ip6 nexthdr udp udp dport 5555 jump count6
	}
	chain count4 {
		ether daddr $MAC_A counter name a4
		ether daddr $MAC_B counter name b4
		ether daddr $MAC_C counter name c4
	}
	chain count6 {
		ether daddr $MAC_A counter name a6
		ether daddr $MAC_B counter name b6
		ether daddr $MAC_C counter name c6
	}
}
EOF
ns_exec s nft -f - <<EOF || fail "nft on s"
table inet jf {
	counter k4 {}
	counter k6 {}
	chain out {
		type filter hook output priority 0;
		meta nfproto ipv4 udp dport 5555 counter name k4
		meta nfproto ipv6 udp dport 5555 counter name k6
	}
}
EOF

gcount() { ns_exec g nft list counter netdev jf "$1" | awk '/packets/ {print $2}'; }
kcount() { ns_exec s nft list counter inet jf "$1" | awk '/packets/ {print $2}'; }
neigh_ok() {	# addr lladdr: s's entry is usable with that MAC
	ns_exec s ip neigh show "$1" dev eth0 | grep -q "lladdr $2 \(REACHABLE\|STALE\|DELAY\|PROBE\|PERMANENT\)"
}

# ---- the tool, driven one round per line ------------------------------
tool_start() {	# extra args
	coproc PKTOUT { exec ip netns exec "$(ns_name s)" "$TOOL" -i eth0 \
	    -4 192.0.2.10,198.51.100.1 -6 2001:db8:1::10,2001:db8:2::1 \
	    -x "$T/sent.hex" "$@" 2>>"$T/pktout_send.log"; }
	_ns_pids+=("$PKTOUT_PID")
	TOOL_PID=$PKTOUT_PID
	TOOL_IN=${PKTOUT[1]}
	TOOL_OUT=${PKTOUT[0]}
}
tool_stop() {
	exec {TOOL_IN}>&-
	wait "$TOOL_PID" || fail "pktout_send exited with an error"
}
LINE4='' LINE6=''
round() {	# [size]: one round; LINE4/LINE6 are its two lines
	local l
	echo "${1:-go}" >&"$TOOL_IN"
	LINE4='' LINE6=''
	while read -r -t 10 l <&"$TOOL_OUT"; do
		echo "$l" >>"$T/rounds.log"
		case $l in
		ready) return 0 ;;
		*" fam=4 "*) LINE4=$l ;;
		*" fam=6 "*) LINE6=$l ;;
		esac
	done
	fail "pktout_send did not finish a round"
}
field() {	# family key
	local l; [ "$1" = 4 ] && l=$LINE4 || l=$LINE6
	echo "$l" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
expect() {	# what family key=value...
	local what=$1 fam=$2 kv; shift 2
	for kv in "$@"; do
		assert_eq "$what IPv$fam ${kv%%=*}" "${kv#*=}" "$(field "$fam" "${kv%%=*}")"
	done
}

# ---- 1: no neighbour entry, then resolved ------------------------------
ns_exec s ip neigh flush dev eth0
! ns_exec s ip neigh show dev eth0 | grep -qv fe80 || fail "s has neighbour entries"
ns_bg g tcpdump -n -U --immediate-mode -i eth1 -w "$T/g.pcap" udp port 5555
TCPDUMP_PID=$NS_LAST_PID
wait_until 5 grep -q "listening on" "$T/$(ns_name g).tcpdump.log" || fail "tcpdump did not start"

tool_start
round
for f in 4 6; do
	expect "unresolved" $f usable=0 state=none pktout=0 kernel=5 kernel_errors=0
done
expect "unresolved" 4 gw=192.0.2.1
expect "unresolved" 6 gw=2001:db8:1::1
wait_until 5 neigh_ok 192.0.2.1 $MAC_A || fail "the kernel did not resolve 192.0.2.1"
wait_until 5 neigh_ok 2001:db8:1::1 $MAC_A || fail "the kernel did not resolve 2001:db8:1::1"
round
for f in 4 6; do
	expect "resolved" $f usable=1 mac=$MAC_A pktout=4 kernel=1 send_errors=0 refresh_errors=0
done
g_has_all() { [ "$(gcount a4)" = 10 ] && [ "$(gcount a6)" = 10 ]; }
wait_until 5 g_has_all
assert_eq "g: IPv4 frames to A" 10 "$(gcount a4)"
assert_eq "g: IPv6 frames to A" 10 "$(gcount a6)"
assert_eq "s: IPv4 through the output hook (5 + the kick)" 6 "$(kcount k4)"
assert_eq "s: IPv6 through the output hook (5 + the kick)" 6 "$(kcount k6)"

# The capture holds exactly the bytes the tool sent, each once, at A.
# tcpdump writes each frame as it reads it (-U): wait until it has read
# as many as g counted, since SIGINT drops what it has not read yet.
pcap_frames() { tcpdump -r "$1" 2>/dev/null | wc -l; }
wait_until 5 test "$(pcap_frames "$T/g.pcap")" -ge 20 ||
    fail "tcpdump on g wrote $(pcap_frames "$T/g.pcap") of the 20 frames g counted"
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null
/usr/bin/python3 - "$T/g.pcap" "$T/sent.hex" "$MAC_A" <<'EOF' || fail "capture on g differs from what was sent"
import struct, sys
pcap, hexfile, mac = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3].replace(":", ""))
data = open(pcap, "rb").read()
assert struct.unpack("<I", data[:4])[0] == 0xa1b2c3d4, "pcap byte order"
frames, off = [], 24
while off + 16 <= len(data):
    incl = struct.unpack("<IIII", data[off:off + 16])[2]
    frames.append(data[off + 16:off + 16 + incl]); off += 16 + incl
sent = [l.split() for l in open(hexfile)]
seen = {}
for f in frames:
    assert f[:6] == mac, "frame to %s" % f[:6].hex()
    et = struct.unpack("!H", f[12:14])[0]
    ip = f[14:]
    want = {0x0800: 4, 0x86dd: 6}[et]
    assert ip[0] >> 4 == want, "ethertype %x carries IPv%d" % (et, ip[0] >> 4)
    seen[ip] = seen.get(ip, 0) + 1
paths = {"pktout": 0, "kernel": 0}
for path, hx in sent:
    ip = bytes.fromhex(hx)
    assert seen.get(ip) == 1, "%s packet seen %s times" % (path, seen.get(ip))
    paths[path] += 1
assert len(frames) == len(sent), "%d frames, %d sent" % (len(frames), len(sent))
assert paths == {"pktout": 8, "kernel": 12}, paths
print("ok: capture: %d frames, byte-identical, all to %s, %s" % (len(frames), sys.argv[3], paths))
EOF

# ---- 2: the default route moves to gateway B ----------------------------
ns_exec s ip route replace default via 192.0.2.2
ns_exec s ip -6 route replace default via 2001:db8:1::2
round
expect "moved" 4 gw=192.0.2.2 usable=0 kernel=5
expect "moved" 6 gw=2001:db8:1::2 usable=0 kernel=5
wait_until 5 neigh_ok 192.0.2.2 $MAC_B || fail "the kernel did not resolve 192.0.2.2"
wait_until 5 neigh_ok 2001:db8:1::2 $MAC_B || fail "the kernel did not resolve 2001:db8:1::2"
round
for f in 4 6; do
	expect "moved, resolved" $f usable=1 mac=$MAC_B pktout=4 kernel=1
done
wait_until 3 test "$(gcount b6)" = 10
assert_eq "g: IPv4 frames to B" 10 "$(gcount b4)"
assert_eq "g: IPv6 frames to B" 10 "$(gcount b6)"
assert_eq "g: IPv4 frames to A (unchanged)" 10 "$(gcount a4)"
assert_eq "g: IPv6 frames to A (unchanged)" 10 "$(gcount a6)"
round bigiov
for f in 4 6; do
	expect "EMSGSIZE 2nd" $f usable=1 pktout=3 kernel=2 send_errors=1 send_err=EMSGSIZE kernel_errors=0
done
wait_until 3 test "$(gcount b6)" = 15
assert_eq "g: IPv4 frames to B (batch with a refused one)" 15 "$(gcount b4)"
assert_eq "g: IPv6 frames to B (batch with a refused one)" 15 "$(gcount b6)"
round badif
for f in 4 6; do
	expect "ENXIO 2nd" $f usable=1 pktout=3 kernel=2 send_errors=1 send_err=ENXIO kernel_errors=0
done
wait_until 3 test "$(gcount b6)" = 20
assert_eq "g: IPv4 frames to B (ENXIO mid-batch)" 20 "$(gcount b4)"
assert_eq "g: IPv6 frames to B (ENXIO mid-batch)" 20 "$(gcount b6)"

# ---- 3: B's MAC changes (failover), then its entry goes ------------------
ns_exec s ip neigh replace 192.0.2.2 lladdr $MAC_C nud permanent dev eth0
ns_exec s ip neigh replace 2001:db8:1::2 lladdr $MAC_C nud permanent dev eth0
round
for f in 4 6; do
	expect "new MAC" $f usable=1 mac=$MAC_C state=PERMANENT pktout=4 kernel=1
done
wait_until 3 test "$(gcount c6)" = 5
assert_eq "g: IPv4 frames to the new MAC" 5 "$(gcount c4)"
assert_eq "g: IPv6 frames to the new MAC" 5 "$(gcount c6)"
ns_exec s ip neigh del 192.0.2.2 dev eth0
ns_exec s ip neigh del 2001:db8:1::2 dev eth0
round
for f in 4 6; do
	expect "entry deleted" $f usable=0 pktout=0 kernel=5
done
wait_until 5 neigh_ok 192.0.2.2 $MAC_B || fail "192.0.2.2 not resolved again"
wait_until 5 neigh_ok 2001:db8:1::2 $MAC_B || fail "2001:db8:1::2 not resolved again"

# ---- 4: MTU ------------------------------------------------------------
ns_exec g ip link set eth1 mtu 1400
ns_exec s ip link set eth0 mtu 1400
b4=$(gcount b4) b6=$(gcount b6)
round 1401
for f in 4 6; do
	expect "1401 > MTU" $f mtu=1400 usable=1 too_big=5 pktout=0 kernel=5 send_errors=0
done
round 1400
for f in 4 6; do
	expect "1400 = MTU" $f too_big=0 pktout=4 kernel=1 send_errors=0
done
wait_until 3 test "$(gcount b6)" = $((b6 + 5))
# A raw socket with the header included refuses 1401 (EMSGSIZE): only the
# 1400s arrive.
assert_eq "g: IPv4 frames to B after the MTU rounds" $((b4 + 5)) "$(gcount b4)"
assert_eq "g: IPv6 frames to B after the MTU rounds" $((b6 + 5)) "$(gcount b6)"
tool_stop

# ---- 5: a configured gateway overrides the route (still via B) ---------
a4=$(gcount a4) a6=$(gcount a6) b4=$(gcount b4) b6=$(gcount b6)
ns_exec s ip neigh replace 192.0.2.1 lladdr $MAC_A nud reachable dev eth0
ns_exec s ip neigh replace 2001:db8:1::1 lladdr $MAC_A nud reachable dev eth0
tool_start -G 192.0.2.1 -H 2001:db8:1::1
round 200
expect "configured" 4 gw=192.0.2.1 usable=1 mac=$MAC_A pktout=4 kernel=1
expect "configured" 6 gw=2001:db8:1::1 usable=1 mac=$MAC_A pktout=4 kernel=1
tool_stop
wait_until 3 test "$(gcount a6)" = $((a6 + 4))
# pktout to the configured gateway; the kick follows the kernel's route.
assert_eq "g: IPv4 frames to A (configured)" $((a4 + 4)) "$(gcount a4)"
assert_eq "g: IPv6 frames to A (configured)" $((a6 + 4)) "$(gcount a6)"
assert_eq "g: IPv4 kick to B (the route)" $((b4 + 1)) "$(gcount b4)"
assert_eq "g: IPv6 kick to B (the route)" $((b6 + 1)) "$(gcount b6)"

# ---- 6: gateway B stops answering ----------------------------------------
tool_start
round 200
for f in 4 6; do
	expect "B answers" $f usable=1 mac=$MAC_B
done
ns_exec g ip addr del 192.0.2.2/24 dev mv0
ns_exec g ip addr del 2001:db8:1::2/64 dev mv0
start=$(now_ms)
for i in $(seq 1 40); do
	sleep 0.25
	round 200
	[ "$(field 4 usable)$(field 6 usable)" = 00 ] && break
done
echo "B silent: both unusable after $(( $(now_ms) - start )) ms ($i rounds)"
for f in 4 6; do
	expect "B silent" $f usable=0 pktout=0 kernel=5
	case $(field $f state) in
	FAILED|INCOMPLETE|none) pass "B silent IPv$f state $(field $f state)" ;;
	*) fail "B silent IPv$f state $(field $f state)" ;;
	esac
done
tool_stop
if [ "$JF_PKTOUT_IO" = ring ]; then
	grep -q "TX ring of" "$T/pktout_send.log" || fail "the TX ring was not used"
fi
pass "pktout_nexthop ($JF_PKTOUT_IO)"
