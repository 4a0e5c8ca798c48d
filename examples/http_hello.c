/*
 * http_hello.c - a minimal HTTP/1.1 server on 127.0.0.1 that answers every
 * request with `hello\n`, one task per connection, with keep-alive and
 * pipelining.
 *
 *   http_hello [PORT [MAX_CONNECTIONS]]
 *
 * Same arguments as echo_server.c: PORT 0 (the default) picks a free port,
 * printed on stdout as `listening on 127.0.0.1:PORT`; with
 * MAX_CONNECTIONS > 0 the server stops accepting after that many
 * connections and exits once they are all done.
 *
 * Each connection reads into a buffer, answers every complete request head
 * (up to the blank line) found there, writes the answers in one go (so
 * pipelined requests cost one write), and keeps the connection open unless
 * the client said `Connection: close` (or spoke HTTP/1.0 without
 * `Connection: keep-alive`).  A request body announced by Content-Length
 * is read and ignored.  Build:
 *
 *   $(pkg-config --variable=clang coast) $(pkg-config --cflags coast) \
 *       examples/http_hello.c $(pkg-config --libs coast) -o http_hello
 */
#define _GNU_SOURCE /* memmem, strncasecmp */
#include "tcp_server.h"
#include <stdbool.h>
#include <strings.h>

#define IN_SIZE 8192
#define OUT_SIZE 16384

/* What one request head asks for. */
struct request {
	bool keep_alive; /* the connection stays open after the answer */
	bool head;	 /* HEAD: the answer has no body */
	size_t body;	 /* Content-Length of the request body */
};

enum { HEAD_INCOMPLETE = 0, HEAD_BAD = -1, HEAD_TOO_BIG = -2 };

/* Case-insensitive: does the comma-separated list v[0..n) hold token t? */
static bool has_token(const char *v, size_t n, const char *t)
{
	size_t tl = strlen(t);
	size_t i = 0;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, t, tl) == 0)
			return true;
	}
	return false;
}

/*
 * Parses the request head at the start of p[0..n): its length through the
 * blank line, HEAD_INCOMPLETE when the blank line is not there yet, or
 * HEAD_BAD.
 */
static long parse_head(const char *p, size_t n, struct request *req)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4);

	if (!end)
		return HEAD_INCOMPLETE;
	const char *eol = memchr(p, '\r', (size_t)(end - p) + 2);
	/* METHOD SP TARGET SP HTTP/1.x */
	const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1 || sp1 == p)
		return HEAD_BAD;
	const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1 || eol - sp2 - 1 != 8 ||
	    memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return HEAD_BAD;
	bool http11 = sp2[8] == '1';
	bool said_close = false, said_keep = false;

	req->head = sp1 - p == 4 && memcmp(p, "HEAD", 4) == 0;
	req->body = 0;
	for (const char *line = eol + 2; line < end + 2;) {
		const char *le = memchr(line, '\r', (size_t)(end + 2 - line));
		if (le[1] != '\n')
			return HEAD_BAD;
		const char *colon = memchr(line, ':', (size_t)(le - line));
		if (!colon || colon == line)
			return HEAD_BAD;
		size_t nl = (size_t)(colon - line);
		const char *v = colon + 1;
		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		size_t vl = (size_t)(le - v);
		if (nl == 10 && strncasecmp(line, "connection", 10) == 0) {
			said_close |= has_token(v, vl, "close");
			said_keep |= has_token(v, vl, "keep-alive");
		} else if (nl == 14 &&
			   strncasecmp(line, "content-length", 14) == 0) {
			size_t len = 0;
			const char *d = v;
			for (; d < le && *d >= '0' && *d <= '9'; d++) {
				if (len > ((size_t)1 << 40))
					return HEAD_BAD;
				len = len * 10 + (size_t)(*d - '0');
			}
			if (d == v)
				return HEAD_BAD;
			req->body = len;
		} else if (nl == 17 &&
			   strncasecmp(line, "transfer-encoding", 17) == 0) {
			return HEAD_BAD; /* no chunked bodies here */
		}
		line = le + 2;
	}
	req->keep_alive = http11 ? !said_close : said_keep && !said_close;
	return end + 4 - p;
}

/* Appends the answer to req at out + len; returns the new length. */
static size_t answer(char *out, size_t len, const struct request *req)
{
	static const char body[] = "hello\n";
	int n = snprintf(out + len, OUT_SIZE - len,
			 "HTTP/1.1 200 OK\r\n"
			 "Content-Type: text/plain\r\n"
			 "Content-Length: %zu\r\n"
			 "Connection: %s\r\n"
			 "\r\n%s",
			 sizeof body - 1,
			 req->keep_alive ? "keep-alive" : "close",
			 req->head ? "" : body);
	return len + (size_t)n;
}

/* Room one answer needs in the output buffer, with margin. */
#define ANSWER_MAX 256

static const char bad_request[] = "HTTP/1.1 400 Bad Request\r\n"
				  "Content-Length: 0\r\n"
				  "Connection: close\r\n\r\n";
static const char too_big[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
			      "Content-Length: 0\r\n"
			      "Connection: close\r\n\r\n";

/*
 * Serves one connection until the client closes it, asks to, or sends
 * something malformed; then closes it.  When `finished` is not NULL, tells
 * the accept loop so.
 */
async void serve(int fd, coast_chan *finished)
{
	char in[IN_SIZE];
	char out[OUT_SIZE];
	size_t have = 0;   /* bytes in `in` */
	size_t skip = 0;   /* body bytes still to read and drop */
	bool open = true;  /* keep reading requests */
	bool refused = false; /* answered 400 or 431 */

	while (open) {
		size_t off = 0, outlen = 0;

		/* Answer every complete request in the buffer. */
		while (open) {
			if (skip > 0) {
				size_t k = have - off < skip ? have - off : skip;
				off += k;
				skip -= k;
				if (skip > 0)
					break;
			}
			struct request req;
			long r = parse_head(in + off, have - off, &req);
			if (r == HEAD_INCOMPLETE) {
				if (off == 0 && have == sizeof in) {
					/* The head fills the buffer. */
					memcpy(out + outlen, too_big,
					       sizeof too_big - 1);
					outlen += sizeof too_big - 1;
					open = false;
					refused = true;
				}
				break;
			}
			if (r == HEAD_BAD) {
				memcpy(out + outlen, bad_request,
				       sizeof bad_request - 1);
				outlen += sizeof bad_request - 1;
				open = false;
				refused = true;
				break;
			}
			off += (size_t)r;
			skip = req.body;
			if (outlen + ANSWER_MAX > sizeof out) {
				if (await(write_all(fd, out, outlen)) < 0)
					goto done;
				outlen = 0;
			}
			outlen = answer(out, outlen, &req);
			open = req.keep_alive;
		}
		if (outlen > 0 && await(write_all(fd, out, outlen)) < 0)
			break;
		if (!open)
			break;

		/* Keep the unparsed rest and read more. */
		memmove(in, in + off, have - off);
		have -= off;
		ssize_t n = await(coast_read(fd, in + have, sizeof in - have));
		if (n <= 0) {
			if (n < 0 && n != -ECONNRESET)
				fprintf(stderr, "http_hello: read: %s\n",
					strerror((int)-n));
			break;
		}
		have += (size_t)n;
	}
	if (refused) {
		/*
		 * Closing with unread request bytes would reset the
		 * connection, and the client could lose our answer: send
		 * FIN, then drop what still comes (a bounded amount).
		 */
		shutdown(fd, SHUT_WR);
		for (size_t dropped = 0; dropped < 1 << 20;) {
			ssize_t n = await(coast_read(fd, in, sizeof in));
			if (n <= 0)
				break;
			dropped += (size_t)n;
		}
	}
done:
	close(fd);
	if (finished) {
		int one = 1;
		await(coast_chan_send(finished, &one));
	}
}

int main(int argc, char **argv)
{
	return tcp_server_main("http_hello", argc, argv, serve);
}
