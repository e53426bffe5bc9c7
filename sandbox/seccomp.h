/* SPDX-License-Identifier: ISC */
/* The seccomp filter against typing into the shared terminal (seccomp.c). */
#ifndef HUSH_SANDBOX_SECCOMP_H
#define HUSH_SANDBOX_SECCOMP_H

/* Makes ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM for the calling
 * process and its descendants (sets PR_SET_NO_NEW_PRIVS): the agent shares
 * the user's terminal and must not type into it. 0 or HUSH_EPERM. */
int sandbox_seccomp_apply(void);

#endif
