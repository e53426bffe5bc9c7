/* SPDX-License-Identifier: ISC */
/* The agent's side of the unix socket allow-list (see sockets.c for the
 * whole): a seccomp filter that sends every connect() to the supervisor as
 * a user notification, and the passing of its listener to the supervisor.
 *
 * The filter also refuses AF_UNIX sockets other than SOCK_STREAM and
 * SOCK_SEQPACKET (datagram sockets reach any datagram socket with
 * sendto() and no connect()), and io_uring_setup() (io_uring connects and
 * creates sockets without any system call the filter could see).
 *
 * Filters the agent stacks on top cannot take the decision away: the kernel
 * refuses a second listener in a filter chain (EBUSY), a USER_NOTIF filter
 * without one makes the call fail (ENOSYS; both checked on Linux 6.18),
 * and TRACE ranks below USER_NOTIF.
 *
 * Raw BPF, as in seccomp.c, rather than libseccomp: the program is a few
 * dozen instructions, and the i386 and socketcall(2) cases are written out
 * here where they can be checked. */
#include "sandbox/sockfilter.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <linux/seccomp.h>

#include "common/err.h"
#include "common/util.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define X32_BIT 0x40000000u
/* i386 system call numbers */
#define C_NR_SOCKETCALL 102
#define C_NR_SOCKET 359
#define C_NR_SOCKETPAIR 360
#define C_NR_CONNECT 362
#define C_NR_IO_URING_SETUP 425
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
/* 32-bit ARM system call numbers; it has no socketcall */
#define C_NR_SOCKET 281
#define C_NR_CONNECT 283
#define C_NR_SOCKETPAIR 288
#define C_NR_IO_URING_SETUP 425
#endif

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
/* --- the filter --- */

#ifdef NATIVE_ARCH
enum lbl { L_NEXT = -1, L_ALLOW, L_NOTIF, L_EACCES, L_EPERM, L_ENOSYS, L_COMPAT, L_SOCKCHK,
	   L_SOCKETCALL, L_N };

/* A small assembler: jumps name labels, resolved when the program is
 * complete (all jumps go forward, as BPF requires). */
struct bpf_asm {
	struct sock_filter f[48];
	int jt[48], jf[48];
	int at[L_N];
	unsigned n;
};

static void op(struct bpf_asm *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n < ARRAY_LEN(a->f)) {
		a->f[a->n] = (struct sock_filter){ code, 0, 0, k };
		a->jt[a->n] = jt;
		a->jf[a->n] = jf;
	}
	a->n++;
}

static void here(struct bpf_asm *a, enum lbl l)
{
	a->at[l] = (int)a->n;
}

#define LD(a, off) op(a, BPF_LD | BPF_W | BPF_ABS, (off), L_NEXT, L_NEXT)
#define JEQ(a, k, t, f) op(a, BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(a, v) op(a, BPF_RET | BPF_K, (v), L_NEXT, L_NEXT)

static int bpf_resolve(struct bpf_asm *a)
{
	if (a->n > ARRAY_LEN(a->f))
		return HUSH_ETOOBIG;
	for (unsigned i = 0; i < a->n; i++) {
		int *t[2] = { &a->jt[i], &a->jf[i] };
		for (int j = 0; j < 2; j++) {
			if (*t[j] == L_NEXT)
				continue;
			int d = a->at[*t[j]] - (int)i - 1;
			if (d < 0 || d > 255)
				return HUSH_EINVAL;
			if (j == 0)
				a->f[i].jt = (uint8_t)d;
			else
				a->f[i].jf = (uint8_t)d;
		}
	}
	return 0;
}

static int build_filter(struct bpf_asm *a)
{
	const uint32_t nr = offsetof(struct seccomp_data, nr);
	const uint32_t arch = offsetof(struct seccomp_data, arch);
	/* low words (little-endian) of the arguments: domain, type and the
	 * socketcall number are ints */
	const uint32_t arg0 = offsetof(struct seccomp_data, args[0]);
	const uint32_t arg1 = offsetof(struct seccomp_data, args[1]);
	memset(a, 0, sizeof(*a));
	LD(a, arch);
	JEQ(a, NATIVE_ARCH, L_NEXT, L_COMPAT);
	LD(a, nr);
#ifdef X32_BIT
	op(a, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, L_ENOSYS, L_NEXT);
#endif
	JEQ(a, __NR_connect, L_NOTIF, L_NEXT);
	JEQ(a, __NR_socket, L_SOCKCHK, L_NEXT);
	JEQ(a, __NR_socketpair, L_SOCKCHK, L_NEXT);
	JEQ(a, __NR_io_uring_setup, L_EPERM, L_ALLOW);
	here(a, L_COMPAT);
	JEQ(a, COMPAT_ARCH, L_NEXT, L_ENOSYS);
	LD(a, nr);
	JEQ(a, C_NR_CONNECT, L_NOTIF, L_NEXT);
	JEQ(a, C_NR_SOCKET, L_SOCKCHK, L_NEXT);
	JEQ(a, C_NR_SOCKETPAIR, L_SOCKCHK, L_NEXT);
#ifdef C_NR_SOCKETCALL
	JEQ(a, C_NR_SOCKETCALL, L_SOCKETCALL, L_NEXT);
#endif
	JEQ(a, C_NR_IO_URING_SETUP, L_EPERM, L_ALLOW);
	here(a, L_SOCKETCALL);
	/* socketcall(2) passes its arguments in memory, out of the filter's
	 * sight: connect goes to the supervisor (which reads them), socket
	 * and socketpair are refused (32-bit programs can use socket(2)) */
	LD(a, arg0);
	JEQ(a, SYS_CONNECT, L_NOTIF, L_NEXT);
	JEQ(a, SYS_SOCKET, L_ENOSYS, L_NEXT);
	JEQ(a, SYS_SOCKETPAIR, L_ENOSYS, L_ALLOW);
	here(a, L_SOCKCHK);
	LD(a, arg0);
	JEQ(a, AF_UNIX, L_NEXT, L_ALLOW);
	LD(a, arg1);
	op(a, BPF_ALU | BPF_AND | BPF_K, 0xf, L_NEXT, L_NEXT); /* SOCK_TYPE_MASK */
	JEQ(a, SOCK_STREAM, L_ALLOW, L_NEXT);
	JEQ(a, SOCK_SEQPACKET, L_ALLOW, L_EACCES);
	here(a, L_ALLOW);
	RET(a, SECCOMP_RET_ALLOW);
	here(a, L_NOTIF);
	RET(a, SECCOMP_RET_USER_NOTIF);
	here(a, L_EACCES);
	RET(a, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
	here(a, L_EPERM);
	RET(a, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	here(a, L_ENOSYS);
	RET(a, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	return bpf_resolve(a);
}
#endif

int sandbox_sockets_filter(int *listener)
{
#ifdef NATIVE_ARCH
	struct bpf_asm a;
	int r = build_filter(&a);
	if (r < 0)
		return r;
	struct sock_fprog prog = { .len = (unsigned short)a.n, .filter = a.f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return HUSH_EPERM;
	/* killable wait: a signal to the agent while the supervisor connects
	 * for it must not restart the call (the connect already happened) */
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			  &prog);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return HUSH_EPERM;
	*listener = (int)fd;
	return 0;
#else
	(void)listener;
	errno = ENOSYS;
	return HUSH_EPERM;
#endif
}

bool sandbox_sockets_socketcall(uint32_t arch, int nr)
{
#ifdef C_NR_SOCKETCALL
	return arch == COMPAT_ARCH && nr == C_NR_SOCKETCALL;
#else
	(void)arch;
	(void)nr;
	return false;
#endif
}

/* --- handing the listener over --- */

int sandbox_sockets_send_listener(int sock, int fd)
{
	char c = 'l';
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ssize_t w;
	while ((w = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return w == 1 ? 0 : HUSH_EIO;
}

int sandbox_sockets_recv_listener(int sock, int *fd)
{
	char c;
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	ssize_t r;
	while ((r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *cm = r == 1 && !(m.msg_flags & MSG_CTRUNC) ? CMSG_FIRSTHDR(&m) : NULL;
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return HUSH_EIO;
	memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}
