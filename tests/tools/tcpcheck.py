#!/usr/bin/python3
"""tcpcheck: a TCP transfer whose bytes are verified end to end.

  tcpcheck.py server ADDR PORT [TIMEOUT]
      accept one connection, read to EOF, answer "<bytes> <sha256>\\n".
  tcpcheck.py client ADDR PORT NBYTES [TIMEOUT]
      send NBYTES random bytes, half-close, compare the server's count and
      digest with our own; print "ok <bytes> bytes <secs> s <Mbit/s> Mbit/s"
      (exit 0) or "FAIL ..." (exit 1).

Used by tests/netns/6to4_pair.sh and deploy/lab/demo.sh: a relay that
drops, duplicates, reorders without TCP noticing or corrupts a byte makes
the digests differ.  Run with /usr/bin/python3 (no pyenv modules needed).
"""
import hashlib
import os
import socket
import sys
import time


def server(addr, port, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(timeout)
    c, _ = ls.accept()
    c.settimeout(timeout)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
    c.close()
    return 0


def client(addr, port, nbytes, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    data = os.urandom(nbytes)
    want = "%d %s" % (nbytes, hashlib.sha256(data).hexdigest())
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    t0 = time.monotonic()
    s.connect((addr, port))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while not reply.endswith(b"\n"):
        d = s.recv(256)
        if not d:
            break
        reply += d
    secs = time.monotonic() - t0
    got = reply.decode(errors="replace").strip()
    if got != want:
        print("FAIL sent %r, server saw %r" % (want, got))
        return 1
    print("ok %d bytes %.3f s %.1f Mbit/s" % (nbytes, secs,
                                             nbytes * 8 / secs / 1e6))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "server":
        t = float(argv[4]) if len(argv) > 4 else 30
        return server(argv[2], int(argv[3]), t)
    if len(argv) >= 5 and argv[1] == "client":
        t = float(argv[5]) if len(argv) > 5 else 30
        return client(argv[2], int(argv[3]), int(argv[4]), t)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
