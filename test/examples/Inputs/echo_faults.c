/*
 * echo_faults.c - an echo server under injected faults, and its clients.
 *
 * The server (built with the plugin) runs in this process; the clients
 * run in a child forked before the runtime starts, as plain threads with
 * blocking sockets, all on 127.0.0.1.  Faults:
 *   - bad fds: read, write, recv, send, accept and connect on -1 and on a
 *     closed fd are -EBADF, accept on a pipe -ENOTSOCK;
 *   - EMFILE: once serving, the server lowers RLIMIT_NOFILE to a few fds
 *     over what it has open while GOOD clients connect at once; the accept
 *     loop must wait and serve the rest as connections end;
 *   - ECONNRESET: RESETS clients send 64 KiB and close with SO_LINGER
 *     {1, 0} without reading the echo (an RST mid-stream);
 *   - a peer closing mid-write: CLOSERS clients send up to 256 KiB and
 *     close without reading, so the server writes to a closed peer
 *     (-EPIPE or -ECONNRESET, and no SIGPIPE: its disposition is left at
 *     the default);
 *   - EINTR: SIGUSR1 has a handler without SA_RESTART and a thread sends
 *     it to every thread of the server every 200 us during the run.
 * Every good client sends its own pattern in chunks of varying size and
 * checks every byte echoed.  The client process closes a pipe when it is
 * done; the server then stops accepting, waits for its connections and
 * prints what it saw.  alarm() bounds both processes.
 */
#include <coast.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

unsigned coast__uring_rings(void);

#define GOOD 24
#define RESETS 6
#define CLOSERS 6
#define SPARE_FDS 4 /* connections the server can hold under the limit */

static atomic_long live, accepted, emfile, peer_gone, unexpected;
static atomic_long signals;
static atomic_bool stop_signals;

/* ---------------------------------------------------------------- server */

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

static void count_error(long e)
{
	if (e == -ECONNRESET || e == -EPIPE || e == -ECONNABORTED) {
		atomic_fetch_add(&peer_gone, 1);
	} else {
		fprintf(stderr, "server: unexpected %s\n", strerror((int)-e));
		atomic_fetch_add(&unexpected, 1);
	}
}

async void serve(int fd)
{
	char buf[16384];

	for (;;) {
		ssize_t n = await(coast_read(fd, buf, sizeof buf));
		if (n <= 0) {
			if (n < 0)
				count_error(n);
			break;
		}
		ssize_t w = await(write_all(fd, buf, (size_t)n));
		if (w < 0) {
			count_error(w);
			break;
		}
	}
	close(fd);
	atomic_fetch_sub(&live, 1);
}

/* Accepts until cancelled; each connection is a detached task. */
async void accept_loop(int lfd)
{
	for (;;) {
		int fd = await(coast_accept(lfd, NULL, NULL));
		if (fd == -EMFILE || fd == -ENFILE) {
			atomic_fetch_add(&emfile, 1);
			await(coast_sleep_ms(2)); /* let connections end */
			continue;
		}
		if (fd < 0) {
			count_error(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		atomic_fetch_add(&live, 1);
		atomic_fetch_add(&accepted, 1);
		coast_task *t = coast_spawn(serve(fd));
		if (!t || coast_detach(t)) {
			close(fd);
			atomic_fetch_sub(&live, 1);
			atomic_fetch_add(&unexpected, 1);
		}
	}
}

async void bad_fds(void)
{
	int p[2], closed;
	char c = 0;

	if (pipe(p))
		return;
	/* A number well above the lowest free ones, closed: an fd the
	 * runtime opens meanwhile (a worker's io_uring or eventfd, made as
	 * it starts) does not take it, as it took the pipe's own. */
	closed = fcntl(p[0], F_DUPFD_CLOEXEC, 512);
	close(closed);
	close(p[0]);
	printf("bad fds: read %zd %zd write %zd %zd recv %zd send %zd\n",
	       await(coast_read(-1, &c, 1)), await(coast_read(closed, &c, 1)),
	       await(coast_write(-1, &c, 1)),
	       await(coast_write(closed, &c, 1)),
	       await(coast_recv(closed, &c, 1, 0)),
	       await(coast_send(closed, &c, 1, 0)));
	printf("bad fds: accept %d %d connect %d accept-on-pipe %d\n",
	       await(coast_accept(-1, NULL, NULL)),
	       await(coast_accept(closed, NULL, NULL)),
	       await(coast_connect(closed, NULL, 0)),
	       await(coast_accept(p[1], NULL, NULL)));
	close(p[1]);
}

/* The highest open fd: the limit is set a few fds above it. */
static int max_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int max = 2;

	if (!d)
		return 1000;
	while ((e = readdir(d)))
		if (atoi(e->d_name) > max)
			max = atoi(e->d_name);
	closedir(d);
	return max;
}

async int server(int lfd, int ctl)
{
	struct rlimit rl;
	char c;

	await(bad_fds());
	int top = max_fd(), fd;
	/* Fill the holes below the top (inherited fds leave some): then
	 * exactly SPARE_FDS are free under the limit. */
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0 && fd < top)
		;
	if (fd >= 0)
		close(fd);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = (rlim_t)top + 1 + SPARE_FDS;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit");
	/* Only now: connections queue up while every fd is taken. */
	coast_task *acc = coast_spawn(accept_loop(lfd));
	if (!acc)
		return -1;
	/* EOF when the client process is done. */
	ssize_t r = await(coast_read(ctl, &c, 1));
	coast_cancel(acc);
	int j = await(coast_join(acc, NULL));
	while (atomic_load(&live) > 0)
		await(coast_sleep_ms(1));
	return r == 0 && j == -ECANCELED ? 0 : -1;
}

/* ------------------------------------------------------------ signals */

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals, 1);
}

/* Sends SIGUSR1 to every thread of the process until told to stop. */
static void *signaller(void *arg)
{
	DIR *d = arg;
	struct dirent *e;
	struct timespec gap = { 0, 200 * 1000 };
	pid_t self = (pid_t)syscall(SYS_gettid);

	while (!atomic_load(&stop_signals)) {
		rewinddir(d);
		while ((e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);
			if (tid > 0 && tid != self)
				syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		}
		nanosleep(&gap, NULL);
	}
	return NULL;
}

/* ------------------------------------------------------------ clients */

static struct sockaddr_in server_addr;
static pthread_barrier_t connected;

static unsigned char pattern(int who, size_t k)
{
	return (unsigned char)(k * 131 + (size_t)who * 17 + (k >> 9));
}

static int dial(void)
{
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&server_addr, sizeof server_addr)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct client {
	int who;
	size_t len;      /* bytes to send */
	size_t verified; /* bytes echoed back and equal */
	int ok;
};

static int read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Sends its pattern in chunks of 1..16384 bytes, checking each echo. */
static void *good_client(void *arg)
{
	struct client *c = arg;
	unsigned char out[16384], in[16384];
	unsigned seed = (unsigned)c->who * 2654435761u;
	int fd = dial();
	size_t done = 0, k;

	pthread_barrier_wait(&connected); /* all connect before any sends */
	if (fd < 0)
		return NULL;
	while (done < c->len) {
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 8) % sizeof out;
		if (n > c->len - done)
			n = c->len - done;
		for (k = 0; k < n; k++)
			out[k] = pattern(c->who, done + k);
		if (write(fd, out, n) != (ssize_t)n || read_full(fd, in, n))
			break;
		for (k = 0; k < n && in[k] == out[k]; k++)
			;
		c->verified += k;
		if (k < n)
			break;
		done += n;
	}
	c->ok = done == c->len;
	close(fd);
	return NULL;
}

/*
 * Sends without reading until the buffers are full, reads one byte back
 * (the server is writing to it now), then resets (linger 0) or closes
 * with the echo unread, which resets too: the server's next read or
 * write fails either way.
 */
static void *rude_client(void *arg)
{
	struct client *c = arg;
	unsigned char out[65536];
	struct linger lin = { 1, 0 };
	struct timeval tv = { 0, 200 * 1000 };
	int fd = dial();
	size_t done = 0;

	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	memset(out, c->who, sizeof out);
	while (done < c->len) {
		ssize_t w = write(fd, out, sizeof out);
		if (w <= 0)
			break; /* the buffers are full: enough to be rude */
		done += (size_t)w;
	}
	if (read(fd, out, 1) != 1) {
		close(fd);
		return NULL;
	}
	if (c->who < GOOD + RESETS)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
	close(fd);
	c->ok = 1;
	return NULL;
}

static int clients(void)
{
	pthread_t th[GOOD + RESETS + CLOSERS];
	struct client c[GOOD + RESETS + CLOSERS];
	size_t sent = 0, verified = 0;
	int i, good = 0, rude = 0;

	pthread_barrier_init(&connected, NULL, GOOD);
	for (i = 0; i < GOOD + RESETS + CLOSERS; i++) {
		c[i].who = i;
		c[i].len = i < GOOD ? 1 + (size_t)i * 40503 % (256 * 1024)
			   : i < GOOD + RESETS ? 65536
					       : 256 * 1024;
		c[i].verified = 0;
		c[i].ok = 0;
		if (pthread_create(&th[i], NULL,
				   i < GOOD ? good_client : rude_client, &c[i]))
			return 1;
	}
	for (i = 0; i < GOOD + RESETS + CLOSERS; i++) {
		pthread_join(th[i], NULL);
		if (i < GOOD) {
			sent += c[i].len;
			verified += c[i].verified;
			good += c[i].ok;
		} else {
			rude += c[i].ok;
		}
	}
	printf("clients: %d of %d good connections whole, %zu bytes sent\n",
	       good, GOOD, sent);
	printf("clients: %zu bytes echoed and verified\n", verified);
	printf("clients: %d of %d resets and closers done\n", rude,
	       RESETS + CLOSERS);
	return good == GOOD && rude == RESETS + CLOSERS ? 0 : 1;
}

/* ---------------------------------------------------------------- main */

static int listen_on_loopback(void)
{
	socklen_t len = sizeof server_addr;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&server_addr, 0, sizeof server_addr);
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&server_addr, sizeof server_addr) ||
	    listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)&server_addr, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	struct sigaction sa;
	pthread_t sig_thread;
	int ctl[2], status = -1, lfd = listen_on_loopback();
	DIR *tasks;

	if (lfd < 0 || pipe(ctl)) {
		perror("setup");
		return 1;
	}
	alarm(30);
	pid_t child = fork();
	if (child == 0) {
		alarm(30); /* a child does not inherit the parent's */
		close(lfd);
		close(ctl[0]);
		int rc = clients();
		fflush(stdout);
		_exit(rc);
	}
	close(ctl[1]);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART: syscalls see EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	tasks = opendir("/proc/self/task");
	if (!tasks || pthread_create(&sig_thread, NULL, signaller, tasks))
		return 1;

	int r = coast_block_on(server(lfd, ctl[0]));

	atomic_store(&stop_signals, true);
	pthread_join(sig_thread, NULL);
	closedir(tasks);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	fflush(stdout); /* the client's lines come first */
	printf("server: %s, child %s\n", r ? "failed" : "stopped",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
	printf("server: accepted at least %d: %s\n", GOOD,
	       atomic_load(&accepted) >= GOOD ? "yes" : "no");
	printf("server: EMFILE seen and survived: %s\n",
	       atomic_load(&emfile) > 0 ? "yes" : "no");
	printf("server: peers gone mid-stream seen: %s\n",
	       atomic_load(&peer_gone) > 0 ? "yes" : "no");
	printf("server: signals delivered: %s\n",
	       atomic_load(&signals) > 0 ? "yes" : "no");
	printf("server: unexpected errors: %ld\n", atomic_load(&unexpected));
	/* The reactor COAST_IO asked for (the runtime's count, uring.c). */
	printf("server: io_urings: %s\n", coast__uring_rings() ? "yes" : "no");
	return 0;
}
