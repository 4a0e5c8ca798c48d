"""Drives examples/http_hello.c: keep-alive, pipelining, bodies, bad input.

  http_client.py SERVER

Starts SERVER with port 0 and a connection limit (the number of
connections below), runs every case at once, checks every answer (status,
Content-Length, Connection, body `hello\\n`, and whether the server closed
the connection when it should), then expects the server to exit by itself.
"""
import socket
import sys
import time

import serverlib

GET = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
GET_CLOSE = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port),
                                          timeout=serverlib.TIMEOUT)
        self.s.settimeout(serverlib.TIMEOUT)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _more(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise AssertionError("connection closed, buffered %r" % self.buf)
        self.buf += chunk

    def response(self, head=False):
        """One response: (status, headers with lower-case names, body)."""
        while b"\r\n\r\n" not in self.buf:
            self._more()
        top, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = top.decode("latin-1").split("\r\n")
        version, status, _ = lines[0].split(" ", 2)
        assert version == "HTTP/1.1", lines[0]
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        if head:
            length = 0
        while len(self.buf) < length:
            self._more()
        body, self.buf = self.buf[:length], self.buf[length:]
        return int(status), headers, body

    def hello(self, connection="keep-alive", head=False):
        status, headers, body = self.response(head)
        assert status == 200, status
        assert headers["content-length"] == "6", headers
        assert headers["connection"] == connection, headers
        assert body == (b"" if head else b"hello\n"), body

    def expect_eof(self):
        assert self.buf == b"", self.buf
        assert self.s.recv(1) == b"", "server kept the connection open"
        self.s.close()

    def close(self):
        assert self.buf == b"", self.buf
        self.s.close()


def keep_alive(port):
    c = Conn(port)
    for _ in range(5):
        c.send(GET)
        c.hello()
    c.send(GET_CLOSE)
    c.hello("close")
    c.expect_eof()


def pipelined(port, n):
    c = Conn(port)
    # Headers of varying length; n of them overflow the server's buffers.
    reqs = [b"GET /%d HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: %s\r\n\r\n"
            % (i, b"p" * (i % 50)) for i in range(n - 1)]
    c.send(b"".join(reqs) + GET_CLOSE)
    for _ in range(n - 1):
        c.hello()
    c.hello("close")
    c.expect_eof()


def byte_by_byte(port):
    c = Conn(port)
    req = b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"
    for k in range(len(req)):
        c.send(req[k:k + 1])
        if k % 8 == 0:
            time.sleep(0.002)
    c.hello()
    c.close()


def http10(port):
    c = Conn(port)
    c.send(b"GET / HTTP/1.0\r\n\r\n")
    c.hello("close")
    c.expect_eof()
    c = Conn(port)
    c.send(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
    c.hello()
    c.send(b"GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n")
    c.hello()
    c.close()


def bodies(port):
    c = Conn(port)
    body = b"b" * 100000
    # A POST whose body arrives in pieces, pipelined with a GET behind it.
    c.send(b"POST /upload HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body)
           + body[:5000])
    c.send(body[5000:60000])
    c.send(body[60000:] + GET)
    c.hello()
    c.hello()
    c.send(b"HEAD / HTTP/1.1\r\n\r\n" + GET)
    c.hello(head=True)
    c.hello()
    c.close()


def bad_input(port):
    for req, status in [(b"GARBAGE\r\n\r\n", 400),
                        (b"GET / HTTP/2.0\r\n\r\n", 400),
                        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
                        (b"GET / HTTP/1.1\r\nX-Big: " + b"x" * 10000, 431)]:
        c = Conn(port)
        c.send(req)
        got, headers, _ = c.response()
        assert got == status and headers["connection"] == "close", (got, headers)
        c.expect_eof()
    c = Conn(port)  # gone in the middle of a request head
    c.send(b"GET / HTTP/1.1\r\nHost:")
    c.s.close()


def many_clients(port, n, per):
    c = Conn(port)
    for k in range(per):
        if k % 5 == 0:
            c.send(GET * 4)  # a few pipelined ones now and then
            for _ in range(4):
                c.hello()
        else:
            c.send(GET)
            c.hello()
    c.close()


def main():
    clients, per = 20, 20
    # keep_alive 1, pipelined 2, byte_by_byte 1, http10 2, bodies 1,
    # bad_input 5, many_clients `clients`.
    limit = 12 + clients
    proc, port = serverlib.start([sys.argv[1], "0", str(limit)])
    jobs = [lambda: keep_alive(port), lambda: pipelined(port, 10),
            lambda: pipelined(port, 300), lambda: byte_by_byte(port),
            lambda: http10(port), lambda: bodies(port),
            lambda: bad_input(port)]
    jobs += [lambda: many_clients(port, clients, per)] * clients
    try:
        serverlib.run_all(jobs)
    except BaseException:
        proc.kill()
        raise
    out = serverlib.finish(proc)
    print("http: all %d connections answered correctly" % limit)
    sys.stdout.write("server: " + out)


main()
