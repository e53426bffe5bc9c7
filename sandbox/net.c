/* SPDX-License-Identifier: ISC */
/* network = proxy-only: the sandbox has a network namespace of its own,
 * with loopback only. Its one way out is the credential proxy: a
 * forwarder, started by the sandbox's init before the agent, listens on
 * 127.0.0.1:PORT inside (the port the agent's HTTPS_PROXY and base URLs
 * name) and relays each connection to the proxy's unix socket, which is
 * reachable by path across network namespaces. */
#include "sandbox/net.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"

int sandbox_net_lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int r = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return r;
}

uint16_t sandbox_net_proxy_port(char *const *envp)
{
	for (size_t i = 0; envp && envp[i]; i++) {
		if (strncmp(envp[i], "HTTPS_PROXY=", 12))
			continue;
		const char *c = strrchr(envp[i], ':');
		long v = c ? strtol(c + 1, NULL, 10) : 0;
		return v > 0 && v < 65536 ? (uint16_t)v : 0;
	}
	return 0;
}

/* Copies both ways between a and b until both sides are done. */
static _Noreturn void relay(int a, int b)
{
	int fd[2] = { a, b };
	bool open_in[2] = { true, true };
	char buf[65536];
	while (open_in[0] || open_in[1]) {
		struct pollfd p[2] = { { .fd = open_in[0] ? a : -1, .events = POLLIN },
				       { .fd = open_in[1] ? b : -1, .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (!open_in[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(fd[i], buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0) {
				/* one side is done sending: pass the half-close on */
				open_in[i] = false;
				shutdown(fd[1 - i], SHUT_WR);
				continue;
			}
			if (n < 0 || write_all(fd[1 - i], buf, (size_t)n) < 0)
				_exit(0);
		}
	}
	_exit(0);
}

int sandbox_net_forwarder(uint16_t port, const char *unix_path)
{
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	if (!port || strlen(unix_path) >= sizeof(su.sun_path))
		return -1;
	strcpy(su.sun_path, unix_path);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 128)) {
		if (l >= 0)
			close(l);
		return -1;
	}
	pid_t f = fork();
	if (f < 0) {
		close(l);
		return -1;
	}
	if (f > 0) {
		close(l);
		return 0;
	}
	/* the forwarder: one child per connection, never waited for */
	struct sigaction sa_chld = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
	sigaction(SIGCHLD, &sa_chld, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (;;) {
		int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				usleep(10000);
				continue;
			}
			_exit(1);
		}
		pid_t k = fork();
		if (k == 0) {
			close(l);
			int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (u < 0 || connect(u, (struct sockaddr *)&su, sizeof(su)) != 0)
				_exit(1);
			relay(c, u);
		}
		close(c);
	}
}

bool sandbox_host_pattern_valid(const char *t)
{
	return *t && strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       ".-_*?[]:") == strlen(t);
}
