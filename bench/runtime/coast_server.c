/*
 * coast_server.c - coast's version of the peers' servers (cpp_server,
 * go_server, tokio_server), same logic: 127.0.0.1 only, one task per
 * connection, TCP_NODELAY.
 *
 *   coast_server <port> echo       TCP echo (4 KiB reads)
 *   coast_server <port> http-raw   the hand-written HTTP/1.1 of the peers:
 *                                  an 8 KiB buffer, every complete request
 *                                  head answered with the same 78 bytes,
 *                                  keep-alive, pipelining-safe
 *
 * Serves until killed.  Workers: COAST_WORKERS.
 */
#define _GNU_SOURCE /* memmem */
#include <coast.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
			   "Content-Type: text/plain\r\n\r\nHello, World!";
#define RESP_LEN (sizeof(resp) - 1)

async bool write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = await(coast_write(fd, buf, n));
		if (w < 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

async void echo_conn(int fd)
{
	char buf[4096];

	for (;;) {
		ssize_t n = await(coast_read(fd, buf, sizeof buf));
		if (n <= 0 || !await(write_all(fd, buf, (size_t)n)))
			break;
	}
	close(fd);
}

async void http_conn(int fd)
{
	char buf[8192], out[8192];
	size_t filled = 0;
	bool ok = true;

	while (ok) {
		ssize_t n = await(coast_read(fd, buf + filled,
					     sizeof buf - filled));
		if (n <= 0)
			break;
		filled += (size_t)n;
		size_t start = 0, olen = 0;
		for (;;) {
			char *p = memmem(buf + start, filled - start,
					 "\r\n\r\n", 4);
			if (!p)
				break;
			if (olen + RESP_LEN > sizeof out) {
				ok = await(write_all(fd, out, olen));
				olen = 0;
				if (!ok)
					break;
			}
			memcpy(out + olen, resp, RESP_LEN);
			olen += RESP_LEN;
			start = (size_t)(p - buf) + 4;
		}
		if (!ok)
			break;
		memmove(buf, buf + start, filled - start);
		filled -= start;
		if (filled == sizeof buf)
			break; /* request head too large */
		if (olen)
			ok = await(write_all(fd, out, olen));
	}
	close(fd);
}

async int acceptor(int lfd, bool http)
{
	for (;;) {
		int fd = await(coast_accept(lfd, NULL, NULL));
		if (fd < 0) {
			if (fd == -EMFILE || fd == -ENFILE)
				await(coast_sleep_ms(1));
			continue; /* keep serving */
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		coast_task *t = http ? coast_spawn(http_conn(fd))
				     : coast_spawn(echo_conn(fd));
		if (!t)
			close(fd);
		else
			coast_detach(t);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	int one = 1, lfd;

	if (argc != 3 ||
	    (strcmp(argv[2], "echo") && strcmp(argv[2], "http-raw"))) {
		fprintf(stderr, "usage: coast_server <port> echo|http-raw\n");
		return 2;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 1024)) {
		perror("bind/listen");
		return 1;
	}
	return coast_block_on(acceptor(lfd, !strcmp(argv[2], "http-raw")));
}
