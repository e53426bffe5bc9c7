/* SPDX-License-Identifier: ISC */
/* Unit tests for sandbox/sockets.c: the address parser, and the filter
 * with this process as the supervisor of a child under it (socket types,
 * io_uring, connects performed for the child and their errors). Which
 * listeners count as inside is tested end to end in
 * tests/sandbox-sockets.t (it needs the sandbox's pid namespace). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "common/err.h"
#include "sandbox/sandbox.h"
#include "tests/unit/t.h"

static size_t un(struct sockaddr_un *sa, const char *name, size_t n)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	return offsetof(struct sockaddr_un, sun_path) + n;
}

static void test_parse(void)
{
	struct sockaddr_un sa;
	struct sandbox_sock_addr a;
	size_t l = un(&sa, "/tmp/x.sock", 12);
	ok(sandbox_sock_addr_parse(&sa, l, &a) == 0 && !a.abstract && !strcmp(a.name, "/tmp/x.sock"),
	   "a path with its NUL");
	ok(sandbox_sock_addr_parse(&sa, l - 1, &a) == 0 && !strcmp(a.name, "/tmp/x.sock"),
	   "a path without NUL ends at the address length");
	ok(sandbox_sock_addr_parse(&sa, l + 20, &a) == 0 && a.len == 11, "a path ends at its first NUL");
	char full[108];
	memset(full, 'a', sizeof(full));
	full[0] = '/';
	l = un(&sa, full, sizeof(full));
	ok(sandbox_sock_addr_parse(&sa, l, &a) == 0 && a.len == 108 && a.name[108] == '\0',
	   "a 108-byte path needs no NUL");
	ok(sandbox_sock_addr_parse(&sa, l + 1, &a) == HUSH_EINVAL, "longer than sockaddr_un: refused");
	l = un(&sa, "\0ab\0c", 5);
	ok(sandbox_sock_addr_parse(&sa, l, &a) == 0 && a.abstract && a.len == 5 &&
	   !memcmp(a.name, "\0ab\0c", 5), "an abstract name keeps its length and NULs");
	ok(sandbox_sock_addr_parse(&sa, offsetof(struct sockaddr_un, sun_path), &a) == HUSH_EINVAL,
	   "no name at all: refused (as the kernel does)");
	sa.sun_family = AF_INET;
	ok(sandbox_sock_addr_parse(&sa, l, &a) == HUSH_EINVAL, "another family: refused");
	ok(sandbox_sock_addr_parse(&sa, 1, &a) == HUSH_EINVAL, "one byte: refused");
}

/* What the child reports: one line of results. */
static int child(int sp, const struct sockaddr_un *abs, socklen_t abslen,
		 const struct sockaddr_un *path, socklen_t pathlen, int port)
{
	int lfd;
	if (sandbox_sockets_filter(&lfd) != 0)
		return 10;
	if (sandbox_sockets_send_listener(sp, lfd) != 0)
		return 11;
	close(lfd);
	char out[512];
	size_t n = 0;
#define R(expr) n += (size_t)snprintf(out + n, sizeof(out) - n, "%d ", (expr) >= 0 ? 0 : errno)
	R(socket(AF_UNIX, SOCK_DGRAM, 0));
	R(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	R(socket(AF_UNIX, SOCK_RAW, 0));
	R(socket(AF_UNIX, SOCK_STREAM, 0));
	R(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	R(socket(AF_INET, SOCK_DGRAM, 0));
	int pv[2];
	R(socketpair(AF_UNIX, SOCK_DGRAM, 0, pv));
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, pv));
	R(syscall(425 /* io_uring_setup */, 1, NULL));
	/* a listener of its own could answer with CONTINUE: the kernel
	 * allows one listener per filter chain (EBUSY) */
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	R(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	R(connect(s, (const struct sockaddr *)abs, abslen));
	char c = 0;
	R(read(s, &c, 1) == 1 && c == 'A' ? 0 : -1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	R(connect(s, (const struct sockaddr *)path, pathlen));
	s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	R(connect(s, (struct sockaddr *)&in, sizeof(in)));
	R(connect(s, (struct sockaddr *)&in, sizeof(in))); /* again: EISCONN */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_storage big;
	memset(&big, 0, sizeof(big));
	R(connect(s, (struct sockaddr *)&big, sizeof(big) + 1));
	R(connect(s, (struct sockaddr *)&in, sizeof(in))); /* AF_INET address, unix socket */
	R(connect(999, (const struct sockaddr *)abs, abslen));
	R(connect(0, (const struct sockaddr *)abs, abslen)); /* not a socket */
	R(connect(s, (struct sockaddr *)8, sizeof(in)));     /* bad pointer */
#undef R
	if (write(sp, out, n) != (ssize_t)n)
		return 12;
	return 0;
}

static void test_filter(void)
{
	char name[64];
	int nl = snprintf(name, sizeof(name), "%chush-unit-%d", '\0', (int)getpid());
	struct sockaddr_un abs, path;
	socklen_t abslen = (socklen_t)un(&abs, name, (size_t)nl);
	char dir[] = "/tmp/hush-unit-sock.XXXXXX";
	ok(mkdtemp(dir) != NULL, "temporary directory");
	char p[128];
	snprintf(p, sizeof(p), "%s/s", dir);
	socklen_t pathlen = (socklen_t)un(&path, p, strlen(p) + 1);
	int la = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int lp = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int lt = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t il = sizeof(in);
	ok(bind(la, (struct sockaddr *)&abs, abslen) == 0 && listen(la, 8) == 0 &&
	   bind(lp, (struct sockaddr *)&path, pathlen) == 0 && listen(lp, 8) == 0 &&
	   bind(lt, (struct sockaddr *)&in, sizeof(in)) == 0 && listen(lt, 8) == 0 &&
	   getsockname(lt, (struct sockaddr *)&in, &il) == 0, "listeners");
	int sp[2];
	ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0, "socketpair");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		_exit(child(sp[1], &abs, abslen, &path, pathlen, ntohs(in.sin_port)));
	}
	close(sp[1]);
	int lfd = -1;
	ok(sandbox_sockets_recv_listener(sp[0], &lfd) == 0, "the child hands over its listener");
	struct sandbox_sock_policy pol = { 0 };
	struct sandbox_sock_sup *sup = NULL;
	ok(lfd >= 0 && sandbox_sockets_supervise(lfd, &pol, &sup) == 0, "supervising it");
	char res[512] = "";
	size_t got = 0;
	for (int rounds = 0; sup && rounds < 1000; rounds++) {
		/* the workers answer the child; we serve the abstract socket */
		struct pollfd pf[3] = { { -1, 0, 0 }, { sp[0], POLLIN, 0 }, { la, POLLIN, 0 } };
		if (poll(pf, 3, 10000) <= 0)
			break;
		if (pf[2].revents & POLLIN) {
			int c = accept(la, NULL, NULL);
			if (c >= 0) {
				(void)!send(c, "A", 1, MSG_NOSIGNAL);
				close(c);
			}
		}
		if (pf[1].revents) {
			ssize_t r = read(sp[0], res + got, sizeof(res) - 1 - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
	}
	res[got] = '\0';
	int st = -1;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child ran (status %d)", st);
	char want[512];
	snprintf(want, sizeof(want), "%d %d %d 0 0 0 %d 0 %d %d 0 0 0 0 %d %d %d %d %d %d ", EACCES,
		 EACCES, EACCES, EACCES, EPERM, EBUSY, EISCONN, EINVAL, EINVAL, EBADF, ENOTSOCK, EFAULT);
	ok(!strcmp(res, want), "results: socket DGRAM, DGRAM|flags, RAW refused; STREAM, SEQPACKET, "
	   "INET DGRAM made; socketpair DGRAM refused, STREAM made; io_uring EPERM; a second "
	   "seccomp listener EBUSY; abstract, path "
	   "and TCP connected for the child; EISCONN, EINVAL, EINVAL, EBADF, ENOTSOCK, EFAULT "
	   "passed back");
	if (strcmp(res, want))
		printf("#   got  %s\n#   want %s\n", res, want);
	unlink(p);
	rmdir(dir);
	close(la);
	close(lp);
	close(lt);
	close(sp[0]);
}

static void test_probe(void)
{
	char why[256];
	int r = sandbox_sockets_probe(why, sizeof(why));
	ok(r == 0, "hush doctor's probe works here: %s", why);
}

int main(void)
{
	test_parse();
	test_filter();
	test_probe();
	return t_done();
}
