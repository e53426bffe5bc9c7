/* SPDX-License-Identifier: ISC */
/* A unix socket client for tests/sandbox-sockets.t, built static (and
 * 32-bit when the compiler can) so that neither the shim nor libc's
 * wrappers are involved:
 *   sockclient libc ADDR       connect() through libc
 *   sockclient raw ADDR        socket + connect + read as raw system calls
 *   sockclient socketcall ADDR i386 only: socketcall(SYS_SOCKET|SYS_CONNECT)
 *   sockclient dgram           socket(AF_UNIX, SOCK_DGRAM), raw
 *   sockclient uring           io_uring_setup(), raw
 * ADDR is a path or @NAME for an abstract name. Prints "connected LINE"
 * (the server's first line) or "refused ERRNO-NAME", "dgram ok|refused
 * ERRNO-NAME", "uring ok|refused ERRNO-NAME". */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static long raw(long n, long a, long b, long c)
{
	long ret;
#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
#elif defined(__i386__)
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
#else
	ret = syscall(n, a, b, c);
	if (ret < 0)
		ret = -errno;
#endif
	return ret;
}

static const char *ename(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	default: return strerror(e);
	}
}

static socklen_t addr(const char *a, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t n = strlen(a);
	if (n >= sizeof(sa->sun_path))
		n = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path, a, n);
	if (a[0] == '@')
		sa->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (a[0] == '@' ? 0 : 1));
}

static int greet(long fd)
{
	char buf[256];
	long n = raw(SYS_read, fd, (long)buf, sizeof(buf) - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("connected %s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *m = argv[1];
	struct sockaddr_un sa;
	if (!strcmp(m, "dgram") || !strcmp(m, "uring")) {
		long r;
		if (!strcmp(m, "dgram")) {
#ifdef SYS_socket
			r = raw(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
#else
			r = -ENOSYS;
#endif
		} else {
			long params[30];
			memset(params, 0, sizeof(params));
			r = raw(425 /* io_uring_setup */, 1, (long)params, 0);
		}
		if (r >= 0)
			printf("%s ok\n", m);
		else
			printf("%s refused %s\n", m, ename((int)-r));
		return 0;
	}
	if (argc < 3)
		return 2;
	socklen_t len = addr(argv[2], &sa);
	if (!strcmp(m, "libc")) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, len) != 0) {
			printf("refused %s\n", ename(errno));
			return 0;
		}
		return greet(fd);
	}
	if (!strcmp(m, "raw")) {
#ifdef SYS_socket
		long fd = raw(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
		long r = fd < 0 ? fd : raw(SYS_connect, fd, (long)&sa, len);
#else
		long fd = -1, r = -ENOSYS;
#endif
		if (r < 0) {
			printf("refused %s\n", ename((int)-r));
			return 0;
		}
		return greet(fd);
	}
#if defined(__i386__)
	if (!strcmp(m, "socketcall")) {
		/* the sockets come from socket(2): socketcall(SYS_SOCKET) is refused */
		long a1[3] = { AF_UNIX, SOCK_STREAM, 0 };
		long fd = raw(SYS_socketcall, 1 /* SYS_SOCKET */, (long)a1, 0);
		if (fd < 0)
			printf("socketcall-socket refused %s\n", ename((int)-fd));
		fd = raw(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
		long a3[3] = { fd, (long)&sa, len };
		long r = fd < 0 ? fd : raw(SYS_socketcall, 3 /* SYS_CONNECT */, (long)a3, 0);
		if (r < 0) {
			printf("refused %s\n", ename((int)-r));
			return 0;
		}
		return greet(fd);
	}
#endif
	return 2;
}
