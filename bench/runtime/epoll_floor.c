/*
 * epoll_floor: the servers of the peers (echo, http-raw) hand-written in
 * plain C on one thread, with no runtime: level-triggered epoll and a
 * per-connection buffer, the least a server pays on top of the kernel.
 *
 *   epoll_floor <port> echo|http-raw
 *
 * Binds 127.0.0.1 only. Echo reads up to 4 KiB and writes it all back;
 * http-raw answers every complete request head in an 8 KiB buffer with the
 * peers' 78-byte response (keep-alive, pipelining). Output that the socket
 * does not take at once waits in the connection and EPOLLOUT is asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "floor.h"

struct conn {
	int fd;
	size_t in_len;
	size_t out_len, out_off;
	char in[8192];
	char out[8192];
};

static int http;
static int ep;

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c);
}

/* Writes what is pending; 1 when all went, 0 when the socket is full, -1 on error. */
static int flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 1;
}

static void want_out(struct conn *c, int on)
{
	struct epoll_event ev = { .events = on ? EPOLLOUT : EPOLLIN, .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Turns what was read into output; -1 when the connection must end. */
static int consume(struct conn *c, size_t n)
{
	if (!http) {
		memcpy(c->out, c->in, n);
		c->out_len = n;
		return 0;
	}
	c->in_len += n;
	size_t start = 0;
	char *end;
	while ((end = memmem(c->in + start, c->in_len - start, "\r\n\r\n", 4))) {
		if (c->out_len + sizeof resp - 1 > sizeof c->out)
			return -1; /* a pipeline longer than the peers' buffer */
		memcpy(c->out + c->out_len, resp, sizeof resp - 1);
		c->out_len += sizeof resp - 1;
		start = (size_t)(end - c->in) + 4;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	return c->in_len == sizeof c->in ? -1 : 0;
}

static void on_ready(struct conn *c, uint32_t events)
{
	if (events & EPOLLOUT) {
		int r = flush(c);
		if (r < 0)
			goto dead;
		if (r == 0)
			return;
		want_out(c, 0);
	}
	for (;;) {
		size_t room = http ? sizeof c->in - c->in_len : 4096;
		ssize_t n = read(c->fd, c->in + (http ? c->in_len : 0), room);
		if (n == 0)
			goto dead;
		if (n < 0) {
			if (errno == EAGAIN)
				return;
			goto dead;
		}
		if (consume(c, (size_t)n) < 0)
			goto dead;
		int r = flush(c);
		if (r < 0)
			goto dead;
		if (r == 0) {
			want_out(c, 1);
			return;
		}
		if ((size_t)n < room)
			return; /* drained: level-triggered epoll says when more comes */
	}
dead:
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	conn_close(c);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[2], "echo") && strcmp(argv[2], "http-raw"))) {
		fprintf(stderr, "usage: epoll_floor <port> echo|http-raw\n");
		return 2;
	}
	http = !strcmp(argv[2], "http-raw");
	signal(SIGPIPE, SIG_IGN);
	int l = listen_loopback(argv[1], SOCK_STREAM | SOCK_NONBLOCK, "epoll_floor");
	if (l < 0)
		return 1;
	int one = 1;
	ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c) {
				on_ready(c, evs[i].events);
				continue;
			}
			int fd;
			while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				c = calloc(1, sizeof *c);
				if (!c) {
					close(fd);
					continue;
				}
				c->fd = fd;
				ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = c };
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
		}
	}
}
