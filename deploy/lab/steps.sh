# shellcheck shell=bash
# The demo's steps (sourced by lab.sh).  `step "title" fn args` runs fn
# with its output captured; the last line is the step's result, printed
# after the mark and the time the step took; output written to fd 3 is
# shown in full (tables).  A failed step is marked ✘ with its last
# output lines, fails the run, and the later steps still run unless the
# lab cannot work without it (setup steps).

LAB_OK="✔"
LAB_FAIL="✘"
LAB_FAILED=0
LAB_FAILED_STEPS=""
LAB_PING_INTERVAL=0.01

lab_secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

step() {
	local title=$1 t0 t1 rc out
	shift
	t0=$(lab_now_ms)
	"$@" >"$LAB_DIR/step.out" 2>&1
	rc=$?
	t1=$(lab_now_ms)
	out=$(cat "$LAB_DIR/step.out")
	if [ $rc -eq 0 ]; then
		printf '%s %-46s %6ss  %s\n' "$LAB_OK" "$title" \
		    "$(lab_secs $((t1 - t0)))" "$(echo "$out" | tail -n 1)"
	else
		LAB_FAILED=$((LAB_FAILED + 1))
		LAB_FAILED_STEPS="$LAB_FAILED_STEPS|$title"
		printf '%s %-46s %6ss  FAILED\n' "$LAB_FAIL" "$title" \
		    "$(lab_secs $((t1 - t0)))"
		echo "$out" | tail -n 20 | sed 's/^/      | /'
	fi
	return $rc
}

# ---- FIB and BGP views -----------------------------------------------------

# Next hops of a BGP route in a node's kernel FIB, sorted, one line.
lab_fib_nh() {	# node prefix [-6]
	lab_exec "$1" ip ${3:-} route show "$2" proto bgp 2>/dev/null |
	    grep -o 'via [0-9a-f.:]*' | awk '{ print $2 }' | sort | tr '\n' ' ' |
	    sed 's/ $//'
}
lab_fib_count() { lab_fib_nh "$@" | wc -w; }
lab_fib_is() {	# node prefix family count
	[ "$(lab_fib_count "$1" "$2" "$3")" -eq "$4" ]
}

# What the whole lab must show once converged: prefix, family, paths in
# the speaker's FIB.  The IX reaches each of them through a BGP route of
# its own (the speaker's aggregates: LAB_IX_WANT).
LAB_EXPECT="192.88.99.1/32,-4,2 198.18.1.11/32,-4,1 198.18.1.12/32,-4,1
192.88.99.3/32,-4,1 192.88.99.4/32,-4,1 $LAB_TEREDO4/32,-4,1
2002::/16,-6,2 2001::/32,-6,1"

# Everything the IX peer may learn from the relay AS, and nothing else:
# what real peers accept (no IPv4 longer than /24, no IPv6 longer than /48).
LAB_IX_WANT="192.88.99.0/24 $LAB_OWN4 2002::/16 2001::/32"

lab_ix_reaches() {	# prefix family: the IX has a BGP route covering it
	lab_exec ix ip "$2" route show match "$1" proto bgp 2>/dev/null | grep -q .
}

lab_converged() {
	local e p f n
	for e in $LAB_EXPECT; do
		IFS=, read -r p f n <<<"$e"
		lab_fib_is spk "$p" "$f" "$n" || return 1
		lab_ix_reaches "$p" "$f" || return 1
	done
}

lab_sorted() { tr ' ' '\n' | grep . | LC_ALL=C sort | paste -sd ' '; }

# Every prefix in a node's IPv4 and IPv6 BGP tables, sorted, one line.
lab_bgp_prefixes() {	# node
	local afi
	for afi in ipv4 ipv6; do
		lab_vtysh "$1" -c "show bgp $afi unicast json"
	done | /usr/bin/python3 -c '
import json, sys
s, i, dec = sys.stdin.read(), 0, json.JSONDecoder()
while True:
    while i < len(s) and s[i].isspace():
        i += 1
    if i >= len(s):
        break
    d, i = dec.raw_decode(s, i)
    for p in d.get("routes", {}):
        print(p)' | lab_sorted
}

lab_ix_is() {	# "prefixes": exactly these in the IX's BGP tables
	[ "$(lab_bgp_prefixes ix)" = "$(echo "$1" | lab_sorted)" ]
}

lab_bgp_has() {	# node prefix: in the node's BGP table (either family)
	lab_bgp_prefixes "$1" | tr ' ' '\n' | grep -qx "$2"
}

lab_bgp_lacks() {	# node prefix...: none of them in the node's BGP tables
	local have p
	have=$(lab_bgp_prefixes "$1"); shift
	for p in "$@"; do
		echo "$have" | tr ' ' '\n' | grep -qx "$p" && return 1
	done
	return 0
}

# Prefixes of a set longer than /24 (IPv4) or /48 (IPv6).
lab_too_long() {
	tr ' ' '\n' | awk -F/ 'NF == 2 && (($1 ~ /:/ && $2 > 48) || ($1 !~ /:/ && $2 > 24))' |
	    paste -sd ' '
}

lab_bgp_paths() {	# node afi prefix: number of paths in bgpd
	lab_vtysh "$1" -c "show bgp $2 unicast $3" |
	    sed -n 's/.*Paths: (\([0-9]*\) available.*/\1/p'
}

lab_bgp_paths_is() { [ "$(lab_bgp_paths "$1" "$2" "$3")" = "$4" ]; }

# ---- setup steps ----------------------------------------------------------

st_prereq() {
	local b missing=""
	for b in relay4to6 relay6to4 teredod bgpglue relayctl \
	    tests/tools/sixtofour_host; do
		[ -x "$BUILD/$b" ] || missing="$missing $BUILD/$b"
	done
	for b in /usr/lib/frr/zebra /usr/lib/frr/bgpd /usr/bin/vtysh; do
		[ -x $b ] || missing="$missing $b(frr)"
	done
	for b in miredo miredo-server nft iperf3 ping; do
		command -v $b >/dev/null || missing="$missing $b"
	done
	[ -z "$missing" ] || { echo "missing:$missing (make deps all tools)"; return 1; }
	echo "daemons in $BUILD; frr, miredo, miredo-server, nft, iperf3"
}

st_topology() {
	lab_topo_namespaces || return 1
	lab_topo_addresses || return 1
	echo "$(lab_namespaces | wc -l) namespaces $LAB_PFX-{$(echo $LAB_NODES | tr ' ' ,)}"
}

st_frr() {
	lab_frr_all || return 1
	echo "zebra+bgpd in ix (AS $LAB_IX_AS), spk (AS $LAB_AS), vm1..vm5"
}

st_relays() {
	local i
	for i in $LAB_VMS; do lab_relay_start "$i" || return 1; done
	for i in $LAB_VMS; do lab_glue_start "$i" || return 1; done
	echo "2 relay4to6, 2 relay6to4, 1 teredod, 5 bgpglue"
}

st_edge() {
	lab_site_start || return 1
	lab_teredo_edge_start || return 1
	lab_bg v6 iperf3 iperf3 -s -p 5201
	echo "6to4 site router, miredo-server, miredo client behind NAT"
}

st_converge() {
	lab_wait 60 lab_converged || {
		local e p f n
		for e in $LAB_EXPECT; do
			IFS=, read -r p f n <<<"$e"
			echo "$p: spk [$(lab_fib_nh spk "$p" "$f")] ix [$(lab_fib_nh ix "$p" "$f")], want $n"
		done
		return 1
	}
	lab_wait 30 test -n "$(lab_teredo_addr)" ||
	    { echo "miredo client did not qualify"; return 1; }
	echo "8 prefixes on spk (ECMP 2+2), all reachable from ix, Teredo client $(lab_teredo_addr)"
}

# ---- the speaker's BGP table ----------------------------------------------

st_bgp_table() {
	local afi
	for afi in ipv4 ipv6; do
		lab_vtysh spk -c "show bgp $afi unicast" |
		    sed -n '/Network/,$p' | grep -v '^$' | sed 's/^/      /' >&3
	done
	# The speaker originates its two aggregates and nothing else: every
	# relay prefix is an iBGP path from a VM.
	local own
	own=$(lab_vtysh spk -c "show bgp ipv4 unicast" -c "show bgp ipv6 unicast" |
	    grep -E '^ *\*[>=]? ' | grep -vE '^ *\*[>=]?i' |
	    sed -E 's/^ *\*[>=]? +([0-9a-f.:]+\/[0-9]+).*/\1/' | lab_sorted)
	[ "$own" = "$(echo "192.88.99.0/24 $LAB_OWN4" | lab_sorted)" ] ||
	    { echo "the speaker's own paths: '$own', want 192.88.99.0/24 $LAB_OWN4"; return 1; }
	lab_vtysh ix -c "show bgp ipv4 unicast 192.88.99.0/24" | grep -qw "$LAB_AS" ||
	    { echo "ix does not see 192.88.99.0/24 from AS $LAB_AS"; return 1; }
	echo "speaker: $(lab_bgp_paths spk ipv4 $LAB_ANYCAST/32) iBGP paths to $LAB_ANYCAST, $(lab_bgp_paths spk ipv6 2002::/16) to 2002::/16, aggregates 192.88.99.0/24 and $LAB_OWN4; ix: AS path $LAB_AS"
}

# ---- what the IX peer sees (docs/speaker.md) ------------------------------

# Exactly LAB_IX_WANT, no /32: the VMs' /32s stay inside the AS.
st_ix_table() {
	local got
	lab_wait 10 lab_ix_is "$LAB_IX_WANT"
	got=$(lab_bgp_prefixes ix)
	lab_vtysh ix -c "show bgp ipv4 unicast" -c "show bgp ipv6 unicast" |
	    grep -E '^ *\*' | sed 's/^/      ix: /' >&3
	[ -z "$(echo "$got" | lab_too_long)" ] ||
	    { echo "the IX learned $(echo "$got" | lab_too_long): longer than real peers accept"; return 1; }
	[ "$got" = "$(echo "$LAB_IX_WANT" | lab_sorted)" ] ||
	    { echo "the IX learned '$got', want '$(echo "$LAB_IX_WANT" | lab_sorted)'"; return 1; }
	# What the /24 draws in beyond the /32s is dropped at the speaker, not
	# looped between it and a 4->6 VM (the two ip rules, docs/speaker.md).
	lab_exec spk ip route get 192.88.99.200 >/dev/null 2>&1 &&
	    { echo "the speaker forwards 192.88.99.200: $(lab_exec spk ip route get 192.88.99.200)"; return 1; }
	lab_exec spk ip route get 192.88.99.3 | grep -q 'via 198.18.0.13 ' ||
	    { echo "the speaker does not route 192.88.99.3 to vm3"; return 1; }
	echo "the IX peer learned $(echo "$got" | wc -w) prefixes: $got; no /32"
}

# Both 4->6 relays die (by PID, as the lab records them): 192.88.99.0/24
# leaves the IX although the 6->4 VMs still announce their 192.88.99.X/32
# inside; the rest stays.
st_ix_anycast_down() {
	local t0 t1 i rest
	t0=$(lab_now_ms)
	lab_stop vm1 relay4to6
	lab_stop vm2 relay4to6
	rest=${LAB_IX_WANT/192.88.99.0\/24/}
	lab_wait 15 lab_ix_is "$rest" ||
	    { echo "the IX has '$(lab_bgp_prefixes ix)', want '$(echo "$rest" | lab_sorted)'"; return 1; }
	t1=$(lab_now_ms)
	# The /24 left because the speaker lost 192.88.99.1/32 (already
	# gone from its BGP table); the IX's FIB follows its BGP table.
	lab_bgp_has spk $LAB_ANYCAST/32 &&
	    { echo "the speaker still has $LAB_ANYCAST/32"; return 1; }
	lab_wait 5 sh -c "! ip -n $(lab_ns ix) route show match $LAB_ANYCAST proto bgp | grep -q ." ||
	    { echo "the IX still routes $LAB_ANYCAST"; return 1; }
	for i in 3 4; do
		lab_bgp_has spk 192.88.99.$i/32 ||
		    { echo "vm$i's 192.88.99.$i/32 left the speaker"; return 1; }
	done
	echo "both relay4to6 killed: 192.88.99.0/24 left the IX after $((t1 - t0)) ms; the speaker still has 192.88.99.3/32 and .4/32 from the 6->4 VMs"
}

# One comes back: the /24 returns.  The second comes back whatever the
# first showed, so that a failure here does not break the later steps.
st_ix_anycast_up() {
	local t0 t1 ok=0
	t0=$(lab_now_ms)
	lab_relay_start 1 || return 1
	lab_wait 15 lab_ix_is "$LAB_IX_WANT" && ok=1
	t1=$(lab_now_ms)
	lab_relay_start 2 || return 1
	[ $ok = 1 ] || { echo "the IX has '$(lab_bgp_prefixes ix)'"; return 1; }
	lab_wait 15 lab_fib_is spk $LAB_ANYCAST/32 -4 2 ||
	    { echo "speaker has $(lab_fib_nh spk $LAB_ANYCAST/32 -4) for $LAB_ANYCAST"; return 1; }
	echo "vm1's relay4to6 back: 192.88.99.0/24 at the IX again after $((t1 - t0)) ms; vm2's too: ECMP 2"
}

# Both 6->4 relays die: 2002::/16 leaves the IX, 192.88.99.0/24 stays (a
# 4->6 VM still announces 192.88.99.1/32); then both come back.
st_ix_6to4_cycle() {
	local t0 t1 t2 rest why=""
	t0=$(lab_now_ms)
	lab_stop vm3 relay6to4
	lab_stop vm4 relay6to4
	rest=${LAB_IX_WANT/2002::\/16/}
	lab_wait 15 lab_ix_is "$rest" ||
	    why="the IX has '$(lab_bgp_prefixes ix)', want '$(echo "$rest" | lab_sorted)'"
	t1=$(lab_now_ms)
	[ -n "$why" ] || lab_wait 5 lab_bgp_lacks spk 192.88.99.3/32 192.88.99.4/32 ||
	    why="a dead 6->4 VM's /32 is still at the speaker"
	[ -n "$why" ] || lab_bgp_has ix 192.88.99.0/24 ||
	    why="192.88.99.0/24 left the IX with the 6->4 VMs"
	# Back in any case, so that a failure here does not break later steps.
	lab_relay_start 3 || return 1
	lab_relay_start 4 || return 1
	[ -z "$why" ] || { echo "$why"; return 1; }
	lab_wait 15 lab_ix_is "$LAB_IX_WANT" ||
	    { echo "the IX has '$(lab_bgp_prefixes ix)'"; return 1; }
	t2=$(lab_now_ms)
	lab_wait 15 lab_fib_is spk 2002::/16 -6 2 ||
	    { echo "speaker has $(lab_fib_nh spk 2002::/16 -6) for 2002::/16"; return 1; }
	echo "both relay6to4 killed: 2002::/16 left the IX after $((t1 - t0)) ms, 192.88.99.0/24 stayed; restarted: back after $((t2 - t1)) ms"
}

# The IX announces our own prefixes back (a hijack, or a leak): the
# speaker refuses them, so they can neither pull the anycast out of the
# AS (eBGP wins over iBGP) nor keep 192.88.99.0/24 up without a relay.
lab_updates_from_ix() {
	lab_vtysh spk -c "show bgp neighbors 198.18.255.1 json" |
	    /usr/bin/python3 -c 'import json, sys
print(json.load(sys.stdin)["198.18.255.1"]["messageStats"]["updatesRecv"])'
}
lab_updates_from_ix_ge() { [ "$(lab_updates_from_ix)" -ge "$1" ]; }

lab_ix_originate() {	# "" or "no": the IX (un)announces our prefixes
	lab_vtysh ix -c 'conf t' -c "router bgp $LAB_IX_AS" \
	    -c 'no bgp network import-check' -c 'address-family ipv4 unicast' \
	    -c "$1 network $LAB_ANYCAST/32" -c "$1 network $LAB_TEREDO4/32" \
	    -c 'exit-address-family' -c 'address-family ipv6 unicast' \
	    -c "$1 network 2002::/16" -c 'exit-address-family' >/dev/null
}

st_ix_hijack() {
	local u0 p why=""
	u0=$(lab_updates_from_ix)
	[ -n "$u0" ] || { echo "no eBGP session to the IX"; return 1; }
	lab_ix_originate ""
	lab_wait 10 lab_bgp_has ix $LAB_ANYCAST/32 ||
	    { echo "the IX did not originate $LAB_ANYCAST/32"; lab_ix_originate no; return 1; }
	# Both families' UPDATEs have reached the speaker: its verdict is in.
	lab_wait 10 lab_updates_from_ix_ge $((u0 + 2)) ||
	    why="the speaker got no UPDATE from the IX"
	for p in "ipv4 $LAB_ANYCAST/32" "ipv4 $LAB_TEREDO4/32" "ipv6 2002::/16"; do
		[ -z "$why" ] || break
		lab_vtysh spk -c "show bgp ${p% *} unicast ${p#* }" |
		    grep -q 'from 198.18.255.1 ' && why="the speaker took ${p#* } from the IX"
	done
	[ -n "$why" ] || [ "$(lab_fib_nh spk $LAB_ANYCAST/32)" = "198.18.0.11 198.18.0.12" ] ||
	    why="the speaker routes $LAB_ANYCAST via $(lab_fib_nh spk $LAB_ANYCAST/32)"
	lab_ix_originate no
	[ -z "$why" ] || { echo "$why"; return 1; }
	lab_wait 10 lab_ix_is "$LAB_IX_WANT" ||
	    { echo "the IX has '$(lab_bgp_prefixes ix)' after withdrawing"; return 1; }
	echo "the IX announced $LAB_ANYCAST/32, $LAB_TEREDO4/32, 2002::/16: the speaker refused them, anycast still via vm1+vm2"
}

# ---- traffic steps --------------------------------------------------------

# Packets the kernel dropped machine-wide because a CPU's backlog was full
# (/proc/net/softnet_stat, 2nd column).  Every netns shares that backlog
# (net.core.netdev_max_backlog): when other jobs flood veths (benchmarks),
# some of our packets die there, never seen by our relays.  Shown next to
# any loss, so a reader can tell a loaded machine from a broken path.
lab_backlog_drops() {
	local a b rest s=0
	while read -r a b rest; do s=$((s + 16#$b)); done </proc/net/softnet_stat
	echo $s
}

# The longest run of consecutive echoes without a reply, from ping's
# output (replies carry icmp_seq=N): a path that breaks loses a run.
lab_ping_gap() {	# file
	awk '/ packet loss/ { tx = $1 }
	    { if (match($0, /icmp_seq=[0-9]+/)) got[substr($0, RSTART + 9, RLENGTH - 9) + 0] = 1 }
	    END { for (i = 1; i <= tx; i++) { if (i in got) r = 0; else if (++r > m) m = r }
		  print m + 0 }' "$1"
}

# 20 echoes.  The path works when at least half come back: one source
# hashes onto one relay, so a broken path (or relay) loses them all; a
# few losses on a loaded machine are shown with the kernel's backlog drops.
st_ping() {	# from_node to_addr
	local out tx rx rtt b0 d
	b0=$(lab_backlog_drops)
	out=$(lab_exec "$1" ping -6 -c 20 -i 0.05 -W 2 "$2" 2>&1)
	d=$(( $(lab_backlog_drops) - b0 ))
	read -r tx rx <<<"$(echo "$out" | awk '/ packet loss/ { print $1, $4 }')"
	tx=${tx:-0} rx=${rx:-0}
	rtt=$(echo "$out" | awk -F '[/ ]+' '/^rtt/ { printf "RTT min/avg/max %s/%s/%s ms", $7, $8, $9 }')
	echo -n "$rx/$tx replies, $rtt"
	[ "$rx" -lt "$tx" ] && echo -n " ($((tx - rx)) lost; kernel backlog drops meanwhile: $d)"
	echo
	[ "$tx" -gt 0 ] && [ $((rx * 2)) -ge "$tx" ]
}

st_tcp() {	# from_node to_addr bytes [-R]: iperf3 against v6's server
	local out rate
	out=$(lab_exec "$1" timeout 30 iperf3 -6 -c "$2" -p 5201 -n "$3" -f m ${4:-} 2>&1) ||
	    { echo "$out"; return 1; }
	rate=$(echo "$out" | awk '/receiver/ { print $7; exit }')
	[ -n "$rate" ] || { echo "$out"; return 1; }
	echo "$3 bytes${4:+ (reverse)}: $rate Mbit/s"
}

# Forwarded-packet counters of the two relay4to6.
lab_fwd46() { echo "$(lab_counter vm1 relay4to6 forwarded) $(lab_counter vm2 relay4to6 forwarded)"; }

# Failover: kill the relay4to6 that carries the site's traffic while the
# site pings the native host every 10 ms.  bgpglue sees the relay's
# control socket close, withdraws through zebra, the speaker drops that
# next hop; the other VM carries on.
st_failover() {
	local a b c d v s t0 t1 lost tx rx surv0 gap
	read -r a b <<<"$(lab_fwd46)"
	lab_exec site ping -6 -c 20 -i 0.01 -W 1 $LAB_V6 >/dev/null
	read -r c d <<<"$(lab_fwd46)"
	if [ $((c - a)) -ge $((d - b)) ]; then v=1 s=2; else v=2 s=1; fi
	LAB_VICTIM=$v
	surv0=$(lab_counter vm$s relay4to6 forwarded)
	lab_exec site ping -6 -c 500 -i $LAB_PING_INTERVAL -W 1 $LAB_V6 \
	    >"$LAB_DIR/failover.ping" 2>&1 &
	local pp=$!
	sleep 0.5
	t0=$(lab_now_ms)
	lab_stop vm$v relay4to6
	lab_wait 10 lab_fib_is spk $LAB_ANYCAST/32 -4 1 ||
	    { echo "speaker still has $(lab_fib_nh spk $LAB_ANYCAST/32)"; kill $pp 2>/dev/null; return 1; }
	t1=$(lab_now_ms)
	[ "$(lab_fib_nh spk $LAB_ANYCAST/32)" = 198.18.0.1$s ] ||
	    { echo "speaker kept the wrong next hop"; kill $pp 2>/dev/null; return 1; }
	wait $pp
	read -r tx rx <<<"$(awk '/packet loss/ { print $1, $4 }' "$LAB_DIR/failover.ping")"
	lost=$((tx - rx))
	gap=$(lab_ping_gap "$LAB_DIR/failover.ping")
	[ $(( $(lab_counter vm$s relay4to6 forwarded) - surv0 )) -gt 100 ] ||
	    { echo "vm$s did not take over the traffic"; return 1; }
	[ "$rx" -gt 0 ] && tail -n 1 "$LAB_DIR/failover.ping" | grep -q rtt ||
	    { cat "$LAB_DIR/failover.ping"; return 1; }
	LAB_FAILOVER_MS=$((t1 - t0))
	echo "killed vm$v's relay4to6: speaker dropped it in $((t1 - t0)) ms; vm$s carries on; ping every 10 ms: $rx/$tx, longest gap $gap echoes (~$((gap * 10)) ms)"
}

st_failback() {
	local v=${LAB_VICTIM:-1} t0 t1
	t0=$(lab_now_ms)
	lab_relay_start $v || return 1
	lab_wait 15 lab_fib_is spk $LAB_ANYCAST/32 -4 2 ||
	    { echo "speaker has $(lab_fib_nh spk $LAB_ANYCAST/32)"; return 1; }
	t1=$(lab_now_ms)
	# The site's traffic works again, and shows which VM carries it (the
	# ECMP hash of the same set of next hops: normally vm$v again).
	local f0 f1 who
	f0=$(lab_counter vm$v relay4to6 forwarded)
	lab_wait 5 lab_exec site ping -6 -c 5 -i 0.05 -W 1 $LAB_V6 ||
	    { echo "site -> native broken after failback"; return 1; }
	f1=$(lab_counter vm$v relay4to6 forwarded)
	who="vm$v"; [ $((f1 - f0)) -ge 5 ] || who="the other VM"
	echo "vm$v's relay4to6 restarted: back in the speaker's ECMP after $((t1 - t0)) ms (bgpglue rise 2 x ${LAB_GLUE_INTERVAL} ms); the site's traffic goes through $who"
}

# Drain vm3 (relay6to4): graceful shutdown first (local-pref 0, leaves the
# ECMP set while vm4 announces), withdrawal after DrainTimeMs; native ->
# 6to4 traffic keeps flowing the whole time.
st_drain() {
	local t0 t1 t2 lp tx rx pp b0 d gap note=""
	b0=$(lab_backlog_drops)
	lab_exec v6 ping -6 -c 600 -i $LAB_PING_INTERVAL -W 1 $LAB_SITE6 \
	    >"$LAB_DIR/drain.ping" 2>&1 &
	pp=$!
	sleep 0.3
	t0=$(lab_now_ms)
	lab_ctl vm3 bgpglue drain >/dev/null || { echo "drain refused"; kill $pp 2>/dev/null; return 1; }
	lab_wait 10 lab_fib_is spk 2002::/16 -6 1 ||
	    { echo "speaker still has 2 next hops"; kill $pp 2>/dev/null; return 1; }
	t1=$(lab_now_ms)
	lp=$(lab_vtysh spk -c "show bgp ipv6 unicast 2002::/16" |
	    grep -c 'localpref 0')
	lab_vtysh spk -c "show bgp ipv6 unicast 2002::/16" |
	    grep -E 'Paths|Community|localpref|from' | sed 's/^ */      /' >&3
	lab_wait 15 lab_bgp_paths_is spk ipv6 2002::/16 1 ||
	    { echo "drained path never withdrawn"; kill $pp 2>/dev/null; return 1; }
	t2=$(lab_now_ms)
	wait $pp
	read -r tx rx <<<"$(awk '/packet loss/ { print $1, $4 }' "$LAB_DIR/drain.ping")"
	[ "$lp" -ge 1 ] || { echo "no local-pref 0 path seen while draining"; return 1; }
	# Graceful: no gap in the traffic.  A blackhole at the switch-over or
	# at the withdrawal would lose a run of echoes at least as long as the
	# speaker's reaction (~150 ms, 15 echoes); scattered losses on a loaded
	# machine (runs of a few) are shown, with the kernel's backlog drops.
	gap=$(lab_ping_gap "$LAB_DIR/drain.ping")
	d=$(( $(lab_backlog_drops) - b0 ))
	[ "$rx" -lt "$tx" ] && note=" ($((tx - rx)) lost, longest run $gap; kernel backlog drops meanwhile: $d)"
	[ "$gap" -lt 10 ] && [ $(( (tx - rx) * 20 )) -le "$tx" ] ||
	    { echo "drain lost $((tx - rx)) of $tx pings$note"; return 1; }
	echo "vm3 drained: out of ECMP in $((t1 - t0)) ms (graceful-shutdown, local-pref 0), withdrawn after $((t2 - t0)) ms; ping native->site every 10 ms: $rx/$tx$note"
}

st_undrain() {
	local t0 t1
	t0=$(lab_now_ms)
	lab_ctl vm3 bgpglue undrain >/dev/null || { echo "undrain refused"; return 1; }
	lab_wait 10 lab_fib_is spk 2002::/16 -6 2 || { echo "vm3 not back"; return 1; }
	t1=$(lab_now_ms)
	echo "vm3 undrained: back in the speaker's ECMP after $((t1 - t0)) ms"
}

# A data path dies while the daemon still answers: remove vm4's route into
# relay6to4's TUN.  bgpglue's probe (native IPv6 to 2002:<vm4>::, back in
# protocol 41 through the relay) fails ProbeFall times and withdraws.
st_probe_cut() {
	local t0 t1 t2
	t0=$(lab_now_ms)
	lab_exec vm4 ip -6 route del 2002::/16 dev r64tun table 64 ||
	    { echo "could not cut the route"; return 1; }
	lab_wait 10 lab_fib_is spk 2002::/16 -6 1 ||
	    { echo "speaker still has 2 next hops"; return 1; }
	t1=$(lab_now_ms)
	lab_ctl vm4 bgpglue status | grep -E '^(announce|reason|check_probe) ' |
	    sed 's/^/      vm4 bgpglue: /' >&3
	# It stays withdrawn (no flapping through another VM's relay: the
	# unreachable fallback of justforward-routes stops the probe here).
	sleep 1
	lab_fib_is spk 2002::/16 -6 1 &&
	    lab_ctl vm4 bgpglue status | grep -q '^announce *withdrawn' ||
	    { echo "vm4 came back while its data path is cut"; return 1; }
	lab_relay_routes 4
	lab_wait 10 lab_fib_is spk 2002::/16 -6 2 ||
	    { echo "vm4 not back after the route came back"; return 1; }
	t2=$(lab_now_ms)
	echo "vm4's TUN route removed: probe withdrew it in $((t1 - t0)) ms, stayed out; route back: announced again after $((t2 - t1 - 1000)) ms"
}

# Every relay's counters side by side (non-zero rows), then bgpglue's.
st_counters() {
	local i f cols="" files=""
	for i in $LAB_VMS; do
		f=$LAB_DIR/vm$i/stats.relay
		lab_ctl vm$i "${LAB_ROLE[$i]}" stats >"$f" || return 1
		files="$files $f"; cols="$cols vm$i:${LAB_ROLE[$i]}"
	done
	lab_table "$cols" $files >&3
	files=""; cols=""
	for i in $LAB_VMS; do
		f=$LAB_DIR/vm$i/stats.glue
		lab_ctl vm$i bgpglue stats >"$f" || return 1
		files="$files $f"; cols="$cols vm$i:bgpglue"
	done
	lab_table "$cols" $files >&3
	echo "$(awk '$1 == "forwarded" { s += $2 } END { print s + 0 }' \
	    "$LAB_DIR"/vm[1-4]/stats.relay) packets forwarded by the 6to4 relays"
}

lab_table() {	# "col names" files...: counter rows x relay columns
	local cols=$1; shift
	awk -v cols="$cols" '
	    BEGIN { nc = split(cols, c, " ") }
	    FNR == 1 { f++ }
	    NF == 2 && $2 ~ /^[0-9]+$/ {
		if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
		v[$1, f] = $2; if ($2 != 0) nz[$1] = 1 }
	    END {
		printf "      %-28s", "counter"
		for (j = 1; j <= nc; j++) printf " %15s", c[j]
		printf "\n"
		for (k = 1; k <= n; k++) {
			if (!(order[k] in nz)) continue
			printf "      %-28s", order[k]
			for (j = 1; j <= nc; j++)
				printf " %15s", ((order[k], j) in v) ? v[order[k], j] : "-"
			printf "\n"
		}
	    }' "$@"
}

# ---- main -------------------------------------------------------------------

lab_main() {
	local t0 tc
	t0=$(lab_now_ms)
	exec 3>&1
	echo "justforward lab: AS $LAB_AS relays in namespaces $LAB_PFX-* (build $BUILD)"
	sed -n '/^#   *IPv4 Internet/,/^#  *+ 198.18.1.11/p' "$LAB_TOP/deploy/lab/topo.sh" |
	    sed 's/^#/ /'

	step "prerequisites" st_prereq || return 1
	step "topology (12 namespaces, veths, bridges, NAT)" st_topology || return 1
	step "FRR: IX peer, speaker, 5 relay VMs" st_frr || return 1
	step "relays and bgpglue in vm1..vm5" st_relays || return 1
	step "6to4 site, Teredo server and client" st_edge || return 1
	tc=$(lab_now_ms)
	step "convergence (BGP, FIBs, Teredo qualified)" st_converge || return 1
	LAB_CONVERGE_MS=$(( $(lab_now_ms) - tc ))
	[ "$cmd" = up ] && return 0
	step "speaker's BGP table (relay prefixes, paths)" st_bgp_table
	step "IX peer: the aggregates only, no /32" st_ix_table
	step "IX: kill both relay4to6, 192.88.99.0/24 leaves" st_ix_anycast_down
	step "IX: relay4to6 back, 192.88.99.0/24 returns" st_ix_anycast_up
	step "IX: kill both relay6to4, 2002::/16 leaves" st_ix_6to4_cycle
	step "IX announces our prefixes back: refused" st_ix_hijack
	step "ping 6to4 site -> native (via relay4to6)" st_ping site $LAB_V6
	step "ping native -> 6to4 site (via relay6to4)" st_ping v6 $LAB_SITE6
	step "TCP 6to4 site -> native" st_tcp site $LAB_V6 16M
	step "TCP native -> 6to4 site" st_tcp site $LAB_V6 16M -R
	step "ping Teredo client -> native (via teredod)" st_ping tcli $LAB_V6
	step "ping native -> Teredo client" st_ping v6 "$(lab_teredo_addr)"
	step "TCP Teredo client -> native" st_tcp tcli $LAB_V6 4M
	step "TCP native -> Teredo client" st_tcp tcli $LAB_V6 4M -R
	step "failover: kill the busy relay4to6" st_failover
	step "failover: bring it back" st_failback
	step "drain vm3 (relay6to4) under traffic" st_drain
	step "undrain vm3" st_undrain
	step "data path cut on vm4 (probe, daemon still up)" st_probe_cut
	step "counters of every relay and bgpglue" st_counters
	echo "lab: $(lab_secs $(( $(lab_now_ms) - t0 )))s in all"
	if [ $LAB_FAILED -ne 0 ]; then
		echo "lab: $LAB_FAILED step(s) FAILED:$(echo "$LAB_FAILED_STEPS" | tr '|' '\n' | sed 's/^/ /' | paste -sd ';')"
		return 1
	fi
	echo "lab: all steps passed"
}

lab_show_logs() {
	local f
	for f in "$LAB_DIR"/log/*.log; do
		[ -s "$f" ] || continue
		echo "--- $f (last 10 lines)"
		tail -n 10 "$f"
	done
}

lab_status() {
	local ns p
	if ! lab_is_up; then echo "lab: no lab $LAB_PFX up"; return 0; fi
	for ns in $(lab_namespaces); do
		printf '%-16s' "$ns"
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			printf ' %s(%s)' "$(cat /proc/$p/comm 2>/dev/null)" "$p"
		done
		echo
	done
}
