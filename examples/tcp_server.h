/*
 * tcp_server.h - what examples/echo_server.c and http_hello.c share: a
 * listening socket on 127.0.0.1, an accept loop that spawns one task per
 * connection, and main()'s argument handling.  Its async functions are
 * `static inline async`: each server that includes it gets its own copy,
 * lowered with it.  The handler comes through an async function pointer,
 * called with box(...); `returns_send` on its type lets coast_spawn know
 * the task may move between workers.
 */
#ifndef TCP_SERVER_H
#define TCP_SERVER_H

#include <coast.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Serves the connection fd, closes it, then sends 1 on finished (when not
 * NULL). */
typedef async returns_send void (*conn_handler)(int fd, coast_chan *finished);

/* Writes all n bytes of buf: n, or -errno. */
static inline async ssize_t write_all(int fd, const char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = await(coast_write(fd, buf + done, n - done));
		if (w < 0)
			return w;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

/*
 * Accepts connections on lfd, max of them (0: forever), each served by a
 * task running serve(fd, finished), then waits for them all to finish.
 * Returns the number served, or -errno.
 */
static inline async long accept_loop(const char *name, int lfd, long max,
				     conn_handler serve)
{
	coast_chan *finished = NULL;
	long accepted = 0;

	if (max > 0) {
		/* Room for every connection: a finishing task never waits. */
		finished = coast_chan_new((size_t)max, sizeof(int));
		if (!finished)
			return -errno;
	}
	while (max == 0 || accepted < max) {
		int fd = await(coast_accept(lfd, NULL, NULL));
		if (fd < 0) {
			if (fd == -ECONNABORTED || fd == -EINTR)
				continue;
			if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS ||
			    fd == -ENOMEM) {
				/* Out of fds: let some connections finish. */
				await(coast_sleep_ms(10));
				continue;
			}
			fprintf(stderr, "%s: accept: %s\n", name,
				strerror(-fd));
			break;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		coast_task *t = coast_spawn(box(serve(fd, finished)));
		if (!t) {
			fprintf(stderr, "%s: out of memory\n", name);
			close(fd);
			continue;
		}
		coast_detach(t);
		accepted++;
	}
	close(lfd);
	if (finished) {
		for (long i = 0; i < accepted; i++) {
			int v;
			await(coast_chan_recv(finished, &v));
		}
		coast_chan_free(finished);
	}
	return accepted;
}

/* A listening socket on 127.0.0.1:port; prints the port.  -1 on error. */
static inline int listen_on(const char *name, int port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", name, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "%s: bind/listen: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static inline long parse_arg(const char *name, const char *s, long max,
			     const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "%s: bad %s '%s'\n", name, what, s);
		exit(2);
	}
	return v;
}

/*
 * main() of a server: `NAME [PORT [MAX_CONNECTIONS]]`, serving each
 * connection with serve.
 */
static inline int tcp_server_main(const char *name, int argc, char **argv,
				  conn_handler serve)
{
	if (argc > 3) {
		fprintf(stderr, "usage: %s [PORT [MAX_CONNECTIONS]]\n", argv[0]);
		return 2;
	}
	int port = argc > 1 ? (int)parse_arg(name, argv[1], 65535, "port") : 0;
	long max =
		argc > 2 ? parse_arg(name, argv[2], 1000000, "connection limit")
			 : 0;
	int lfd = listen_on(name, port);

	if (lfd < 0)
		return 1;
	long served = coast_block_on(accept_loop(name, lfd, max, serve));
	if (served < 0) {
		fprintf(stderr, "%s: %s\n", name, strerror((int)-served));
		return 1;
	}
	printf("served %ld connections\n", served);
	return 0;
}

#endif /* TCP_SERVER_H */
