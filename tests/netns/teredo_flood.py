"""A million fresh Teredo destinations from the native side (run by
teredo_flood.sh in the "wan" namespace of tl_small, with creation rate
limits off so that the table itself takes the flood): teredod's memory
stays within MaxMemory, the table never grows past PeerCapacity, and an
established client keeps being served both ways during and after it.
"""
import os
import subprocess
import sys
import time

from teredo_fake import (CLIENT_IP, NATIVE, FakeClients, check, ip6, stats,
                         teredo, udp_send, wait_for)
import socket

SOCK = os.environ["T"] + "/teredod.sock"
PFX = os.environ["NS_PFX"]
PID = int(os.environ["RELAY_PID"])
MAXMEM = int(os.environ["MAXMEM_MIB"])
CAPACITY = int(os.environ["CAPACITY"])
FLOOD = int(os.environ.get("FLOOD", "1000000"))
C = teredo(CLIENT_IP, 40000)


def rss_kib():
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def native_count():
    out = subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "nft", "list",
                          "counter", "inet", "jfcount", "from_teredo"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split("packets")[1].split()[0])


fake = FakeClients()
# Establish C: native -> C, bubble, direct reply from the mapping.
NATIVE_TX = ("import socket,sys,time\n"
             "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
             "n=int(sys.argv[2]); gap=float(sys.argv[3])\n"
             "for i in range(n):\n"
             "  s.sendto(b'x'*16,(sys.argv[1],9))\n"
             "  time.sleep(gap)\n")
subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3", "-c",
                NATIVE_TX, C, "1", "0"], check=True)
check(wait_for(lambda: len(fake.data[40000]) == 1, 10), "client C established")
base_rss = rss_kib()

# The flood: FLOOD distinct destinations (client IPv4 and port vary).
# Bounded in count and in time: a starved machine sends fewer, and the
# checks below ask only that the table was overrun many times.
FLOODER = ("import socket,sys,time\n"
           "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
           "s.setsockopt(socket.SOL_SOCKET,socket.SO_SNDBUF,1<<22)\n"
           "d=b'y'*16\n"
           "end=time.time()+float(sys.argv[2])\n"
           "for i in range(int(sys.argv[1])):\n"
           "  if i & 1023 == 0 and time.time() > end: break\n"
           "  a='2001:0:cb00:7101:0:%x:3bea:%x' % (i & 0xffff, 0x1000+(i>>16))\n"
           "  try: s.sendto(d,(a,9))\n"
           "  except OSError: pass\n")
t0 = time.time()
flood = subprocess.Popen(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3",
                          "-c", FLOODER, str(FLOOD), "75"])
# Meanwhile C talks both ways every 50 ms.
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent_up = sent_down = 0
nb = native_count()
down0 = len(fake.data[40000])
native = subprocess.Popen(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3",
                           "-c", NATIVE_TX, C, "100000", "0.05"])
while flood.poll() is None and time.time() - t0 < 90:
    fake.c40000.sendto(ip6(C, NATIVE), ("203.0.113.20", 3545))
    sent_up += 1
    time.sleep(0.05)
flood.wait(timeout=30)
t1 = time.time()
native.terminate()
native.wait()
up = native_count() - nb
down = len(fake.data[40000]) - down0
a = stats(SOCK)
rss = rss_kib()
print("flood of up to %d fresh destinations in %.1f s; peers_created %d evicted %d "
      "rate_refused %d table_full %d; VmHWM %d KiB (before %d KiB)" %
      (FLOOD, t1 - t0, a.get("peers_created", 0), a.get("peers_evicted", 0),
       a.get("drop_tx_new_peer_rate", 0), a.get("drop_tx_table_full", 0), rss, base_rss),
      flush=True)
# On a loaded machine the kernel may drop part of the flood before the
# TUN; what matters is that the table was overrun many times.
check(a.get("tx_packets", 0) >= 3 * CAPACITY and a.get("peers_evicted", 0) >= CAPACITY,
      "the flood overran the table: %d packets read, %d entries evicted" %
      (a.get("tx_packets", 0), a.get("peers_evicted", 0)))
check(rss <= MAXMEM * 1024 + 8192,
      "peak memory %d KiB within MaxMemory %d MiB (+8 MiB for code and buffers)" % (rss, MAXMEM))
status = subprocess.run([os.environ["BUILD"] + "/relayctl", "-r", "-s", SOCK, "status"],
                        capture_output=True, text=True).stdout
used = sum(int(l.split()[1]) for l in status.splitlines()
           if l.split()[0] in ("peers_trusted", "peers_pending", "peers_failed"))
check(used <= CAPACITY, "table holds %d <= PeerCapacity %d entries" % (used, CAPACITY))
check("peers_trusted" in status, "status answers during/after the flood")
check(up >= sent_up * 0.5 and down >= 1,
      "established client served during the flood: %d/%d up, %d down" % (up, sent_up, down))
# After the flood: C still trusted, both directions immediate.
nb = native_count()
d0 = len(fake.data[40000])
fake.c40000.sendto(ip6(C, NATIVE), ("203.0.113.20", 3545))
check(wait_for(lambda: native_count() >= nb + 1, 10), "after the flood: C -> native")
subprocess.run(["ip", "netns", "exec", PFX + "-v6h", "/usr/bin/python3", "-c",
                NATIVE_TX, C, "1", "0"], check=True)
check(wait_for(lambda: len(fake.data[40000]) >= d0 + 1, 10), "after the flood: native -> C")
fake.close()
