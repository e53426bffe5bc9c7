/* SPDX-License-Identifier: ISC */
/* A seccomp filter for the agent: ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail
 * with EPERM.
 *
 * The agent shares the user's terminal (it is interactive), so without this
 * it could push characters into the terminal's input queue with TIOCSTI
 * (when dev.tty.legacy_tiocsti is 1, the default on many kernels) and exit:
 * the user's shell, outside the sandbox, then reads and runs them. That is
 * a full escape (cat ~/.ssh/id_*, hush approve, ...). TIOCLINUX can paste
 * the console selection the same way on a virtual console. bubblewrap
 * (--new-session) and flatpak close the same hole.
 *
 * The tty layer compares the request as an unsigned int, so only the low
 * 32 bits of the argument are checked. On x86-64, 32-bit (i386) ioctl is
 * filtered too, and x32 system calls (which a normal agent never makes)
 * are refused with ENOSYS. */
#include "sandbox/seccomp.h"

#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "common/err.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define COMPAT_NR_IOCTL 54
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define COMPAT_NR_IOCTL 54
#endif

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define LD_ABS(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

int sandbox_seccomp_apply(void)
{
#ifdef NATIVE_ARCH
	/* low word of args[1] (little-endian) */
	const unsigned arg1 = offsetof(struct seccomp_data, args[1]);
	struct sock_filter f[] = {
		/* 0 */ LD_ABS(offsetof(struct seccomp_data, arch)),
		/* 1 */ JEQ(NATIVE_ARCH, 0, 4),
		/* 2 */ LD_ABS(offsetof(struct seccomp_data, nr)),
#ifdef X32_BIT
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 9, 0),
#else
		/* 3 */ JEQ(0xffffffffu, 9, 0),
#endif
		/* 4 */ JEQ(__NR_ioctl, 4, 0),
		/* 5 */ RET(SECCOMP_RET_ALLOW),
		/* 6 */ JEQ(COMPAT_ARCH, 0, 5),
		/* 7 */ LD_ABS(offsetof(struct seccomp_data, nr)),
		/* 8 */ JEQ(COMPAT_NR_IOCTL, 0, 3),
		/* 9 */ LD_ABS(arg1),
		/* 10 */ JEQ(TIOCSTI, 3, 0),
		/* 11 */ JEQ(TIOCLINUX, 2, 0),
		/* 12 */ RET(SECCOMP_RET_ALLOW),
		/* 13 */ RET(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		/* 14 */ RET(SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return HUSH_EPERM;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
		return HUSH_EPERM;
	return 0;
#else
	return 0;
#endif
}
