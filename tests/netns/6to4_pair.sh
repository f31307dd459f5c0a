#!/bin/bash
# The 6to4 relay pair end to end (tests/lib/topo6to4.sh): a 6to4 site
# (userspace 6to4 router, IPv4 only uplink) and a native IPv6 host talk
# through relay4to6 (site -> native) and relay6to4 (native -> site).
#   1. ping -6 both ways;
#   2. an 8 MiB TCP transfer both ways whose bytes are checked (sha256);
#   3. the relays' "forwarded" counters moved by at least the packets the
#      site and the native host sent through them (what the kernel queued
#      on each relay's TUN), none was dropped in that queue, and no drop
#      counter moved (the traffic is all legitimate);
#   4. the relays report the Output they were given, and their packets
#      went that way (TUN rx: what they wrote into their TUNs, nothing
#      with raw output).
# All of it under both output modes of the relays (TOPO_OUTPUT tun, then
# raw, each in a fresh lab); TOPO_OUTPUT set in the environment runs that
# mode only.  Then both again with Input packet (TOPO_INPUT; the relays
# read from packet rings on their ingress veths, an ingress drop rule
# keeps the kernel's copy): there the packets came in through the rings
# (pkt_rx) and the kernel queued none of them to the TUNs, which shows
# that the tap sees frames the ingress rule then drops.  Last, Output
# packet with Input tun, then with Input packet (PAIR_MODES picks the
# OUTPUT:INPUT runs): the relays hand their packets to the egress veth's
# driver, addressed to neighbours the kernel resolves on its own (no
# permanent entries): the next hops must become usable, most packets go
# by the driver, the rest (first packets, one kick per family and second)
# by the TUN, and the kicks keep the neighbour entries in a usable state.
# Last, relay4to6 with Input xdp (relay6to4 on tun): its XDP program
# forwards the site's packets itself (xdp_forwarded, nothing queued to
# the TUN once the next hop is known), and relayctl stats adds them to
# "forwarded".
set -u
if [ -z "${TOPO_OUTPUT:-}" ]; then
	for mode in ${PAIR_MODES:-tun:tun raw:tun tun:packet raw:packet packet:tun packet:packet tun:xdp}; do
		echo "--- Input ${mode#*:}, Output ${mode%%:*}"
		TOPO_INPUT=${mode#*:} TOPO_OUTPUT=${mode%%:*} bash "$0" "$@" ||
		    exit 1
	done
	exit 0
fi
TOPO_INPUT=${TOPO_INPUT:-tun}
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/topo6to4.sh"

PINGS=5
BYTES=$((8 * 1024 * 1024))
# Fewest TCP segments that can carry BYTES (MSS 1420 under a 1480 MTU).
MIN_SEGS=$((BYTES / 1440))
TCPCHECK=$TOP/tests/tools/tcpcheck.py

for b in relay4to6 relay6to4 tests/tools/sixtofour_host; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built (make all tools)"
done

topo6to4_up || fail "topology"
assert_sandboxed "$TOPO_R46_PID" relay4to6
assert_sandboxed "$TOPO_R64_PID" relay6to4

# counters sock: "name value" lines of every counter, sorted.
counters() { topo6to4_ctl "$1" stats | awk 'NF == 2' | sort; }
# delta before after name
delta() {
	local a b
	a=$(awk -v k="$3" '$1 == k { print $2 }' "$1")
	b=$(awk -v k="$3" '$1 == k { print $2 }' "$2")
	echo $(( ${b:-0} - ${a:-0} ))
}

# tun_tx ns ifname: packets the kernel queued to the relay on its TUN
# (one per wire packet: the TUN has no offloads, GSO super-packets from the
# veths are cut before it).
tun_tx() { ns_exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }
tun_drops() { ns_exec "$1" cat "/sys/class/net/$2/statistics/tx_dropped"; }
# pkt_rx sock: packets a relay took from its packet ring (0 with Input tun).
pkt_rx() { topo6to4_ctl "$1" status | awk '$1 == "pkt_rx" { v = $2 } END { print v + 0 }'; }
# xdp_fwd sock: packets relay4to6's XDP program forwarded (0 without it).
xdp_fwd() { topo6to4_ctl "$1" status | awk '$1 == "xdp_forwarded" { v = $2 } END { print v + 0 }'; }

# Wait until the path works once, then take the counters as baseline.
wait_until 10 ns_exec site ping -6 -c 1 -W 1 $TOPO_V6 ||
    fail "site cannot reach $TOPO_V6 through the relays"
tx46=$(tun_tx r46 $TOPO_R46_TUN) tx64=$(tun_tx r64 $TOPO_R64_TUN)
pk46=$(pkt_rx "$TOPO_R46_CTL") pk64=$(pkt_rx "$TOPO_R64_CTL")
xdp46=$(xdp_fwd "$TOPO_R46_CTL")
counters "$TOPO_R46_CTL" >"$T/r46.before"
counters "$TOPO_R64_CTL" >"$T/r64.before"

ns_exec site ping -6 -c $PINGS -i 0.2 -W 2 $TOPO_V6 >"$T/ping1.out" ||
    { cat "$T/ping1.out"; fail "ping -6 site -> native"; }
pass "ping -6 site -> native: $(tail -n 1 "$T/ping1.out")"
ns_exec v6 ping -6 -c $PINGS -i 0.2 -W 2 $TOPO_SITE6 >"$T/ping2.out" ||
    { cat "$T/ping2.out"; fail "ping -6 native -> site"; }
pass "ping -6 native -> site: $(tail -n 1 "$T/ping2.out")"

# tcp_transfer from_ns to_ns to_addr port: client in from_ns sends BYTES.
tcp_transfer() {
	local srv out
	ns_bg "$2" /usr/bin/python3 "$TCPCHECK" server "$3" "$4" 20
	srv=$NS_LAST_PID
	wait_until 5 sh -c "ip netns exec $(ns_name "$2") ss -Hltn | grep -q ':$4 '" ||
	    fail "tcp server on $2 did not listen"
	out=$(ns_exec "$1" timeout 30 /usr/bin/python3 "$TCPCHECK" client \
	    "$3" "$4" $BYTES 20) || fail "tcp $1 -> $2: $out"
	wait "$srv" || fail "tcp server on $2 failed"
	pass "tcp $1 -> $2 ($BYTES bytes, sha256 equal): $out"
}
tcp_transfer site v6 $TOPO_V6 5001
tcp_transfer v6 site $TOPO_SITE6 5002

xdp46=$(( $(xdp_fwd "$TOPO_R46_CTL") - xdp46 ))
if [ "$TOPO_INPUT" = xdp ]; then
	# relay4to6 adds the program's counts to its own every 100 ms.
	f0=$(awk '$1 == "forwarded" { print $2 }' "$T/r46.before")
	want=$(( xdp46 + $(tun_tx r46 $TOPO_R46_TUN) - tx46 ))
	wait_until 5 sh -c "[ \$($BUILD/relayctl -r -s $TOPO_R46_CTL stats |
	    awk '\$1 == \"forwarded\" { print \$2 }') -ge $((f0 + want)) ]" ||
	    fail "r46 forwarded did not take in the XDP program's $xdp46"
fi
counters "$TOPO_R46_CTL" >"$T/r46.after"
counters "$TOPO_R64_CTL" >"$T/r64.after"

# What went through each relay: at least the site's echo requests and
# replies (2 * PINGS) and MIN_SEGS data segments of one transfer, so the
# checks below cannot pass on an idle relay.
sent46=$(( $(tun_tx r46 $TOPO_R46_TUN) - tx46 ))
sent64=$(( $(tun_tx r64 $TOPO_R64_TUN) - tx64 ))
ring46=$(( $(pkt_rx "$TOPO_R46_CTL") - pk46 ))
ring64=$(( $(pkt_rx "$TOPO_R64_CTL") - pk64 ))
if [ "$TOPO_INPUT" = packet ]; then
	assert_eq "packets the kernel queued to r46's TUN (ingress drop)" 0 "$sent46"
	assert_eq "packets the kernel queued to r64's TUN (ingress drop)" 0 "$sent64"
	sent46=$ring46 sent64=$ring64
	for c in "$TOPO_R46_CTL" "$TOPO_R64_CTL"; do
		st=$(topo6to4_ctl "$c" status) || fail "status"
		assert_eq "input" packet "$(echo "$st" | awk '$1 == "input" { print $2 }')"
		assert_eq "ring frames dropped (truncated csum_partial bad kernel)" \
		    "0 0 0 0" "$(echo "$st" | awk '$1 == "pkt_truncated" { a = $2 }
		    $1 == "pkt_csum_partial" { b = $2 } $1 == "pkt_bad_frame" { c = $2 }
		    $1 == "pkt_kernel_drops" { d = $2 } END { print a, b, c, d }')"
	done
elif [ "$TOPO_INPUT" = xdp ]; then
	assert_eq "r46 input" xdp "$(topo6to4_ctl "$TOPO_R46_CTL" status |
	    awk '$1 == "input" { print $2 }')"
	# Every data segment of the site's transfer went by the program.
	[ "$xdp46" -ge "$MIN_SEGS" ] ||
	    fail "r46: the XDP program forwarded only $xdp46 packets"
	pass "r46: $xdp46 packets forwarded by XDP, $sent46 through the TUN"
	sent46=$((sent46 + xdp46))
	assert_eq "r64 packets from a ring (Input tun)" 0 "$ring64"
else
	assert_eq "r46 packets from a ring (Input tun)" 0 "$ring46"
	assert_eq "r64 packets from a ring (Input tun)" 0 "$ring64"
fi
for n in "r46:$sent46" "r64:$sent64"; do
	[ "${n#*:}" -ge $((2 * PINGS + MIN_SEGS)) ] ||
	    fail "only ${n#*:} packets were sent through ${n%%:*}"
done
for n in "r46:$TOPO_R46_TUN" "r64:$TOPO_R64_TUN"; do
	[ "$(tun_drops "${n%%:*}" "${n#*:}")" = 0 ] ||
	    fail "${n%%:*}: the kernel dropped packets queued to the relay"
done
for r in r46:$sent46 r64:$sent64; do
	want=${r#*:} r=${r%%:*}
	got=$(delta "$T/$r.before" "$T/$r.after" forwarded)
	[ "$got" -ge "$want" ] ||
	    fail "$r forwarded moved by $got, but $want packets were sent through it"
	pass "$r forwarded +$got (sent through it: $want)"
	moved=$(join "$T/$r.before" "$T/$r.after" |
	    awk '$1 ~ /^drop_/ && $3 != $2 { printf " %s+%d", $1, $3 - $2 }')
	[ -z "$moved" ] || fail "$r drop counters moved:$moved"
	pass "$r: no drop counter moved"
done
for n in "r46:$TOPO_R46_TUN:$TOPO_R46_CTL" "r64:$TOPO_R64_TUN:$TOPO_R64_CTL"; do
	r=${n%%:*} n=${n#*:}
	tun=${n%%:*} ctl=${n#*:}
	st=$(topo6to4_ctl "$ctl" status) || fail "$r status"
	assert_eq "$r output" "$TOPO_OUTPUT" \
	    "$(echo "$st" | awk '$1 == "output" { print $2 }')"
	wr=$(ns_exec "$r" cat "/sys/class/net/$tun/statistics/rx_packets")
	if [ "$TOPO_OUTPUT" = raw ]; then
		assert_eq "$r packets written into its TUN" 0 "$wr"
	elif [ "$TOPO_OUTPUT" = packet ]; then
		# The family the relay relays to has a next hop on the output
		# interface (r46: IPv6 on eth6, r64: IPv4 on eth4).
		[ $r = r46 ] && v=6 || v=4
		val() { echo "$st" | awk -v k="$1" '$1 == k { print $2 }'; }
		assert_eq "$r output_usable$v" 1 "$(val output_usable$v)"
		case $(val output_nud$v) in
		REACHABLE|STALE|DELAY|PROBE) pass "$r output_nud$v $(val output_nud$v)" ;;
		*) fail "$r output_nud$v: $(val output_nud$v)" ;;
		esac
		sent=$(val output_sent) kp=$(val output_kernel_path)
		fb=$(val raw_tun_fallback)
		assert_eq "$r packets written into its TUN (kernel path)" \
		    "$((kp + fb))" "$wr"
		assert_eq "$r output_send_errors" 0 "$(val output_send_errors)"
		# pktout's back end: the TX ring unless JF_PKTOUT_IO says else.
		assert_eq "$r output_io" "${JF_PKTOUT_IO:-ring}" \
		    "$(val output_io)"
		[ "$(val output_kicks)" -gt 0 ] || fail "$r: no kick"
		[ "$sent" -ge $((MIN_SEGS / 2)) ] && [ "$sent" -gt "$kp" ] ||
		    fail "$r: only $sent packets by the driver ($kp kernel path)"
		pass "$r: $sent packets by the driver, $kp by the kernel path ($(val output_kicks) kicks)"
	elif [ "$TOPO_INPUT" = xdp ] && [ $r = r46 ]; then
		pass "$r wrote $wr packets into its TUN (slow path), $xdp46 by XDP"
	else
		[ "$wr" -ge $((2 * PINGS + MIN_SEGS)) ] ||
		    fail "$r wrote only $wr packets into its TUN"
		pass "$r wrote $wr packets into its TUN"
	fi
done
echo "6to4_pair: all checks passed (Input $TOPO_INPUT, Output $TOPO_OUTPUT)"
