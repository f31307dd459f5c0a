"""Crafted packets against teredod (run by teredo_drops.sh in the "wan"
namespace of tl_small): one case per drop rule, each asserting that the
rule's counter moved by one and that nothing was forwarded (teredod's
rx_forwarded and the native host's nft counter both unchanged); then the
positive cases (matching mapping, symmetric-NAT nonce bubble, first
packet queued and delivered in order), the native-side rules, the queue
bound under a flood to one fresh destination, and the per-/64 rate limit.
"""
import os
import subprocess
import time

from scapy.all import (IP, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, UDP,
                       fragment, raw, send)

from teredo_fake import (CLIENT_IP, NATIVE, RELAY, FakeClients, check, decode,
                         ip6, stats, teredo, udp_send, wait_for)

SOCK = os.environ["T"] + "/teredod.sock"
PFX = os.environ["NS_PFX"]
PACKET = os.environ.get("TL_MODE", "kernel") in ("packet", "packet-in")
C = teredo(CLIENT_IP, 40000)            # answers from its mapping
CSYM = teredo(CLIENT_IP, 40001)         # answers from :50000 (symmetric)
CDEAD = teredo(CLIENT_IP, 40002)        # never answers


def native_count():
    out = subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "nft", "list",
                          "counter", "inet", "jfcount", "from_teredo"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split("packets")[1].split()[0])


def native_send(dst, count=1, size=8, src=NATIVE, sport=7):
    """UDP from the native host (in its namespace) to dst."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
            "s.bind((sys.argv[3],%d))\n"
            "for i in range(int(sys.argv[2])):\n"
            "  s.sendto(i.to_bytes(4,'big')+b'x'*%d,(sys.argv[1],9))\n" % (sport, size))
    subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3",
                    "-c", code, dst, str(count), src], check=True)


def peer_row(addr):
    return subprocess.run([os.environ["BUILD"] + "/relayctl", "-r", "-s", SOCK, "peer", addr],
                          capture_output=True, text=True).stdout


def delta(before, after, k):
    return after.get(k, 0) - before.get(k, 0)


def rx_drop(name, counter, src, sport, payload):
    b, nb = stats(SOCK), native_count()
    udp_send(src, sport, payload)
    ok = wait_for(lambda: delta(b, stats(SOCK), counter) >= 1, 10)
    a = stats(SOCK)
    check(ok and delta(b, a, counter) == 1, "%s: %s +1" % (name, counter))
    check(delta(b, a, "rx_forwarded") == 0 and native_count() == nb,
          "%s: nothing forwarded" % name)


fake = FakeClients()

# First packet to a well-behaved client: bubble via the server, reply
# bubble from the mapping, queued packets delivered in order.
b = stats(SOCK)
fake.data[40000].clear()
native_send(C, count=3)
check(wait_for(lambda: len(fake.data[40000]) == 3, 10),
      "3 packets queued during the bubble exchange all delivered")
seq = [int.from_bytes(p[48:52], "big") for p in fake.data[40000]]
check(seq == [0, 1, 2], "queued packets delivered in order (%s)" % seq)
check(delta(b, stats(SOCK), "bubbles_sent") == 1, "exactly one indirect bubble")
bub = [x for x in fake.bubbles if x[1] == C]
check(bub and bub[-1][2].startswith("fe80::"), "bubble source is the fe80:: nonce")

# Symmetric NAT: the reply bubble comes from :50000 to our nonce address.
b = stats(SOCK)
native_send(CSYM, count=2)
check(wait_for(lambda: len(fake.data[50000]) == 2, 10),
      "symmetric-NAT client: queue flushed to the port the nonce bubble came from")
a = stats(SOCK)
check(delta(b, a, "rx_bubbles_nonce_ok") == 1, "nonce bubble accepted once")
out = subprocess.run([os.environ["BUILD"] + "/relayctl", "-r", "-s", SOCK, "peer", CSYM],
                     capture_output=True, text=True).stdout
check("mapped=198.51.100.20:50000" in out and "state=trusted" in out,
      "peer row shows the learnt mapping (%s)" % out.strip().splitlines()[0])


rows = subprocess.run([os.environ["BUILD"] + "/relayctl", "-r", "-s", SOCK, "peers"],
                      capture_output=True, text=True).stdout.splitlines()
check(any(("peer=" + C + " state=trusted") in r for r in rows) and
      any(("peer=" + CSYM + " state=trusted") in r for r in rows),
      "peers lists both trusted clients (%d rows)" % (len(rows) - 1))

# -- Teredo -> native: the positive control first (it must pass through).
b, nb = stats(SOCK), native_count()
udp_send("198.51.100.30", 41000, ip6(teredo("198.51.100.30", 41000), NATIVE))
check(wait_for(lambda: native_count() == nb + 1, 10),
      "matching mapping from a never-seen client is relayed")
check(delta(b, stats(SOCK), "rx_from_unknown_peer") == 1, "counted as unknown peer")

rx_drop("mapping mismatch (IPv4)", "drop_rx_mapping_mismatch",
        "198.51.100.21", 40000, ip6(teredo("198.51.100.22", 40000), NATIVE))
rx_drop("mapping mismatch (port)", "drop_rx_mapping_mismatch",
        CLIENT_IP, 40009, ip6(teredo(CLIENT_IP, 40008), NATIVE))
rx_drop("source not Teredo", "drop_rx_src_not_teredo",
        CLIENT_IP, 40000, ip6("2001:db8::5", NATIVE))
rx_drop("Teredo to Teredo", "drop_rx_dst_teredo",
        CLIENT_IP, 40000, ip6(C, teredo("192.0.2.45", 40000)))
rx_drop("multicast destination", "drop_rx_dst_multicast",
        CLIENT_IP, 40000, ip6(C, "ff0e::1"))
rx_drop("link-local destination", "drop_rx_dst_not_served",
        CLIENT_IP, 40000, ip6(C, "fe80::1"))
rx_drop("forged nonce bubble", "drop_rx_bubble_bad_nonce",
        CLIENT_IP, 50005, ip6(teredo(CLIENT_IP, 40005), "fe80::1234:5678:9abc:def0",
                                  nh=59, hlim=0))
rx_drop("truncated auth header", "drop_rx_truncated_auth",
        CLIENT_IP, 40000, bytes([0, 1, 5, 5, 1, 2, 3]))
rx_drop("truncated origin indication", "drop_rx_truncated_origin",
        CLIENT_IP, 40000, bytes([0, 0, 0xfe, 0xae, 0xfe]))
rx_drop("short IPv6", "drop_rx_short", CLIENT_IP, 40000, ip6(C, NATIVE)[:39])
rx_drop("payload length beyond data", "drop_rx_bad_payload_length",
        CLIENT_IP, 40000, ip6(C, NATIVE)[:-1])
rx_drop("routing header type 0", "drop_rx_routing_header0", CLIENT_IP, 40000,
        raw(IPv6(src=C, dst=NATIVE) / IPv6ExtHdrRouting(type=0, addresses=["2001:db8:6::99"])
            / UDP(sport=7, dport=9) / b"x"))


# Issue 13: an extension header chain the walker cannot finish (more than
# 16 headers, or truncated) is a drop, never a pass.
def ext_chain(src, dst, n, upper):
    p = IPv6(src=src, dst=dst)
    for _ in range(n):
        p = p / IPv6ExtHdrDestOpt()
    return raw(p / upper)


def ext_truncated(src, dst):
    b = bytearray(ext_chain(src, dst, 3, UDP(sport=7, dport=9) / b"cut"))
    b[40 + 16 + 1] = 200        # the third header claims 1608 bytes
    return bytes(b)


RH0 = IPv6ExtHdrRouting(type=0, addresses=["2001:db8:6::99"]) / \
    UDP(sport=7, dport=9) / b"x"
rx_drop("RH0 behind 16 Destination Options", "drop_rx_ext_chain_too_long",
        CLIENT_IP, 40000, ext_chain(C, NATIVE, 16, RH0))
rx_drop("100 Destination Options", "drop_rx_ext_chain_too_long",
        CLIENT_IP, 40000, ext_chain(C, NATIVE, 100, UDP(sport=7, dport=9) / b"x"))
rx_drop("truncated extension header chain", "drop_rx_ext_chain_truncated",
        CLIENT_IP, 40000, ext_truncated(C, NATIVE))
rx_drop("hop limit 1", "drop_rx_hop_limit", CLIENT_IP, 40000,
        ip6(C, NATIVE, hlim=1))
check(wait_for(lambda: any(len(p) > 40 and p[40] == 3 for p in fake.data[40000]), 10),
      "hop limit 1: ICMPv6 Time Exceeded came back to the client over Teredo")

# -- The IPv4+UDP envelope.  With Input packet teredod checks it itself
# (the kernel no longer does: the ingress rule drops its copy), so each
# bad one must be counted by its rule; with the kernel's socket the
# kernel drops it silently.  Either way nothing is forwarded.
def envelope_drop(name, counter, pkt):
    b, nb = stats(SOCK), native_count()
    send(pkt, verbose=False)
    if PACKET:
        ok = wait_for(lambda: delta(b, stats(SOCK), counter) >= 1, 10)
        check(ok and delta(b, stats(SOCK), counter) == 1,
              "%s: %s +1" % (name, counter))
    else:
        time.sleep(0.3)
    a = stats(SOCK)
    check(delta(b, a, "rx_forwarded") == 0 and native_count() == nb,
          "%s: nothing forwarded" % name)


GOOD = ip6(C, NATIVE)
envelope_drop("bad UDP checksum", "drop_rx_udp_checksum",
              IP(src=CLIENT_IP, dst=RELAY[0], flags=0) /
              UDP(sport=40000, dport=RELAY[1], chksum=0x1234) / GOOD)
envelope_drop("bad IPv4 header checksum", "drop_rx_bad_ipv4",
              IP(src=CLIENT_IP, dst=RELAY[0], flags=0, chksum=0x1234) /
              UDP(sport=40000, dport=RELAY[1]) / GOOD)
envelope_drop("UDP length beyond the packet", "drop_rx_bad_udp",
              IP(src=CLIENT_IP, dst=RELAY[0], flags=0) /
              UDP(sport=40000, dport=RELAY[1], len=8 + len(GOOD) + 4, chksum=0) /
              GOOD)
envelope_drop("multicast IPv4 source", "drop_rx_bad_ipv4_source",
              IP(src="224.0.0.9", dst=RELAY[0], flags=0) /
              UDP(sport=40000, dport=RELAY[1]) / GOOD)

# Checksum 0 (none: legal over IPv4) is relayed.
b, nb = stats(SOCK), native_count()
send(IP(src=CLIENT_IP, dst=RELAY[0], flags=0) /
     UDP(sport=40000, dport=RELAY[1], chksum=0) / GOOD, verbose=False)
check(wait_for(lambda: native_count() == nb + 1, 10),
      "UDP checksum 0 (none) relayed")

# A fragmented datagram: not the ring's (filter and drop rule skip
# fragments), the kernel reassembles it for the UDP socket: relayed.
b, nb = stats(SOCK), native_count()
big = ip6(C, NATIVE, payload=b"f" * 1000)
send(fragment(IP(src=CLIENT_IP, dst=RELAY[0], flags=0) /
              UDP(sport=40000, dport=RELAY[1]) / big, fragsize=600), verbose=False)
check(wait_for(lambda: native_count() == nb + 1, 10),
      "fragmented Teredo datagram relayed (via the kernel's reassembly)")
check(delta(b, stats(SOCK), "rx_forwarded_bytes") == len(big),
      "reassembled datagram forwarded whole (%d bytes)" % len(big))

# Trailers (RFC 6081): tolerated, stripped.
b, nb = stats(SOCK), native_count()
udp_send(CLIENT_IP, 40000, ip6(C, NATIVE) + b"T" * 12)
check(wait_for(lambda: native_count() == nb + 1, 10), "trailer tolerated")
check(delta(b, stats(SOCK), "rx_forwarded_bytes") == 56, "only 40 + plen forwarded")

# -- Native -> Teredo.
def tx_drop(name, counter, dst):
    b = stats(SOCK)
    nbub = len(fake.bubbles)
    native_send(dst)
    ok = wait_for(lambda: delta(b, stats(SOCK), counter) >= 1, 10)
    a = stats(SOCK)
    check(ok and delta(b, a, counter) == 1, "%s: %s +1" % (name, counter))
    time.sleep(0.1)
    # (bubble retries for earlier pending peers may fall in this window:
    # only what concerns dst counts)
    mine = [x for x in fake.bubbles[nbub:] if x[1] == dst]
    check(delta(b, a, "peers_created") == 0 and delta(b, a, "tx_forwarded") == 0
          and not mine, "%s: nothing sent over IPv4 (entries %d, forwarded %d, "
          "bubbles %s)" % (name, delta(b, a, "peers_created"),
                           delta(b, a, "tx_forwarded"), mine))


# The native host answers the datagrams above (UDP port 9) with ICMPv6
# port unreachable, relayed to C: let those pass before counting sends.
time.sleep(1.0)
tx_drop("private client IPv4", "drop_tx_client_not_global",
        teredo("10.1.2.3", 40000))
tx_drop("private server IPv4", "drop_tx_server_not_global",
        teredo(CLIENT_IP, 40000, server="10.0.0.1"))
tx_drop("client is our own address", "drop_tx_own_address",
        teredo(RELAY[0], RELAY[1]))
tx_drop("not a Teredo destination", "drop_tx_dst_not_teredo", "2001:db8:1::2")



# Issue 13, native side: sent from the native host with scapy.
def tx_ext_drop(name, counter, pkt_expr):
    b = stats(SOCK)
    nbub = len(fake.bubbles)
    subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3",
                    "-c", "from scapy.all import *\n"
                    "p = IPv6(src='2001:db8:6::2', dst='%s')\n"
                    "%s\n"
                    "send(p, verbose=False)" % (CSYM, pkt_expr)], check=True)
    ok = wait_for(lambda: delta(b, stats(SOCK), counter) >= 1, 2)
    a = stats(SOCK)
    check(ok and delta(b, a, counter) == 1, "%s: %s +1" % (name, counter))
    mine = [x for x in fake.bubbles[nbub:] if x[1] == CSYM]
    check(delta(b, a, "tx_forwarded") == 0 and not mine,
          "%s: nothing sent over IPv4 (forwarded %d, bubbles %s)" %
          (name, delta(b, a, "tx_forwarded"), mine))


tx_ext_drop("RH0 behind 16 Destination Options", "drop_tx_ext_chain_too_long",
            "for i in range(16): p = p / IPv6ExtHdrDestOpt()\n"
            "p = p / IPv6ExtHdrRouting(type=0, addresses=['2001:db8:6::99'])"
            " / UDP(sport=7, dport=9) / b'x'")
tx_ext_drop("truncated extension header chain", "drop_tx_ext_chain_truncated",
            "for i in range(3): p = p / IPv6ExtHdrDestOpt()\n"
            "b = bytearray(raw(p / UDP(sport=7, dport=9) / b'cut'))\n"
            "b[57] = 200\n"
            "p = IPv6(bytes(b))")

# RFC 4443 2.4(e): an ICMPv6 error about an ICMPv6 error is never sent.
b = stats(SOCK)
subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3", "-c",
                "from scapy.all import *\n"
                "send(IPv6(src='2001:db8:6::2',dst='2001:db8:1::2')/ICMPv6DestUnreach()"
                "/IPv6(src='2001:db8:1::2',dst='2001:db8:6::2')/UDP(),verbose=False)"],
               check=True)
check(wait_for(lambda: delta(b, stats(SOCK), "drop_tx_dst_not_teredo") == 1, 10),
      "misrouted ICMPv6 error dropped")
a = stats(SOCK)
# The positive control's client (198.51.100.30:41000) never answers its
# bubbles: v6h's Port Unreachable to it is queued, and ~8 s later the
# peer is given up, with an error about that queued ICMPv6 error, which
# is suppressed too.  On a loaded machine that can fall in this window.
check(delta(b, a, "icmp6_unreachable") == 0 and
      delta(b, a, "icmp6_suppressed") - delta(b, a, "peers_given_up") == 1,
      "no ICMPv6 error about an ICMPv6 error (suppressed +%d, given up +%d)"
      % (delta(b, a, "icmp6_suppressed"), delta(b, a, "peers_given_up")))

# An unreachable client: at most the queue bound is queued, 1 bubble.
b = stats(SOCK)
t_flood = time.time()
native_send(CDEAD, count=3000, size=100)
# Every packet that reached teredod is either queued or counted full.
# Wait until all 3000 did, or until the count settles (on a loaded machine
# the TUN's own queue may drop some before teredod reads them: not ours).
arrived = lambda: (delta(b, stats(SOCK), "tx_queued") +
                   delta(b, stats(SOCK), "drop_tx_queue_full"))
seen, end = -1, time.time() + 20
while time.time() < end and seen < 3000:
    now = arrived()
    if now == seen:
        break
    seen = now
    time.sleep(0.5)
a = stats(SOCK)
t_flood = time.time() - t_flood
got = delta(b, a, "tx_queued") + delta(b, a, "drop_tx_queue_full")
row = subprocess.run([os.environ["BUILD"] + "/relayctl", "-r", "-s", SOCK, "peer", CDEAD],
                     capture_output=True, text=True).stdout
qb = int(row.split("queued_bytes=")[1].split()[0])
check(got >= 1000, "flood to one fresh destination: %d of 3000 reached teredod" % got)
check(qb <= 4096 and delta(b, a, "tx_queued") * 148 <= 4096,
      "flood to one fresh destination: %d bytes queued (bound 4096)" % qb)
check(delta(b, a, "drop_tx_queue_full") >= got - 4096 // 148,
      "the rest counted as drop_tx_queue_full (%d of %d)" %
      (delta(b, a, "drop_tx_queue_full"), got))
# One bubble, plus the timer's retries if the sender was slow (2 s each).
nb_dead = len([x for x in fake.bubbles if x[1] == CDEAD])
check(1 <= nb_dead <= 1 + int(t_flood / 2.0),
      "%d bubble(s) for 3000 packets in %.1f s" % (nb_dead, t_flood))

# Bubble retries on the timer, without new traffic (CDEAD from above).
bub = [x[0] for x in fake.bubbles if x[1] == CDEAD]
check(wait_for(lambda: len([x for x in fake.bubbles if x[1] == CDEAD]) == 4, 12),
      "unanswered client: 4 bubbles in total, no new traffic needed")
times = [x[0] for x in fake.bubbles if x[1] == CDEAD]
gaps = [round(b2 - b1, 2) for b1, b2 in zip(times, times[1:])]
# (exact 2 s spacing is a unit test; here receive-time jitter is allowed)
check(all(g >= 1.8 for g in gaps), "bubbles ~2 s apart %s" % gaps)
b = stats(SOCK)
check(wait_for(lambda: "state=failed" in peer_row(CDEAD), 10),
      "given up after the 4th: queue purged")
a = stats(SOCK)
check(delta(b, a, "icmp6_unreachable") >= 1 and delta(b, a, "drop_tx_given_up") >= 20,
      "give-up: ICMPv6 unreachable to the sender, %d queued packets counted" %
      delta(b, a, "drop_tx_given_up"))
time.sleep(2.5)
check(len([x for x in fake.bubbles if x[1] == CDEAD]) == 4, "no 5th bubble")
b = stats(SOCK)
native_send(CDEAD)
wait_for(lambda: delta(b, stats(SOCK), "drop_tx_peer_unreachable") >= 1, 5)
a = stats(SOCK)
check(delta(b, a, "drop_tx_peer_unreachable") == 1 and
      len([x for x in fake.bubbles if x[1] == CDEAD]) == 4,
      "new traffic to a given-up client buys no 5th bubble")
# Per-/64 rate limit on new entries (100/s, burst 200): one /64 floods,
# another still gets its entry.
b = stats(SOCK)
t_rate = time.time()
code = ("import socket\n"
        "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
        "s.bind(('2001:db8:6::2',0))\n"
        "for i in range(2000):\n"
        "  s.sendto(b'x',('2001:0:cb00:7101:0:%x:3bea:9beb' % (1+i),9))\n")
subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3", "-c", code],
               check=True)
# Until all 2000 are decided (a loaded machine may still be reading the
# TUN); the bound below grows with the time that takes.
wait_for(lambda: delta(b, stats(SOCK), "peers_created") +
         delta(b, stats(SOCK), "drop_tx_new_peer_rate") >= 2000, 3)
a = stats(SOCK)
t_rate = time.time() - t_rate
made = delta(b, a, "peers_created")
bound = 200 + int(100 * t_rate) + 1       # burst + rate x elapsed
check(made <= bound and delta(b, a, "drop_tx_new_peer_rate") >= 2000 - bound,
      "2000 fresh destinations from one /64 in %.1f s: %d entries (bound %d), %d refused" %
      (t_rate, made, bound, delta(b, a, "drop_tx_new_peer_rate")))
b = stats(SOCK)
native_send(teredo("192.0.2.99", 40000), src="2001:db8:7::2")
check(wait_for(lambda: delta(b, stats(SOCK), "peers_created") == 1, 10),
      "another /64 still creates its entry")

fake.close()
