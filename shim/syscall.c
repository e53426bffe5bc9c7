/* SPDX-License-Identifier: ISC */
/* libhush.so's syscall() wrapper. Some programs skip the libc wrappers and
 * call syscall() directly (node's libuv does so for statx), so the numbers
 * that name paths, list directories or execute programs are checked here
 * with the same rules; every other number passes through with all six
 * arguments. A program issuing the syscall instruction itself is not seen:
 * the shim is not a boundary. */
#undef _FORTIFY_SOURCE
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static int oflags(long flags)
{
	return (flags & O_NOFOLLOW) ? SHIM_NOFOLLOW : 0;
}

#define P(x) ((const char *)(x))

SHIM_EXPORT long syscall(long n, ...)
{
	long a[6];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	long (*real)(long, ...) = (long (*)(long, ...))shim_real(SYM_syscall);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	int hidden = 0;
	switch (n) {
#ifdef SYS_open
	case SYS_open: {
		int fd;
		if (shim_open_decide(AT_FDCWD, P(a[0]), (int)a[1], (mode_t)a[2], "syscall open", &fd))
			return fd;
		break;
	}
#endif
	case SYS_openat: {
		int fd;
		if (shim_open_decide((int)a[0], P(a[1]), (int)a[2], (mode_t)a[3], "syscall openat", &fd))
			return fd;
		break;
	}
#ifdef SYS_openat2
	case SYS_openat2: {
		/* struct open_how starts with the u64 flags. */
		const uint64_t *how = (const uint64_t *)a[2];
		long fl = (how && (size_t)a[3] >= sizeof(uint64_t)) ? (long)how[0] : 0;
		hidden = shim_hidden_at((int)a[0], P(a[1]), oflags(fl), "syscall openat2");
		break;
	}
#endif
#ifdef SYS_stat
	case SYS_stat:
#endif
#ifdef SYS_lstat
	case SYS_lstat:
#endif
#ifdef SYS_newfstatat
	case SYS_newfstatat:
#endif
	case SYS_statx:
		return shim_sys_stat(n, a[0], a[1], a[2], a[3], a[4]);
#ifdef SYS_access
	case SYS_access:
		hidden = shim_access_hidden(AT_FDCWD, P(a[0]), 0, "syscall access");
		break;
#endif
	case SYS_faccessat:
		hidden = shim_access_hidden((int)a[0], P(a[1]), 0, "syscall faccessat");
		break;
#ifdef SYS_faccessat2
	case SYS_faccessat2:
		hidden = shim_access_hidden((int)a[0], P(a[1]), (int)a[3], "syscall faccessat2");
		break;
#endif
#ifdef SYS_readlink
	case SYS_readlink:
		hidden = shim_hidden_at(AT_FDCWD, P(a[0]), SHIM_NOFOLLOW, "syscall readlink");
		break;
#endif
	case SYS_readlinkat:
		hidden = shim_hidden_at((int)a[0], P(a[1]), SHIM_NOFOLLOW, "syscall readlinkat");
		break;
#if defined(SYS_rename) && defined(SYS_link)
	case SYS_rename:
	case SYS_link:
		hidden = shim_moves_hidden(AT_FDCWD, P(a[0]), AT_FDCWD, P(a[1]), 0,
					   n == SYS_link ? "syscall link" : "syscall rename");
		break;
#endif
	case SYS_renameat:
#ifdef SYS_renameat2
	case SYS_renameat2:
#endif
		hidden = shim_moves_hidden((int)a[0], P(a[1]), (int)a[2], P(a[3]), 0, "syscall renameat");
		break;
	case SYS_linkat:
		hidden = shim_moves_hidden((int)a[0], P(a[1]), (int)a[2], P(a[3]),
					   (a[4] & AT_SYMLINK_FOLLOW) != 0, "syscall linkat");
		break;
	case SYS_chdir:
	case SYS_fchdir: {
		if (n == SYS_chdir ? shim_hidden_at(AT_FDCWD, P(a[0]), 0, "syscall chdir")
				   : shim_fd_hidden((int)a[0], "syscall fchdir")) {
			errno = ENOENT;
			return -1;
		}
		long rc = real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (rc == 0)
			shim_cwd_changed();
		return rc;
	}
	case SYS_getdents64:
		for (;;) {
			long got = real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (got <= 0)
				return got;
			ssize_t kept = shim_filter_dents((int)a[0], (void *)a[1], (size_t)got);
			if (kept > 0)
				return kept;
		}
	case SYS_execve:
		return shim_exec(SHIM_EXEC_SYS_VE, AT_FDCWD, P(a[0]), (char *const *)a[1],
				 (char *const *)a[2], 0);
	case SYS_execveat:
		return shim_exec(SHIM_EXEC_SYS_VEAT, (int)a[0], P(a[1]), (char *const *)a[2],
				 (char *const *)a[3], (int)a[4]);
	default:
		break;
	}
	if (hidden) {
		errno = ENOENT;
		return -1;
	}
	return real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}
