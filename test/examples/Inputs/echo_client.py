"""Drives examples/echo_server.c: many connections at once, every byte checked.

  echo_client.py SERVER [CONNECTIONS]

Starts SERVER with port 0 and a connection limit, then opens CONNECTIONS
(default 20) connections at once, each sending its own pseudo-random data
(1 byte to 1 MiB, whole or in many small sends) from one thread while
another reads the echo back to end of stream, and two faulty ones: a client
that sends 1 MiB and resets the connection without reading (the server's
write fails with ECONNRESET or EPIPE) and one that closes at once.  Every
echoed byte is compared; the server must then exit by itself.
"""
import random
import socket
import struct
import sys
import threading

import serverlib

SIZES = [1, 100, 4095, 4096, 16384, 65537, 300000, 1 << 20]


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=serverlib.TIMEOUT)
    s.settimeout(serverlib.TIMEOUT)
    return s


def echo(port, i, totals):
    size = SIZES[i % len(SIZES)]
    data = random.Random(i).randbytes(size)
    small = i % 3 == 1  # many small sends rather than one
    s = connect(port)

    def send():
        if small:
            off = 0
            while off < size:
                step = 1 + (off * 7919) % 1500
                s.sendall(data[off:off + step])
                off += step
        else:
            s.sendall(data)
        s.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    sender.start()
    got = bytearray()
    buf = bytearray(65536)
    while True:
        n = s.recv_into(buf)
        if n == 0:
            break
        got += buf[:n]
    sender.join()
    s.close()
    if bytes(got) != data:
        first = next((k for k in range(min(len(got), size)) if got[k] != data[k]),
                     min(len(got), size))
        raise AssertionError("connection %d: sent %d bytes, got %d back, "
                             "first difference at %d" % (i, size, len(got), first))
    totals.append(size)


def reset_mid_write(port):
    s = connect(port)
    # The server echoes while we do not read: its writes fill our buffer,
    # then ours block (2 s at most).
    s.settimeout(2)
    try:
        s.sendall(random.Random(-1).randbytes(1 << 20))
    except OSError:
        pass  # the server may stop reading once its writes block; fine
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # RST


def close_at_once(port):
    connect(port).close()


def main():
    server = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    proc, port = serverlib.start([server, "0", str(n + 2)])
    totals = []
    jobs = [lambda i=i: echo(port, i, totals) for i in range(n)]
    jobs += [lambda: reset_mid_write(port), lambda: close_at_once(port)]
    try:
        serverlib.run_all(jobs)
    except BaseException:
        proc.kill()
        raise
    out = serverlib.finish(proc)
    print("echo: %d connections, %d bytes echoed" % (len(totals), sum(totals)))
    sys.stdout.write("server: " + out)


main()
