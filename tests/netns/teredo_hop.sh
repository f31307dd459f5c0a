#!/bin/bash
# A relay host is one hop (RFC 4213 3.3; RFC 8200 3): the hop limit read
# beyond teredod's host, on the native host's link and in the client's
# datagrams, is the sent one minus 1, in both directions and in every I/O
# mode: kernel (TUN and UDP socket), Input packet, Output packet, both.
# Hop limit 1 gets Time Exceeded back and is not forwarded; bursts check
# every packet, including those Output packet sends the kernel's way (the
# once-a-second kick).  The cases: teredo_hop.py.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

export TL_GW4=203.0.113.1 TL_GW6=2001:db8:6::2
tl_small
for mode in ${TEREDO_HOP_MODES:-kernel packet-in packet-out packet}; do
	if [ "$mode" != "${TL_MODE:-kernel}" ]; then
		tl_relay_stop
		ns_exec rly nft delete table netdev jfteredo 2>/dev/null
		TL_MODE=$mode
		tl_conf_relay 203.0.113.20 3545
		tl_relay_start
	fi
	tl_py wan "$(dirname "$0")/teredo_hop.py" ||
		fail "teredod is not one hop with TL_MODE $mode"
	pass "teredod is one hop with TL_MODE $mode"
done
