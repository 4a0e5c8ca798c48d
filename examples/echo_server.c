/*
 * echo_server.c - a TCP echo server on 127.0.0.1, one task per connection.
 *
 * The accept loop is an async function that spawns a detached task for
 * every connection; each task reads what its client sends and writes it
 * back, awaiting where a blocking server would block.  The code is the
 * blocking server's code with `async` and `await` added.
 *
 *   echo_server [PORT [MAX_CONNECTIONS]]
 *
 * PORT 0 (the default) picks a free port; the port is printed on stdout as
 * `listening on 127.0.0.1:PORT`.  With MAX_CONNECTIONS > 0 the server stops
 * accepting after that many connections and exits once they are all done
 * (tests use it); 0 (the default) serves forever.  Build:
 *
 *   $(pkg-config --variable=clang coast) $(pkg-config --cflags coast) \
 *       examples/echo_server.c $(pkg-config --libs coast) -o echo_server
 */
#include <coast.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

/* Writes all n bytes of buf: n, or -errno. */
async ssize_t write_all(int fd, const char *buf, size_t n)
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
 * Echoes one connection until its client closes it or an error, then
 * closes it.  When `finished` is not NULL, tells the accept loop so.
 */
async void serve(int fd, coast_chan *finished)
{
	char buf[16384];

	for (;;) {
		ssize_t n = await(coast_read(fd, buf, sizeof buf));
		if (n == 0)
			break; /* the client closed its side */
		if (n < 0) {
			if (n != -ECONNRESET)
				fprintf(stderr, "echo_server: read: %s\n",
					strerror((int)-n));
			break;
		}
		ssize_t w = await(write_all(fd, buf, (size_t)n));
		if (w < 0) {
			if (w != -EPIPE && w != -ECONNRESET)
				fprintf(stderr, "echo_server: write: %s\n",
					strerror((int)-w));
			break;
		}
	}
	close(fd);
	if (finished) {
		int one = 1;
		await(coast_chan_send(finished, &one));
	}
}

/*
 * Accepts connections on lfd, max of them (0: forever), then waits for
 * them all to finish.  Returns the number served, or -errno.
 */
async long accept_loop(int lfd, long max)
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
			fprintf(stderr, "echo_server: accept: %s\n",
				strerror(-fd));
			break;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		coast_task *t = coast_spawn(serve(fd, finished));
		if (!t) {
			fprintf(stderr, "echo_server: out of memory\n");
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
static int listen_on(int port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("echo_server: socket");
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
		perror("echo_server: bind/listen");
		close(fd);
		return -1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static long parse_arg(const char *s, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "echo_server: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc > 3) {
		fprintf(stderr, "usage: %s [PORT [MAX_CONNECTIONS]]\n", argv[0]);
		return 2;
	}
	int port = argc > 1 ? (int)parse_arg(argv[1], 65535, "port") : 0;
	long max = argc > 2 ? parse_arg(argv[2], 1000000, "connection limit") : 0;
	int lfd = listen_on(port);

	if (lfd < 0)
		return 1;
	long served = coast_block_on(accept_loop(lfd, max));
	if (served < 0) {
		fprintf(stderr, "echo_server: %s\n", strerror((int)-served));
		return 1;
	}
	printf("served %ld connections\n", served);
	return 0;
}
