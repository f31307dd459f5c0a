#!/bin/bash
# Crafted packets against teredod, one per drop rule (nothing forwarded,
# the rule's counter moves), plus the bubble/queue/nonce behaviour against
# fake clients: see teredo_drops.py.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

# TL_MODE=packet (teredo_drops_packet.sh): the same with Input packet and
# Output packet, plus the envelope checks teredod then does itself.
# Runs unprivileged after setup, as deployed (User).
TL_USER=nobody
tl_small
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$TL_RELAY_PID/status")
[ "$uid" = "$(id -u nobody)" ] || fail "teredod runs as uid $uid, not nobody"
caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$TL_RELAY_PID/status")
[ "$caps" = 0000000000000000 ] || fail "teredod kept capabilities $caps"
pass "teredod dropped to nobody with no capabilities"
assert_sandboxed "$TL_RELAY_PID" teredod
tl_py wan "$(dirname "$0")/teredo_drops.py" || fail "crafted packets"
pass "teredod crafted-packet rules"

# DF clear on the UDP packets (RFC 4380 5.1.2): a full-size packet to a
# trusted client (C, trusted by the run above, valid for 30 s).
C=2001:0:cb00:7101:0:63bf:39cc:9beb
# capture_1308 FILE TCPDUMP-FLAGS FILTER: v6h sends C 1232 bytes of UDP
# (a 1308-byte Teredo datagram); the first frame on wan that FILTER
# matches goes to FILE.
capture_1308() {
	local td
	ns_exec wan timeout 10 tcpdump -l "$2" -c1 -i eth0 "$3" >"$1" 2>"$1.err" &
	td=$!
	wait_until 5 grep -q "listening on" "$1.err" || fail "tcpdump did not start"
	ns_exec v6h /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"z" * 1232, (sys.argv[1], 9))' "$C"
	wait $td
}
capture_1308 "$T/df.txt" -nv 'udp and src host 203.0.113.20 and greater 1300'
grep -q 'length 1308' "$T/df.txt" && grep -q 'flags \[none\]' "$T/df.txt" ||
    fail "1308-byte Teredo datagram not seen with DF clear: $(cat "$T/df.txt")"
pass "1308-byte UDP datagram to the client has DF clear"
# Larger than the Teredo MTU: Packet Too Big with MTU 1280 to the sender.
out=$(ns_exec v6h ping -6 -c1 -W2 -s 1400 -M do -I 2001:db8:6::2 "$C" 2>&1)
echo "$out" | grep -qi 'mtu[ =]*1280' ||
    fail "no Packet Too Big (MTU 1280) for a 1448-byte packet: $out"
pass "1448-byte native packet: Packet Too Big, MTU 1280"
[ "${TL_MODE:-kernel}" = packet ] || exit 0
# The kernel path: the fragmented datagram (socket); ICMPv6 errors and
# the misrouted prefix (TUN).  Few datagrams go client->native here, and
# one per second is the next hop's kick (kernel path): >= 1 sent.
tl_assert_packet_path 20 1 8

# The ring rides out a stall: with teredod stopped, 48 native packets
# 2 ms apart each close a block of their own (1 ms block timeout), as
# traffic at moderate rates does while a loaded VM's relay waits for its
# CPU.  All are read once it runs again, none dropped (PKTRING_BLOCK_NR
# 64; with the earlier 16 the ring took 16 and dropped 32).
f0=$(tl_status in6_frames) d0=$(tl_status in6_kernel_drops)
kill -STOP "$TL_RELAY_PID"
ns_exec v6h /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(48):
	s.sendto(b"s" * 64, (sys.argv[1], 9))
	time.sleep(0.002)' "$C"
kill -CONT "$TL_RELAY_PID"
wait_until 5 tl_status_ge in6_frames $((f0 + 48)) ||
    fail "stall: the ring gave $(( $(tl_status in6_frames) - f0 )) of 48 frames (kernel drops +$(( $(tl_status in6_kernel_drops) - d0 )))"
assert_eq "ring drops over a stall of 48 packets 2 ms apart" 0 \
    $(( $(tl_status in6_kernel_drops) - d0 ))

# Output packet's kernel path for a datagram longer than the output
# interface's MTU: pktout refuses it (out4_too_big), the UDP socket sends
# it and the kernel fragments it (DF is clear).
tb=$(tl_status out4_too_big) kp=$(tl_status out4_kernel_path)
[ -n "$tb" ] && [ -n "$kp" ] || fail "no out4 status"
ns_exec rly ip link set dev eth0 mtu 1300
wait_until 5 tl_status_is out4_mtu 1300 || fail "pktout did not pick up the new MTU"
capture_1308 "$T/frag.txt" -n 'src host 203.0.113.20 and ip[6:2] & 0x2000 != 0'
ns_exec rly ip link set dev eth0 mtu 1500
[ -s "$T/frag.txt" ] || fail "no fragment of the 1308-byte datagram on a 1300-byte link"
wait_until 5 tl_status_ge out4_too_big $((tb + 1)) ||
    fail "out4_too_big did not move ($tb -> $(tl_status out4_too_big); out4_kernel_path $kp -> $(tl_status out4_kernel_path); out4_mtu $(tl_status out4_mtu); peer $C: $("$BUILD/relayctl" -s "$T/teredod.sock" peer "$C" 2>&1 | tr '\n' ' '))"
pass "datagram over the output MTU: kernel path (out4_too_big $(tl_status out4_too_big)), sent in fragments"
