#!/bin/bash
# LocalSubnet (RFC 4380 5.4.1: never a directed broadcast of the host's
# subnets): native packets to Teredo addresses whose client or server is
# such a broadcast leave nothing on the IPv4 wire (captured in "wan", the
# far side) and move their own counter by exactly the number sent; Teredo
# packets claiming such a source are not relayed.  See teredo_subnet.py.
#
# LocalSubnet 203.0.113.0/24 is rly's own link (the kernel knows its
# broadcast: in the TUN mode only its EACCES stopped the bubble);
# 192.0.2.0/25 stands for a subnet of the relay's that this host does not
# see as a link (the address on lo, the /25 on the router): its broadcast
# 192.0.2.127 is routed like any address, so only the key can stop it.
# TL_MODE=packet (teredo_subnet_packet.sh): the same through the rings
# and packet output, which bypass the kernel entirely.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

TL_CONF='LocalSubnet 203.0.113.0/24
LocalSubnet 192.0.2.0/25'
tl_small
ns_exec rly ip route add 192.0.2.0/25 via 203.0.113.1
# The fake server's neighbour entry, so the control bubble is not held
# back by ARP while the capture waits for it.
ns_exec rly ping -c1 -W2 203.0.113.1 >/dev/null || fail "rly cannot reach wan"
tl_py wan "$(dirname "$0")/teredo_subnet.py" || fail "LocalSubnet broadcasts"
pass "teredod refuses the LocalSubnet broadcasts (${TL_MODE:-kernel} mode)"
