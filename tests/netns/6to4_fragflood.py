#!/usr/bin/python3
"""Lone-fragment flood against relay4to6, for tests/netns/6to4_fragflood.sh.

Runs in the "gen" namespace (IPv4 side) and captures on the "v6" side
after setns(2).  Three phases, each paced on the relay's own counters
(every fragment sent has been decided by the relay before the next batch
goes: no sleeps, no queue overflow on a loaded machine):

  pin    lone first fragments from many spoofed sources (198.18.0.0/15,
         RFC 2544's test range) fill every reassembly slot.  The old
         relay then refused every new datagram for FragTimeout (30 s).
  site   rounds of: the site's first fragment, a few flood fragments,
         its last fragment, more flood.  Every one of the site's
         datagrams must come out whole on the native side.
  single lone fragments from one source: it holds at most its share
         (1/8 of FragMaxDatagrams); the rest evict its own datagrams.

Prints the outcome; exits 1 on any failed check.
"""
import argparse
import collections
import ctypes
import os
import random
import select
import socket
import sys
import time

from scapy.all import Ether, IP, IPv6, UDP, Raw, fragment

ETH_P_ALL = 0x0003
CLONE_NEWNET = 0x40000000

SITE4 = "198.51.100.7"
SITE6 = "2002:c633:6407::1"
ANY4 = "192.88.99.1"
NATIVE_DST = "2001:db8:6::99"   # not owned by v6: its kernel stays quiet
SINGLE4 = "203.0.113.77"
DPORT = 4141

failures = []


def check(name, cond, detail=""):
    if cond:
        print("ok: " + name)
    else:
        print("FAIL: %s %s" % (name, detail))
        failures.append(name)


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + path)
    os.close(fd)


def ctl(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while not (buf.endswith(b"ok\n") or b"\nerror" in buf):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    s.close()
    out = collections.defaultdict(int)     # a counter it lacks reads 0
    for line in buf.decode().splitlines():
        kv = line.split()
        if len(kv) == 2 and kv[1].isdigit():
            out[kv[0]] = int(kv[1])
    return out


class Flood:
    """Lone first fragments (MF set, offset 0) from random sources."""

    def __init__(self, eth, rng):
        self.eth = eth
        self.rng = rng
        self.used = set()

    def src(self):
        while True:
            a = "198.%d.%d.%d" % (self.rng.choice((18, 19)),
                                  self.rng.randrange(256),
                                  self.rng.randrange(1, 255))
            if a not in self.used:
                self.used.add(a)
                return a

    def frame(self, src=None, ident=None):
        n = 8 * self.rng.randrange(1, 126)      # 8 .. 1000 bytes
        if ident is None:
            ident = self.rng.randrange(65536)
        ip = IP(src=src or self.src(), dst=ANY4, proto=41, flags="MF",
                id=ident, ttl=64)
        return bytes(self.eth / ip / Raw(bytes(n)))


# Every fragment the relay takes ends in exactly one of these (the old
# relay's drop_frag_full included, so the pacing works on it too).
FRAG_OUTCOMES = ("frag_held", "frag_reassembled", "drop_frag_overlap",
                 "drop_frag_toobig", "drop_frag_bad", "drop_frag_full")


def fragments_taken(sock):
    st = ctl(sock, "stats")
    return sum(st[k] for k in FRAG_OUTCOMES)


class Sender:
    """Sends frames on gen's link, and waits until the relay took them."""

    def __init__(self, ifname, sock):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        self.sock = sock
        self.taken0 = fragments_taken(sock)
        self.sent = 0

    def send(self, frames):
        for f in frames:
            self.s.send(f)
            self.sent += 1

    def settle(self, timeout=20.0):
        """The relay has decided about every fragment sent so far."""
        end = time.time() + timeout
        while time.time() < end:
            if fragments_taken(self.sock) - self.taken0 >= self.sent:
                return True
            time.sleep(0.01)
        return False


def site_datagram(eth, k):
    """The site's IPv6 packet k, as two IPv4 fragments."""
    payload = bytes([k % 256]) * 4 + bytes(1196)
    whole = IP(src=SITE4, dst=ANY4, id=0x4000 + k, ttl=64) / \
        IPv6(src=SITE6, dst=NATIVE_DST, hlim=64) / \
        UDP(sport=40000 + k, dport=DPORT) / Raw(payload)
    frags = fragment(whole, fragsize=1000)
    assert len(frags) == 2
    return [bytes(eth / f) for f in frags]


def delivered(v6, want, timeout):
    """Distinct site packets (by UDP source port) seen on the v6 link."""
    got = set()
    end = time.time() + timeout
    while len(got) < want:
        left = end - time.time()
        if left <= 0 or not select.select([v6], [], [], left)[0]:
            break
        data, addr = v6.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        f = Ether(data)
        if IPv6 in f and UDP in f and f[IPv6].src == SITE6 and \
                f[UDP].dport == DPORT and len(f[UDP].payload) == 1200:
            got.add(f[UDP].sport)
    return got


def main():
    ap = argparse.ArgumentParser()
    for a in ("v6ns", "gen-if", "v6-if", "gen-mac", "rly4-mac", "r46"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--max-datagrams", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=20)
    o = ap.parse_args()
    rng = random.Random(41)
    eth = Ether(src=o.gen_mac, dst=o.rly4_mac)
    flood = Flood(eth, rng)
    tx = Sender(o.gen_if, o.r46)
    setns(o.v6ns)
    v6 = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_ALL))
    v6.bind((o.v6_if, 0))
    n = o.max_datagrams

    # pin: three times as many lone fragments as there are datagrams.
    for _ in range(3):
        tx.send([flood.frame() for _ in range(n)])
        if not tx.settle():
            check("relay read the pinning flood", False)
            return 1
    st = ctl(o.r46, "status")
    check("flood fills the table (frag_pending %d)" % st["frag_pending"],
          st["frag_pending"] == n)

    # site: its two fragments a few flood fragments apart, under flood.
    for k in range(o.rounds):
        first, last = site_datagram(eth, k)
        tx.send([first])
        tx.send([flood.frame() for _ in range(k % 6)])
        tx.send([last])
        tx.send([flood.frame() for _ in range(2 * n)])
        if not tx.settle():
            check("relay read round %d" % k, False)
            return 1
    got = delivered(v6, o.rounds, 10.0)
    check("site's fragmented packets delivered under the flood: %d of %d"
          % (len(got), o.rounds), len(got) == o.rounds,
          "(missing source ports %s)" %
          sorted(set(range(40000, 40000 + o.rounds)) - got))

    # single: one source floods on its own.
    c0 = ctl(o.r46, "stats")
    tx.send([flood.frame(SINGLE4, i) for i in range(100)])
    if not tx.settle():
        check("relay read the single-source flood", False)
        return 1
    c1 = ctl(o.r46, "stats")
    share = max(1, n // 8)
    check("one source holds its share, %d datagrams: drop_frag_source_cap"
          " +%d" % (share, c1["drop_frag_source_cap"] -
                    c0["drop_frag_source_cap"]),
          c1["drop_frag_source_cap"] - c0["drop_frag_source_cap"] ==
          100 - share)
    check("one source below its share evicts nobody else's datagrams",
          c1["drop_frag_evicted"] - c0["drop_frag_evicted"] <= share)

    st = ctl(o.r46, "status")
    flood_total = 3 * n + sum(k % 6 + 2 * n for k in range(o.rounds))
    print("relay4to6: frag_reassembled %d drop_frag_evicted %d "
          "drop_frag_source_cap %d drop_frag_timeout %d frag_pending %d "
          "frag_bytes %d (flood %d lone fragments)" %
          (c1["frag_reassembled"], c1["drop_frag_evicted"],
           c1["drop_frag_source_cap"], c1["drop_frag_timeout"],
           st["frag_pending"], st["frag_bytes"], flood_total))
    check("frag_reassembled == %d" % o.rounds,
          c1["frag_reassembled"] == o.rounds, str(c1["frag_reassembled"]))
    # Every datagram begun is accounted for, by outcome.
    begun = flood_total + 100 + o.rounds
    ends = c1["drop_frag_evicted"] + c1["drop_frag_source_cap"] + \
        c1["drop_frag_timeout"] + c1["frag_reassembled"] + st["frag_pending"]
    check("every datagram begun (%d) ended by a counted reason or pending"
          % begun, ends == begun, "(%d)" % ends)
    check("the flood was evicted (drop_frag_evicted %d >= %d)" %
          (c1["drop_frag_evicted"], flood_total - 2 * n),
          c1["drop_frag_evicted"] >= flood_total - 2 * n)
    check("memory bound: frag_pending <= %d" % n, st["frag_pending"] <= n)
    print("fragflood: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
