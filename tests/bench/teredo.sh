#!/bin/bash
# Bench rows for teredod next to Debian's Miredo relay, on the same
# traffic in the same run (tests/bench/run.sh prints the table; see its
# header for the ROW format).  Baseline = Miredo (RelayType relay).
#
#   gen4 (fake Teredo server 203.0.113.1 and client 198.51.100.20:40000)
#     ── rly (both relays at once: teredod 203.0.113.30:3544, Miredo
#             203.0.113.31:3544) ── gen6 (native host 2001:db8:6::2)
# The two relays serve two addresses of the same client (same mapping,
# different RFC 5991 random flag bits): C0 is routed (/128) into Miredo's
# tun, C1 into teredod's.  Runs alternate between the relays (best of
# BENCH_RUNS each), so that load from elsewhere on the shared machine
# hits both alike.
# native->client: pktgen in gen6 sends prebuilt IPv6/UDP frames to the
#   client's Teredo address; the sink is gen4's eth0 (nft ingress drop),
#   rx counter over a fixed window.
# client->native: teredo_gen in gen4 sends prebuilt Teredo UDP datagrams
#   (mapping matches) to the relay; the sink is gen6's eth0.
# The client is made trusted first by a real bubble exchange (a fake
# server/client answers the relay's indirect bubble, teredo_fake.py), and
# kept valid by its own traffic.  Generators on CPU 0, relays on CPU 1;
# CPU = utime+stime of every relay process from /proc over the window.
# Rows: pps at saturation (best of BENCH_RUNS) per direction and size;
# delivered kpps per core of relay CPU (the generator, pinned to the other
# core with the kernel's own forwarding of its frames, often cannot offer
# more than either relay takes, so this is the fair efficiency figure);
# the highest paced rate each relay takes with under 1% loss (a ladder);
# relay CPU at a fixed offered rate (lower is better); and the peer table
# for 1,000,000 peers (tests/tools/teredo_peermem).
set -u
. "$(dirname "$0")/../lib/netns.sh"

SECS=${BENCH_SECS:-4}
RUNS=${BENCH_RUNS:-2}
FIXED_PPS=${BENCH_TEREDO_FIXED:-80000}
GEN_CPU=0
RELAY_CPU=1
HZ=$(getconf CLK_TCK)
PKTGEN=$BUILD/tests/tools/pktgen
TGEN=$BUILD/tests/tools/teredo_gen
NETNS_DIR=$(cd "$(dirname "$0")/../netns" && pwd)
C0=2001:0:cb00:7101:0:63bf:39cc:9beb	# 198.51.100.20:40000 via 203.0.113.1
C1=2001:0:cb00:7101:100:63bf:39cc:9beb	# the same client, flags 0x0100
declare -A CLI=([miredo]=$C0 [teredod]=$C1)
declare -A FLAGS=([miredo]=0 [teredod]=0x100)
declare -A RIP=([miredo]=203.0.113.31 [teredod]=203.0.113.30)
declare -A PID
N=2001:db8:6::2

for b in teredod tests/tools/pktgen tests/tools/teredo_gen tests/tools/teredo_peermem; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built (make all tools)"
done
command -v miredo >/dev/null || fail "miredo not installed (make deps)"

mac() { ns_exec "$1" cat "/sys/class/net/$2/address"; }
rx_packets() { ns_exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
tx_packets() { ns_exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }
now_ns() { date +%s%N; }
percore() { awk -v p="$1" -v c="$2" 'BEGIN { printf "%d", (c > 0) ? (p * 100 / c) : 0 }'; }
row() { printf 'ROW\tteredo\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
tree_pids() { local p; for p in "$@"; do echo "$p"; tree_pids $(pgrep -P "$p"); done; }
cpu_ticks() {	# sum over a process tree
	local s=0 p t
	for p in $(tree_pids "$1"); do
		t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && s=$((s + t))
	done
	echo "$s"
}

setup() {
	ns_new gen4; ns_new rly; ns_new gen6
	ns_link gen4 eth0 rly eth0
	ns_link rly eth1 gen6 eth0
	ns_exec gen4 ip addr add 203.0.113.1/24 dev eth0
	ns_exec gen4 ip addr add 198.51.100.20/24 dev eth0
	ns_exec rly ip addr add 203.0.113.30/24 dev eth0
	ns_exec rly ip addr add 203.0.113.31/24 dev eth0
	ns_exec rly ip route add 198.51.100.0/24 dev eth0
	ns_exec rly ip addr add 2001:db8:6::1/64 dev eth1 nodad
	ns_router rly
	ns_exec gen6 ip addr add $N/64 dev eth0 nodad
	ns_exec gen6 ip -6 route add 2001::/32 via 2001:db8:6::1
	# The sinks drop ARP/ND too: fixed neighbours on the relay.
	ns_exec rly ip neigh replace 198.51.100.20 lladdr "$(mac gen4 eth0)" dev eth0 nud permanent
	ns_exec rly ip neigh replace 203.0.113.1 lladdr "$(mac gen4 eth0)" dev eth0 nud permanent
	ns_exec rly ip neigh replace $N lladdr "$(mac gen6 eth0)" dev eth1 nud permanent
	ns_exec gen6 ip neigh replace 2001:db8:6::1 lladdr "$(mac rly eth1)" dev eth0 nud permanent
	ns_exec gen4 ip neigh replace 203.0.113.30 lladdr "$(mac rly eth0)" dev eth0 nud permanent
	ns_exec gen4 ip neigh replace 203.0.113.31 lladdr "$(mac rly eth0)" dev eth0 nud permanent
	ns_exec rly ip tuntap add mode tun name tdtun
	cat >"$T/teredod.conf" <<-EOF
	BindAddress 203.0.113.30
	BindPort 3544
	InterfaceName tdtun
	NativeAddress 2001:db8:6::1
	ControlSocket $T/teredod.sock
	EOF
	cat >"$T/miredo.conf" <<-EOF
	RelayType relay
	InterfaceName miredo0
	BindAddress 203.0.113.31
	BindPort 3544
	EOF
}

start_relays() {	# both; sets PID[teredod] PID[miredo]
	ns_bg rly taskset -c $RELAY_CPU "$BUILD/teredod" -f -c "$T/teredod.conf"
	PID[teredod]=$NS_LAST_PID
	wait_until 5 test -S "$T/teredod.sock" || return 1
	ns_bg rly taskset -c $RELAY_CPU miredo -f -c "$T/miredo.conf" -p "$T/miredo.pid"
	PID[miredo]=$NS_LAST_PID
	wait_until 5 sh -c "ip -n $(ns_name rly) -6 route | grep -q '^2001::/32 dev miredo0'" ||
	    return 1
	ns_exec rly ip -6 route add $C0/128 dev miredo0
	ns_exec rly ip -6 route add $C1/128 dev tdtun
}

# Make a client address trusted through a real bubble exchange.
establish() {	# address
	ns_exec gen4 env PYTHONPATH="$NETNS_DIR" /usr/bin/python3 -c '
import subprocess, sys, time
from teredo_fake import FakeClients
f = FakeClients()
subprocess.run(["ip", "netns", "exec", sys.argv[1], "/usr/bin/python3", "-c",
    "import socket,sys\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
    "s.sendto(b\"x\"*16,(sys.argv[1],9))", sys.argv[2]], check=True)
ok = False
for i in range(100):
    if f.data[40000]:
        ok = True; break
    time.sleep(0.02)
f.close()
sys.exit(0 if ok else 1)' "$(ns_name gen6)" "$1"
}

sink_on() {
	ns_exec "$1" nft add table netdev jfsink &&
	ns_exec "$1" nft add chain netdev jfsink in \
	    "{ type filter hook ingress device \"eth0\" priority 0; policy drop; }"
}
sink_off() { ns_exec "$1" nft delete table netdev jfsink 2>/dev/null; }

# pps relay dir size [rate]: PPS, OFFERED (kpps), CPU (% of a core).
pps() {
	local cur=$1 dir=$2 size=$3 rate=${4:-0} sink gen g a b ga gb c0 c1 t0 t1 ka
	local rpid=${PID[$1]} ep=${RIP[$1]}:3544 fl=${FLAGS[$1]} dst=${CLI[$1]}
	if [ "$dir" = down ]; then		# native -> client
		sink=gen4 gen=gen6
		# keep C valid (30 s after its last packet) during the run
		ns_exec gen4 "$TGEN" -b 198.51.100.20:40000 -r "$ep" -F "$fl" \
		    -s 203.0.113.1 -d $N -l 64 -t $((SECS + 1)) -p 20 >/dev/null &
		ka=$!
		ns_exec gen6 "$PKTGEN" -i eth0 -d "$(mac rly eth1)" -6 "$N,$dst" \
		    -s "$size" -t "$SECS" -r "$rate" -C $GEN_CPU >"$T/gen.out" 2>&1 &
	else
		sink=gen6 gen=gen4 ka=
		ns_exec gen4 "$TGEN" -b 198.51.100.20:40000 -r "$ep" -F "$fl" \
		    -s 203.0.113.1 -d $N -l "$size" -t "$SECS" -p "$rate" \
		    -C $GEN_CPU >"$T/gen.out" 2>&1 &
	fi
	g=$!
	sleep 1
	a=$(rx_packets $sink eth0); ga=$(tx_packets $gen eth0)
	c0=$(cpu_ticks "$rpid"); t0=$(now_ns)
	sleep "$(awk -v s="$SECS" 'BEGIN { print s - 1.5 }')"
	b=$(rx_packets $sink eth0); gb=$(tx_packets $gen eth0)
	c1=$(cpu_ticks "$rpid"); t1=$(now_ns)
	wait $g || { cat "$T/gen.out"; return 1; }
	[ -n "$ka" ] && wait "$ka"
	PPS=$(( (b - a) * 1000000 / (t1 - t0) ))
	CPU=$(( (c1 - c0) * 100 * 1000000000 / HZ / (t1 - t0) ))
	OFFERED=$(awk '{ printf "%d", $(NF-1) / 1000 }' "$T/gen.out")
	LOSS=0
	[ $((gb - ga)) -gt 0 ] && [ $((b - a)) -lt $((gb - ga)) ] &&
	    LOSS=$(( (gb - ga - (b - a)) * 1000 / (gb - ga) ))
	echo "pps relay=$cur dir=$dir size=$size rate=$rate sink=${PPS}k cpu=${CPU}% loss=${LOSS}permille ($(cat "$T/gen.out"))" >&2
}

declare -A R
# measure dir size [rate]: RUNS alternating runs per relay, best kept.
measure() {
	local i r key=$1.$2
	[ -n "${3:-}" ] && key=$1.fixed
	for r in miredo teredod; do R[$r.$key]=-1; done
	for i in $(seq "$RUNS"); do
		for r in miredo teredod; do
			pps $r "$@" || fail "$r $*"
			if [ "$PPS" -gt "${R[$r.$key]}" ]; then
				R[$r.$key]=$PPS R[$r.$key.cpu]=$CPU R[$r.$key.off]=$OFFERED
			fi
		done
	done
}

# lossfree dir: highest paced rate (100-byte packets) each relay takes
# with under 1% loss, climbing a ladder, runs alternating between relays.
LADDER=${BENCH_TEREDO_LADDER:-25000 50000 100000 150000 200000 300000}
lossfree() {
	local r rate
	declare -A up=([miredo]=1 [teredod]=1)
	R[miredo.$1.lf]=0 R[teredod.$1.lf]=0
	for rate in $LADDER; do
		for r in miredo teredod; do
			[ "${up[$r]}" = 1 ] || continue
			SECS=3 pps $r "$1" 100 "$rate" || fail "$r lossfree $1"
			if [ "$LOSS" -lt 10 ]; then
				R[$r.$1.lf]=$((rate / 1000)) R[$r.$1.lf.cpu]=$CPU
			else
				up[$r]=0
			fi
		done
		[ "${up[miredo]}${up[teredod]}" = 00 ] && break
	done
}

setup
start_relays || fail "relays did not start"
for r in miredo teredod; do
	establish "${CLI[$r]}" || fail "$r: bubble exchange with the fake client failed"
done
for dir in down up; do
	if [ $dir = down ]; then sink_on gen4; else sink_on gen6; fi
	for size in 100 1280; do measure $dir $size; done
	RUNS=1 measure $dir 100 "$FIXED_PPS"
	lossfree $dir
	if [ $dir = down ]; then sink_off gen4; else sink_off gen6; fi
done

for dir in down up; do
	[ $dir = down ] && name="native->client" || name="client->native"
	for size in 100 1280; do
		row "$name pps ${size}B" "${R[teredod.$dir.$size]}" "${R[miredo.$dir.$size]}" kpps \
		    "CPU teredod ${R[teredod.$dir.$size.cpu]}% miredo ${R[miredo.$dir.$size.cpu]}%; offered ${R[teredod.$dir.$size.off]}k/${R[miredo.$dir.$size.off]}k"
	done
	row "$name kpps per relay core 100B" \
	    "$(percore "${R[teredod.$dir.100]}" "${R[teredod.$dir.100.cpu]}")" \
	    "$(percore "${R[miredo.$dir.100]}" "${R[miredo.$dir.100.cpu]}")" kpps/core \
	    "saturation run above: delivered / relay CPU"
	row "$name max rate <1% loss 100B" "${R[teredod.$dir.lf]}" "${R[miredo.$dir.lf]}" kpps \
	    "ladder ${LADDER// /,} pps; CPU there teredod ${R[teredod.$dir.lf.cpu]:-?}% miredo ${R[miredo.$dir.lf.cpu]:-?}%"
	row "$name CPU at $((FIXED_PPS / 1000))k pps" "${R[teredod.$dir.fixed.cpu]}" \
	    "${R[miredo.$dir.fixed.cpu]}" "%core" \
	    "lower is better; delivered ${R[teredod.$dir.fixed]}k / ${R[miredo.$dir.fixed]}k"
done
mem=$("$BUILD/tests/tools/teredo_peermem" 1000000) || fail "teredo_peermem"
echo "$mem" >&2
set -- $mem
row "peer table, 1,000,000 peers" "$(( ($6 - $4) / 1024 ))" - MiB \
    "RSS growth; limit 128 MiB; $(awk -v l="${10}" 'BEGIN { printf "%.1f", l / 1e6 }')M lookups/s"
