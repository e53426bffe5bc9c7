/* SPDX-License-Identifier: ISC */
/* The connect() loop behind bench/sockets: starts a server (a forked
 * child that accepts and closes), then times N rounds of connect() and a
 * read() that waits for the server's close (so a round never outruns the
 * server's accept queue).
 *   sockloop unix|tcp N    prints "KIND N NS-PER-CONNECT"
 * Run it outside and inside hush sandbox to see what the socket
 * supervisor adds per connect. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int tcp = !strcmp(argv[1], "tcp");
	long n = strtol(argv[2], NULL, 10);
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	struct sockaddr_in si = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr *sa = tcp ? (struct sockaddr *)&si : (struct sockaddr *)&su;
	socklen_t sl = tcp ? sizeof(si) : sizeof(su);
	char dir[] = "/tmp/hush-sockloop.XXXXXX";
	if (!tcp) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(su.sun_path, sizeof(su.sun_path), "%s/s", dir);
	}
	int l = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, sa, sl) != 0 || listen(l, 128) != 0 || getsockname(l, sa, &sl) != 0) {
		perror("sockloop: listener");
		return 1;
	}
	pid_t srv = fork();
	if (srv == 0) {
		for (;;) {
			int c = accept(l, NULL, NULL);
			if (c >= 0)
				close(c);
		}
	}
	close(l);
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int c = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
		if (c < 0 || connect(c, sa, sl) != 0) {
			perror("sockloop: connect");
			kill(srv, SIGKILL);
			return 1;
		}
		char b;
		while (read(c, &b, 1) > 0)
			;
		close(c);
	}
	double t1 = now_ns();
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	if (!tcp) {
		unlink(su.sun_path);
		rmdir(dir);
	}
	printf("%s %ld %.0f\n", argv[1], n, (t1 - t0) / (double)n);
	return 0;
}
