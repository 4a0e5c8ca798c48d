/*
 * floor.h - what epoll_floor.c and uring_floor.c share: the peers' HTTP
 * response and the listening socket.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
			   "Content-Type: text/plain\r\n\r\nHello, World!";

/* A stream socket (type: SOCK_STREAM and its flags) listening on
 * 127.0.0.1:port, or -1 with the error said as who's. */
static int listen_loopback(const char *port, int type, const char *who)
{
	int l = socket(AF_INET, type, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1024)) {
		fprintf(stderr, "%s: listen: ", who);
		perror(NULL);
		return -1;
	}
	return l;
}
