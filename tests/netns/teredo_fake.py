"""Helpers for the teredo_*.sh tests (run with /usr/bin/python3 inside the
"wan" namespace of the lab they build): crafted Teredo packets, a fake
Teredo server + clients that answer teredod's indirect bubbles, and
teredod's counters through its control socket (a Unix socket path, so it
is reachable from any namespace).

Fake clients (all behind the address 198.51.100.20, server 203.0.113.1):
  port 40000  answers indirect bubbles with a direct bubble from its own
              mapping (a well-behaved client behind a cone/restricted NAT)
  port 40001  answers from port 50000 with a bubble to the relay's nonce
              address (a client behind a symmetric NAT)
  any other   never answers (an unreachable client)
"""
import ipaddress
import os
import select
import socket
import subprocess
import sys
import threading
import time

from scapy.all import IPv6, IP, UDP, ICMPv6EchoRequest, raw, send  # noqa

RELAY = ("203.0.113.20", 3545)
SERVER = "203.0.113.1"
CLIENT_IP = "198.51.100.20"
NATIVE = "2001:db8:6::2"


def teredo(client_ip, port, server=SERVER, flags=0):
    c = int(ipaddress.IPv4Address(client_ip)) ^ 0xFFFFFFFF
    s = int(ipaddress.IPv4Address(server))
    v = (0x20010000 << 96) | (s << 64) | (flags << 48) | ((port ^ 0xFFFF) << 32) | c
    return str(ipaddress.IPv6Address(v))


def decode(addr):
    v = int(ipaddress.IPv6Address(addr))
    return (str(ipaddress.IPv4Address((v & 0xFFFFFFFF) ^ 0xFFFFFFFF)),
            ((v >> 32) & 0xFFFF) ^ 0xFFFF)


def stats(sock):
    out = subprocess.run([os.environ["BUILD"] + "/relayctl", "-s", sock, "stats"],
                         capture_output=True, text=True, check=True).stdout
    d = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            d[f[0]] = int(f[1])
    return d


def udp_send(src, sport, payload, dst=RELAY):
    """Send one UDP datagram with any source (raw IP, no socket binding)."""
    send(IP(src=src, dst=dst[0], flags=0) / UDP(sport=sport, dport=dst[1]) / payload,
         verbose=False)


def ip6(src, dst, payload=b"x" * 8, hlim=64, nh=17):
    if nh == 59:
        return raw(IPv6(src=src, dst=dst, hlim=hlim, nh=59, plen=0))
    return raw(IPv6(src=src, dst=dst, hlim=hlim) / UDP(sport=7, dport=9) / payload)


class FakeClients:
    """Fake server on 203.0.113.1:3544 plus the fake clients above."""

    def __init__(self):
        self.srv = self._sock(SERVER, 3544)
        self.c40000 = self._sock(CLIENT_IP, 40000)
        self.c40001 = self._sock(CLIENT_IP, 40001)
        self.c50000 = self._sock(CLIENT_IP, 50000)
        self.bubbles = []          # (time, dst teredo addr) seen by the server
        self.data = {40000: [], 50000: []}
        self.lock = threading.Lock()
        self.stop = False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    @staticmethod
    def _sock(ip, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind((ip, port))
        return s

    def _run(self):
        socks = [self.srv, self.c40000, self.c40001, self.c50000]
        while not self.stop:
            r, _, _ = select.select(socks, [], [], 0.1)
            for s in r:
                pkt, frm = s.recvfrom(4096)
                self._handle(s, pkt, frm)

    def _handle(self, s, pkt, frm):
        if len(pkt) < 40:
            return
        if s is self.srv:
            # Cheap decode first: floods of bubbles must not starve the
            # client sockets (scapy only for the ones we answer).
            port = ((pkt[34] << 8) | pkt[35]) ^ 0xFFFF
            if len(self.bubbles) > 10000:
                return
            p = IPv6(pkt)
            with self.lock:
                self.bubbles.append((time.time(), p.dst, p.src))
            if port == 40000:       # direct bubble from the mapping
                self.c40000.sendto(ip6(p.dst, p.src, nh=59, hlim=0), frm)
            elif port == 40001:     # symmetric NAT: another port, nonce dst
                self.c50000.sendto(ip6(p.dst, p.src, nh=59, hlim=0), frm)
            return
        port = s.getsockname()[1]
        with self.lock:
            self.data.setdefault(port, []).append(pkt)

    def close(self):
        self.stop = True
        self.t.join()


def check(cond, what):
    if not cond:
        print("FAIL: " + what, flush=True)
        sys.exit(1)
    print("ok: " + what, flush=True)


def wait_for(pred, secs):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()
