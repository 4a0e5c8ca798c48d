/*
 * echo_server.c - a TCP echo server on 127.0.0.1, one task per connection.
 *
 * The accept loop (tcp_server.h, shared with http_hello.c) spawns a
 * detached task for every connection; each task reads what its client sends and writes it
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
#include "tcp_server.h"

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

int main(int argc, char **argv)
{
	return tcp_server_main("echo_server", argc, argv, serve);
}
