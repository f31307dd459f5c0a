#!/bin/bash
# teredod as the relay between real Debian Miredo clients (behind a
# port-restricted, a symmetric and a full-cone NAT, all at once) and a
# native IPv6 host: ping and several MB of TCP both ways, the first native
# packet not lost, and a relay restart after which client->native works at
# once (no native->client traffic first).  TL_MODE=packet
# (teredo_miredo_packet.sh): the same with Input packet and Output packet;
# TL_MODE=packet1 (teredo_miredo_packet1.sh): in the fast mode on one
# uplink for both families (one shared pktout).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

command -v miredo >/dev/null || fail "miredo not installed"
TL_STATE=$T/teredod.state
tl_base
tl_client 1 prc
tl_client 2 sym
tl_client 3 cone
for n in 1 2 3; do tl_wait_client $n; done
ns_bg v6h iperf3 -s -1 -p 5201
ns_bg v6h iperf3 -s -p 5202

declare -A KIND=([1]=prc [2]=sym [3]=cone)
for n in 1 2 3; do
	a=$(tl_teredo_addr $n)
	echo "client $n (${KIND[$n]}): $a"
	# First native packet: queued during the bubble exchange, not lost.
	ns_exec v6h ping -6 -c1 -W5 "$a" >/dev/null ||
	    fail "${KIND[$n]}: first ping v6h -> client lost"
	pass "${KIND[$n]}: first ping v6h -> client answered"
	ns_exec v6h ping -6 -c3 -i0.2 -W2 "$a" >/dev/null ||
	    fail "${KIND[$n]}: ping v6h -> client"
	ns_exec "cli$n" ping -6 -c3 -i0.2 -W2 2001:db8:6::2 >/dev/null ||
	    fail "${KIND[$n]}: ping client -> v6h"
	pass "${KIND[$n]}: ping both ways"
	ns_exec "cli$n" timeout 20 iperf3 -c 2001:db8:6::2 -p 5202 -n 4M \
	    >"$T/iperf-up$n.txt" 2>&1 || fail "${KIND[$n]}: TCP client -> v6h"
	ns_exec "cli$n" timeout 20 iperf3 -c 2001:db8:6::2 -p 5202 -n 4M -R \
	    >"$T/iperf-down$n.txt" 2>&1 || fail "${KIND[$n]}: TCP v6h -> client"
	pass "${KIND[$n]}: 4 MB TCP each way ($(awk '/receiver/ { print $7, $8 }' "$T/iperf-up$n.txt" | head -1) up, $(awk '/receiver/ { print $7, $8 }' "$T/iperf-down$n.txt" | head -1) down)"
done
[ "$(tl_stat drop_rx_mapping_mismatch)" = 0 ] || echo "note: mapping mismatches $(tl_stat drop_rx_mapping_mismatch)"
[ "$(tl_stat rx_bubbles_nonce_ok)" -ge 1 ] ||
    fail "the symmetric-NAT client never answered with a nonce bubble"
pass "symmetric NAT client authenticated by nonce ($(tl_stat rx_bubbles_nonce_ok) bubbles)"
# The 3 x 8 MB of TCP went through the rings and packet output.
case ${TL_MODE:-kernel} in packet|packet1) tl_assert_packet_path 5000 5000 20 ;; esac

# Clean restart (SIGTERM): the trusted peers go to StateFile and come
# back, so every client, the symmetric-NAT one included (its mapping was
# learnt from a nonce bubble), reaches the native host at once.
tl_relay_stop TERM
tl_relay_start
t=$("$BUILD/relayctl" -r -s "$T/teredod.sock" status | awk '$1 == "peers_trusted" { print $2 }')
[ "$t" -ge 3 ] || fail "clean restart: $t trusted peers restored"
pass "clean restart: $t trusted peers restored from StateFile"
for n in 1 2 3; do
	ns_exec "cli$n" ping -6 -c1 -W2 2001:db8:6::2 >/dev/null ||
	    fail "${KIND[$n]}: client -> v6h right after a clean relay restart"
	pass "${KIND[$n]}: client -> v6h works right after a clean relay restart"
done
[ "$(tl_stat drop_rx_mapping_mismatch)" = 0 ] || fail "mismatches after a clean restart"

# Crash (SIGKILL, no state): the new teredod knows nobody.  Client ->
# native must still work at once for clients whose NAT keeps the mapping
# (prc, cone): a consistent packet (UDP source = mapping in the address)
# from a peer it never saw is relayed; the native reply takes one bubble
# exchange.  (The symmetric client recovers when Miredo redoes its
# connectivity test, <= 30 s, as with any relay without its state.)
tl_relay_stop KILL
rm -f "$T/teredod.state"
tl_relay_start
for n in 1 3; do
	ns_exec "cli$n" ping -6 -c1 -W2 2001:db8:6::2 >/dev/null ||
	    fail "${KIND[$n]}: client -> v6h right after a relay crash"
	pass "${KIND[$n]}: client -> v6h works right after a relay crash"
done
[ "$(tl_stat rx_from_unknown_peer)" -ge 2 ] || fail "rx_from_unknown_peer not counted"
pass "crash: client -> native relayed from unknown peers ($(tl_stat rx_from_unknown_peer) packets; replies after $(tl_stat bubbles_sent) bubble exchanges)"
