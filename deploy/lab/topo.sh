# shellcheck shell=bash
# The whole Tokyo6to4-style design in namespaces (sourced by lab.sh).
#
#              IPv4 Internet                      IPv6 Internet
#   site ─────┐ 198.51.100.0/24                br6 2001:db8:6::/64
#   (6to4)    │                              ┌── v6    native host ::6
#   tcli─tnat─┤ br4 203.0.113.0/24           ├── tsrv  Teredo server ::10
#   (miredo)  │  tsrv .10/.11 (miredo-server)│
#             └──────────── ix ──────────────┘  IX peer, AS 64496, FRR:
#                            │ learns 192.88.99.0/24, 198.18.1.0/24,
#                            │ 2002::/16, 2001::/32 and no /32 (eBGP)
#                            │ 198.18.255.0/30, 2001:db8:ff::/64
#                           spk  eBGP speaker of AS 55374 (FRR): default
#                            │   routes to ix, ECMP to the VMs, iBGP,
#                            │   the aggregates (docs/speaker.md)
#                  br0 198.18.0.0/24, 2001:db8:100::/64 (iBGP listen)
#        ┌─────────┬─────────┼─────────┬─────────┐
#       vm1       vm2       vm3       vm4       vm5     relay VMs: zebra,
#     relay4to6 relay4to6 relay6to4 relay6to4 teredod   bgpd, 1 relay,
#     192.88.99.1 (anycast) .99.3     .99.4   198.18.1.5  bgpglue
#     + 198.18.1.11/.12     + 2002::/16 each  + 2001::/32
#
# The VMs send everything they originate (decapsulated IPv6, encapsulated
# IPv4, Teredo UDP) to the speaker by default route; the speaker sends it
# to ix.  ix learns the relay prefixes only by eBGP from the speaker, so
# nothing reaches a relay that BGP does not currently announce: the
# speaker announces 192.88.99.0/24 only while a 4->6 VM announces
# 192.88.99.1/32, and 198.18.1.0/24 (the operator's own aggregate, which
# holds the unicast equivalents and the Teredo bind address).

LAB_AS=55374
LAB_IX_AS=64496
LAB_SITE4=198.51.100.7
LAB_SITE6=2002:c633:6407::1
LAB_V6=2001:db8:6::6
LAB_ANYCAST=192.88.99.1
LAB_TEREDO4=198.18.1.5
LAB_OWN4=198.18.1.0/24
LAB_TSRV=203.0.113.10
LAB_VMS="1 2 3 4 5"
declare -A LAB_ROLE=([1]=relay4to6 [2]=relay4to6 [3]=relay6to4 \
    [4]=relay6to4 [5]=teredod)
LAB_NODES="ix spk site v6 tsrv tnat tcli vm1 vm2 vm3 vm4 vm5"

lab_topo_namespaces() {
	local n i
	for n in $LAB_NODES; do lab_node_new "$n" || return 1; done
	for n in ix spk tnat vm1 vm2 vm3 vm4 vm5; do lab_router "$n"; done
	lab_bridge ix br4
	lab_bridge ix br6
	lab_bridge spk br0
	lab_link site eth0 ix eth_site || return 1
	lab_link spk eth_ix ix eth_spk || return 1
	lab_port tsrv eth0 ix br4 p_tsrv4 || return 1
	lab_port tnat eth0 ix br4 p_tnat || return 1
	lab_port tsrv eth1 ix br6 p_tsrv6 || return 1
	lab_port v6 eth0 ix br6 p_v6 || return 1
	lab_link tcli eth0 tnat eth1 || return 1
	for i in $LAB_VMS; do lab_port vm$i eth0 spk br0 p_vm$i || return 1; done
}

lab_topo_addresses() {
	local i
	# ix: the IPv4 and IPv6 Internet.
	lab_exec ix ip addr add 198.51.100.1/24 dev eth_site
	lab_exec ix ip addr add 203.0.113.1/24 dev br4
	lab_exec ix ip -6 addr add 2001:db8:6::1/64 dev br6 nodad
	lab_exec ix ip addr add 198.18.255.1/30 dev eth_spk
	lab_exec ix ip -6 addr add 2001:db8:ff::1/64 dev eth_spk nodad
	# 6to4 site (IPv4 only on the wire).
	lab_exec site ip addr add $LAB_SITE4/24 dev eth0
	lab_exec site ip route add default via 198.51.100.1
	# Native IPv6 host and Teredo server.
	lab_exec v6 ip -6 addr add $LAB_V6/64 dev eth0 nodad
	lab_exec v6 ip -6 route add default via 2001:db8:6::1
	lab_exec tsrv ip addr add $LAB_TSRV/24 dev eth0
	lab_exec tsrv ip addr add 203.0.113.11/24 dev eth0
	lab_exec tsrv ip route add default via 203.0.113.1
	lab_exec tsrv ip -6 addr add 2001:db8:6::10/64 dev eth1 nodad
	lab_exec tsrv ip -6 route add default via 2001:db8:6::1
	# Teredo client behind a NAT (port-restricted cone: masquerade).
	lab_exec tnat ip addr add 203.0.113.21/24 dev eth0
	lab_exec tnat ip route add default via 203.0.113.1
	lab_exec tnat ip addr add 198.18.9.1/24 dev eth1
	lab_exec tcli ip addr add 198.18.9.2/24 dev eth0
	lab_exec tcli ip route add default via 198.18.9.1
	lab_exec tnat nft -f - <<-'EOF' || return 1
	table ip jflabnat {
		chain post { type nat hook postrouting priority 100;
			oifname "eth0" masquerade; }
	}
	EOF
	# Speaker: defaults to ix, L4 hashing over the ECMP next hops.
	lab_exec spk ip addr add 198.18.255.2/30 dev eth_ix
	lab_exec spk ip -6 addr add 2001:db8:ff::2/64 dev eth_ix nodad
	lab_exec spk ip route add default via 198.18.255.1
	lab_exec spk ip -6 route add default via 2001:db8:ff::1
	lab_exec spk ip addr add 198.18.0.1/24 dev br0
	lab_exec spk ip -6 addr add 2001:db8:100::1/64 dev br0 nodad
	lab_exec spk sysctl -qw net.ipv4.fib_multipath_hash_policy=1 \
	    net.ipv6.fib_multipath_hash_policy=1
	# The speaker's 192.88.99.0/24 static route is for BGP only: the
	# kernel routes the /32s, drops the rest (deploy/frr/speaker-staticd.conf).
	lab_exec spk ip rule add to 192.88.99.0/24 lookup main \
	    suppress_prefixlength 24 pref 1000
	lab_exec spk ip rule add to 192.88.99.0/24 blackhole pref 1001
	for i in $LAB_VMS; do
		lab_exec vm$i ip addr add 198.18.0.1$i/24 dev eth0
		lab_exec vm$i ip -6 addr add 2001:db8:100::1$i/64 dev eth0 nodad
		lab_exec vm$i ip route add default via 198.18.0.1
		lab_exec vm$i ip -6 route add default via 2001:db8:100::1
		# TUNs created from now on stay quiet: no link-local, no
		# MLD, nothing of the kernel's own that a relay would count
		# as a drop (see tests/lib/topo6to4.sh).
		lab_exec vm$i sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
		    net.ipv6.conf.default.forwarding=0
	done
}
