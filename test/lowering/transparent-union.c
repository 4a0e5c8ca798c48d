// An argument to a transparent union parameter (glibc's __SOCKADDR_ARG
// under _GNU_SOURCE, and the user's own) is wrapped by Sema in a compound
// literal with no text of its own: it stays as written, with awaits before
// it and inside it. The lowering took it for a literal living in the frame
// and wrote `&NULL`, which did not compile. Real sockets on loopback;
// prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
#define _GNU_SOURCE
#include <coast.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

typedef union {
	const int *ip;
	const short *sp;
} __attribute__((transparent_union)) num_arg;

static int first_int(num_arg a)
{
	return *a.ip;
}

async int nap(int v)
{
	await(coast_yield());
	return v;
}

async const int *pass(const int *p)
{
	await(coast_yield());
	return p;
}

async int sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	await(nap(0));
	if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 4))
		return -1;
	await(nap(0));
	if (getsockname(l, (void *)&a, &len))
		return -2;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	await(nap(0));
	if (connect(c, (const struct sockaddr *)&a, sizeof a))
		return -3;
	int s = -1;
	for (int i = 0; i < 2; i++) {
		await(nap(i));
		if (i == 0)
			s = accept(l, NULL, NULL);
	}
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	await(nap(0));
	if (s < 0 || getpeername(s, (struct sockaddr *)&peer, &plen))
		return -4;
	int same = peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK);
	close(s);
	close(c);
	close(l);
	return same;
}

async int own_union(void)
{
	int x = 41;
	int total = first_int(&x);
	await(nap(0));
	total += first_int(await(pass(&x))) + first_int(&x);
	return total;
}

int main(void)
{
	// CHECK: sockets 1
	printf("sockets %d\n", coast_block_on(sockets()));
	// CHECK: own_union 123
	printf("own_union %d\n", coast_block_on(own_union()));
	return 0;
}
