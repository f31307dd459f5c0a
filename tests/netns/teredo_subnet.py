"""LocalSubnet broadcasts against teredod (run by teredo_subnet.sh in the
"wan" namespace of tl_small, teredod with LocalSubnet 203.0.113.0/24 and
192.0.2.0/25): native packets to Teredo addresses whose client or server
IPv4 is 203.0.113.255 or 192.0.2.127 move drop_tx_client_broadcast /
drop_tx_server_broadcast by exactly the number sent, and an AF_PACKET
capture on wan's side of the link sees no packet to a broadcast and no
bubble for those addresses, while a control bubble does arrive (the
capture works).  Then Teredo packets whose UDP source, client or server
is such a broadcast are not relayed (drop_rx_src_broadcast).
"""
import os
import socket
import subprocess
import threading
import time

from teredo_fake import (CLIENT_IP, NATIVE, SERVER, check, ip6, stats, teredo,
                         udp_send, wait_for)

SOCK = os.environ["T"] + "/teredod.sock"
PFX = os.environ["NS_PFX"]
PACKET = os.environ.get("TL_MODE", "kernel") in ("packet", "packet-in")
RLY = socket.inet_aton("203.0.113.20")
BCASTS = ("203.0.113.255", "192.0.2.127")
PER_CASE = 5


class Capture:
    """Every IPv4 frame rly puts on the link, as wan's eth0 receives it."""

    def __init__(self):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(0x0003))
        self.s.bind(("eth0", 0))
        self.s.settimeout(0.1)
        self.frames = []        # (ether dst, IPv4 dst, UDP dport, inner dst)
        self.lock = threading.Lock()
        self.stop = False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop:
            try:
                f, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING or len(f) < 34:
                continue
            if f[12:14] != b"\x08\x00" or f[26:30] != RLY:
                continue
            ihl = (f[14] & 0x0f) * 4
            dport, inner = None, None
            if f[23] == 17 and len(f) >= 14 + ihl + 8:
                u = 14 + ihl
                dport = (f[u + 2] << 8) | f[u + 3]
                p = f[u + 8:]
                if len(p) >= 40 and p[0] >> 4 == 6:
                    inner = socket.inet_ntop(socket.AF_INET6, p[24:40])
            with self.lock:
                self.frames.append((f[0:6], socket.inet_ntoa(f[30:34]),
                                    dport, inner))

    def seen(self):
        with self.lock:
            return list(self.frames)

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()


def native_count():
    out = subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "nft", "list",
                          "counter", "inet", "jfcount", "from_teredo"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split("packets")[1].split()[0])


def native_send(dst, count):
    """count UDP datagrams from the native host (its namespace) to dst."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
            "for i in range(int(sys.argv[2])):\n"
            "  s.sendto(b'b'*8,(sys.argv[1],9))\n")
    subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3",
                    "-c", code, dst, str(count)], check=True)


def status(name):
    out = subprocess.run([os.environ["BUILD"] + "/relayctl", "-s", SOCK, "status"],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == name:
            return int(f[1])
    return 0


def delta(before, after, k):
    return after.get(k, 0) - before.get(k, 0)


cap = Capture()
frames0 = status("in6_frames")

# -- Native -> Teredo: client, then server, is each broadcast.
CASES = [
    ("client 203.0.113.255 (rly's own link)",
     teredo("203.0.113.255", 40000, server=SERVER), "drop_tx_client_broadcast"),
    ("server 203.0.113.255 (rly's own link)",
     teredo(CLIENT_IP, 40000, server="203.0.113.255"), "drop_tx_server_broadcast"),
    ("client 192.0.2.127 (routed /25)",
     teredo("192.0.2.127", 40000, server=SERVER), "drop_tx_client_broadcast"),
    ("server 192.0.2.127 (routed /25)",
     teredo(CLIENT_IP, 40001, server="192.0.2.127"), "drop_tx_server_broadcast"),
]
REFUSED = set(c[1] for c in CASES)
for name, dst, counter in CASES:
    b = stats(SOCK)
    native_send(dst, PER_CASE)
    ok = wait_for(lambda: delta(b, stats(SOCK), counter) >= PER_CASE, 5)
    a = stats(SOCK)
    check(ok and delta(b, a, counter) == PER_CASE,
          "%s: %s +%d (got +%d)" % (name, counter, PER_CASE, delta(b, a, counter)))
    check(delta(b, a, "peers_created") == 0 and delta(b, a, "bubbles_sent") == 0
          and delta(b, a, "tx_forwarded") == 0,
          "%s: no entry, no bubble, nothing forwarded" % name)

# Control: an ordinary fresh client; its indirect bubble to the server
# must show on the wire, after the refused ones would have.
CTRL = teredo(CLIENT_IP, 40002, server=SERVER)
native_send(CTRL, 1)
check(wait_for(lambda: any(x[3] == CTRL and x[1] == SERVER and x[2] == 3544
                           for x in cap.seen()), 5),
      "control: the bubble for an ordinary client is captured on the wire")
time.sleep(0.2)
seen = cap.seen()
bad = [x for x in seen if x[1] in BCASTS or x[3] in REFUSED or
       x[0] == b"\xff" * 6]
check(not bad, "no packet to a LocalSubnet broadcast, nor for a refused "
      "address, on the wire (%d frames from rly captured; offending: %s)" %
      (len(seen), [(x[1], x[2], x[3]) for x in bad]))
if PACKET:
    check(status("in6_frames") - frames0 >= PER_CASE * len(CASES),
          "packet mode: the native ring took the packets (%d frames)" %
          (status("in6_frames") - frames0))

# -- Teredo -> native: sources that are (or name) a broadcast.
RX = [
    ("UDP source and client 203.0.113.255", "203.0.113.255", 40000,
     teredo("203.0.113.255", 40000, server=SERVER)),
    ("server 192.0.2.127", CLIENT_IP, 40003,
     teredo(CLIENT_IP, 40003, server="192.0.2.127")),
    ("UDP source 192.0.2.127, ordinary client", "192.0.2.127", 40000,
     teredo(CLIENT_IP, 40000, server=SERVER)),
]
for name, src, sport, tsrc in RX:
    b, nb = stats(SOCK), native_count()
    udp_send(src, sport, ip6(tsrc, NATIVE))
    ok = wait_for(lambda: delta(b, stats(SOCK), "drop_rx_src_broadcast") >= 1, 3)
    a = stats(SOCK)
    check(ok and delta(b, a, "drop_rx_src_broadcast") == 1,
          "%s: drop_rx_src_broadcast +1" % name)
    check(delta(b, a, "rx_forwarded") == 0 and native_count() == nb,
          "%s: nothing relayed" % name)

# Control: the same packet from an ordinary client is relayed.
b, nb = stats(SOCK), native_count()
udp_send(CLIENT_IP, 40004, ip6(teredo(CLIENT_IP, 40004, server=SERVER), NATIVE))
check(wait_for(lambda: native_count() == nb + 1, 3),
      "control: an ordinary client's packet is relayed")
cap.close()
