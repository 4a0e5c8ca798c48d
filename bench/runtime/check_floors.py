#!/usr/bin/env python3
"""check_floors.py - the floors' servers answer alike.

usage: bench/runtime/check_floors.py SERVER...

Each SERVER is an epoll_floor or uring_floor binary (a uring_floor is
checked as it is and with `oneshot`). Every check runs against a fresh
server on a free loopback port: echo round trips of 1 byte to 4 KiB on 64
connections at once, with their bytes checked; 2000 connections opened,
used and closed, some with an answer left unread; HTTP heads split every 7
bytes; pipelines of 105 requests (answered) and 106 (the connection
closed, the peers' 8 KiB output buffer); 9000 bytes without a head end
(closed). Prints one line per check and server, exits 1 if any failed.
A uring_floor built with -DNBUF=4 runs the echo checks out of buffers.
"""
import os
import socket
import subprocess
import sys
import time

REQ = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
RESP = (b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
        b"Content-Type: text/plain\r\n\r\nHello, World!")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port):
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.settimeout(5)
            return s
        except ConnectionRefusedError:
            time.sleep(0.02)
    raise RuntimeError("server did not come up")


def read_exactly(s, n):
    got = b""
    while len(got) < n:
        d = s.recv(n - len(got))
        if not d:
            break
        got += d
    return got


def closed(s):
    """The server closed the connection (EOF or reset) without answering."""
    try:
        return s.recv(1 << 16) == b""
    except ConnectionResetError:
        return True


def echo_many(port):
    conns = [connect(port) for _ in range(64)]
    for size in (1, 64, 1000, 4096):
        for i, s in enumerate(conns):
            s.sendall(bytes([97 + i % 26]) * size)
        for i, s in enumerate(conns):
            if read_exactly(s, size) != bytes([97 + i % 26]) * size:
                return False
    return True


def echo_churn(port):
    for i in range(2000):
        with connect(port) as s:
            s.sendall(b"x" * 100)
            if i % 2 == 0 and read_exactly(s, 100) != b"x" * 100:
                return False
    return echo_many(port)


def http_split(port):
    with connect(port) as s:
        data = REQ * 50
        for i in range(0, len(data), 7):
            s.sendall(data[i:i + 7])
        return read_exactly(s, 50 * len(RESP)) == RESP * 50


def http_pipeline(n):
    def check(port):
        with connect(port) as s:
            s.sendall(REQ * n)
            if n * len(RESP) > 8192:
                return closed(s)
            return read_exactly(s, n * len(RESP)) == RESP * n
    check.__name__ = "http_pipeline_%d" % n
    return check


def http_no_head(port):
    with connect(port) as s:
        s.sendall(b"x" * 9000)
        return closed(s)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    servers = []
    for b in sys.argv[1:]:
        servers.append([b])
        if os.path.basename(b).startswith("uring_floor"):
            servers.append([b, "oneshot"])
    checks = [("echo", echo_many), ("echo", echo_churn), ("http-raw", http_split),
              ("http-raw", http_pipeline(105)), ("http-raw", http_pipeline(106)),
              ("http-raw", http_no_head)]
    failed = 0
    for cmd in servers:
        for kind, check in checks:
            port = free_port()
            p = subprocess.Popen([cmd[0], str(port), kind] + cmd[1:])
            try:
                ok = check(port)
            except (OSError, RuntimeError) as e:
                ok = False
                print("  ", e)
            finally:
                p.kill()
                p.wait()
            failed += not ok
            print("%s %s: %s" % ("ok  " if ok else "FAIL", " ".join(cmd),
                                  check.__name__))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
