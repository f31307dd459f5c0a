"""A relay host is one hop: run by teredo_hop.sh in the "wan" namespace of
tl_small, once per I/O mode.  Reads the hop limit where it leaves the
relay host, beyond it: on the native host's link (a packet socket in v6h)
for client->native, in the fake client's datagrams for native->client.

  hop limit H in -> H - 1 out, both directions;
  H = 2 -> forwarded with 1;
  H = 1 or 0 -> nothing forwarded, Time Exceeded back to the sender (from
           teredod, or with Input tun for native->client from the
           kernel's forwarding into the TUN, which is that hop), hop
           limit 64 on the wire;
  a burst of 25 over 2.5 s -> every one with H - 1: with Output packet
           the once-a-second kick (or a next hop not yet resolved) sends
           some of them the kernel's way (the TUN, the UDP socket), and
           the packet must not lose a second hop there.
"""
import ctypes
import os
import select
import socket
import subprocess
import time

from scapy.all import IP, UDP, raw

from teredo_fake import (CLIENT_IP, NATIVE, RELAY, FakeClients, check,
                         ip6, stats, teredo, wait_for)

SOCK = os.environ["T"] + "/teredod.sock"
MODE = os.environ.get("TL_MODE", "kernel")
IN_PACKET = MODE in ("packet", "packet-in")
OUT_PACKET = MODE in ("packet", "packet-out")
C = teredo(CLIENT_IP, 40000)            # answers bubbles from its mapping
ETH_P_IPV6 = 0x86DD
CLONE_NEWNET = 0x40000000


def status():
    out = subprocess.run([os.environ["BUILD"] + "/relayctl", "-s", SOCK,
                          "status"], capture_output=True, text=True,
                         check=True).stdout
    d = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            d[f[0]] = int(f[1])
    return d


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + path)
    os.close(fd)


# Everything of wan first: the fake server and clients, a raw socket for
# client datagrams with any source.
fake = FakeClients()
raw4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
# Then v6h: its link, and a UDP socket on port 9 (the port the clients'
# datagrams go to: v6h's kernel sends no Port Unreachable back).
setns("/run/netns/%s-v6h" % os.environ["NS_PFX"])
cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                    socket.htons(ETH_P_IPV6))
cap.bind(("eth0", 0))
nat = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
nat.bind((NATIVE, 9))
C_BYTES = socket.inet_pton(socket.AF_INET6, C)
NATIVE_BYTES = socket.inet_pton(socket.AF_INET6, NATIVE)


def client_send(pkt6):
    raw4.sendto(raw(IP(src=CLIENT_IP, dst=RELAY[0], flags=0) /
                    UDP(sport=40000, dport=RELAY[1]) / pkt6), (RELAY[0], 0))


def native_send(payload, hlim):
    nat.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hlim)
    nat.sendto(payload, (C, 9))


def drain():
    while select.select([cap], [], [], 0)[0]:
        cap.recv(65535)
    while select.select([nat], [], [], 0)[0]:
        nat.recv(65535)
    with fake.lock:
        fake.data[40000].clear()


def native_wire(secs):
    """IPv6 packets that arrived on v6h's link within secs seconds."""
    out, end = [], time.time() + secs
    while True:
        left = end - time.time()
        if left <= 0 or not select.select([cap], [], [], left)[0]:
            return out
        data, addr = cap.recvfrom(65535)
        if addr[2] != socket.PACKET_OUTGOING:
            out.append(data[14:])


def marked(p, tag):
    """A UDP datagram of ours: next header 17, payload starts with tag."""
    return len(p) >= 48 + len(tag) and p[6] == 17 and p[48:48 + len(tag)] == tag


def to_native(tag, secs):
    return [p for p in native_wire(secs) if p[8:24] == C_BYTES and marked(p, tag)]


def at_client(tag):
    with fake.lock:
        return [p for p in fake.data[40000] if marked(p, tag)]


def delta(b, a, k):
    return a.get(k, 0) - b.get(k, 0)


def kernel_paths(fam):
    """Packets of one side's pktout sent the kernel's way: out6 (native
    IPv6: into the TUN) or out4 (datagrams to clients: the UDP socket)."""
    st = status()
    fb = "out6_tun_fallback" if fam == "out6" else "out4_socket_fallback"
    return st.get(fam + "_kernel_path", 0) + st.get(fb, 0)


print("-- teredod, TL_MODE %s" % MODE, flush=True)

# -- client -> native
for h in (64, 2):
    drain()
    tag = b"c2n%d" % h
    client_send(ip6(C, NATIVE, payload=tag, hlim=h))
    got = to_native(tag, 2)
    check(len(got) == 1 and got[0][7] == h - 1,
          "client->native: hop limit %d leaves with %d (%s)" %
          (h, h - 1, [p[7] for p in got]))

for h in (1, 0):
    drain()
    b = stats(SOCK)
    tag = b"c2n%d" % h
    client_send(ip6(C, NATIVE, payload=tag, hlim=h))
    check(wait_for(lambda: any(len(p) > 48 and p[6] == 58 and p[40] == 3
                               for p in fake.data[40000]), 2),
          "client->native: hop limit %d: Time Exceeded back over Teredo" % h)
    te = [p for p in fake.data[40000]
          if len(p) > 48 and p[6] == 58 and p[40] == 3]
    check(te[0][7] == 64 and te[0][24:40] == C_BYTES,
          "client->native: Time Exceeded to the client, hop limit %d (64)" %
          te[0][7])
    check(not to_native(tag, 0.5) and
          delta(b, stats(SOCK), "drop_rx_hop_limit") == 1 and
          delta(b, stats(SOCK), "rx_forwarded") == 0,
          "client->native: hop limit %d not forwarded, drop_rx_hop_limit +1"
          % h)

drain()
k0 = kernel_paths("out6")
got = []
for i in range(25):
    client_send(ip6(C, NATIVE, payload=b"c2nb%03d" % i, hlim=64))
    got += to_native(b"c2nb", 0.1)
end = time.time() + 3
while len(got) < 25 and time.time() < end:
    got += to_native(b"c2nb", 0.2)
hl = sorted(set(p[7] for p in got))
check(len(got) == 25 and hl == [63],
      "client->native: burst of 25 over 2.5 s: %d out, hop limits %s (63)" %
      (len(got), hl))
if OUT_PACKET:
    check(kernel_paths("out6") > k0, "client->native burst: the kernel "
          "path (kick) carried %d of them" % (kernel_paths("out6") - k0))

# -- native -> client (the first packet also makes C a trusted peer)
for h in (64, 2):
    drain()
    tag = b"n2c%d" % h
    native_send(tag, h)
    check(wait_for(lambda: at_client(tag), 3),
          "native->client: hop limit %d relayed" % h)
    got = at_client(tag)
    check(len(got) == 1 and got[0][7] == h - 1,
          "native->client: hop limit %d leaves with %d (%s)" %
          (h, h - 1, [p[7] for p in got]))

for h in (1, 0):
    drain()
    b = stats(SOCK)
    tag = b"n2c%d" % h
    native_send(tag, h)
    te = [p for p in native_wire(2) if p[6] == 58 and len(p) > 48 and
          p[40] == 3 and p[24:40] == NATIVE_BYTES]
    check(len(te) == 1 and te[0][7] == 64,
          "native->client: hop limit %d: Time Exceeded back to the native "
          "host, hop limit 64 on the wire (%s)" % (h, [p[7] for p in te]))
    a = stats(SOCK)
    check(not at_client(tag) and delta(b, a, "tx_forwarded") == 0 and
          delta(b, a, "drop_tx_hop_limit") == (1 if IN_PACKET else 0),
          "native->client: hop limit %d not forwarded (drop_tx_hop_limit "
          "+%d: the hop is %s)" % (h, delta(b, a, "drop_tx_hop_limit"),
                                   "teredod's" if IN_PACKET else
                                   "the kernel's"))

drain()
k0 = kernel_paths("out4")
for i in range(25):
    native_send(b"n2cb%03d" % i, 64)
    time.sleep(0.1)
wait_for(lambda: len(at_client(b"n2cb")) >= 25, 3)
got = at_client(b"n2cb")
hl = sorted(set(p[7] for p in got))
check(len(got) == 25 and hl == [63],
      "native->client: burst of 25 over 2.5 s: %d out, hop limits %s (63)" %
      (len(got), hl))
if OUT_PACKET:
    check(kernel_paths("out4") > k0, "native->client burst: the kernel "
          "path (kick) carried %d of them" % (kernel_paths("out4") - k0))
fake.close()
