/* SPDX-License-Identifier: ISC */
/* The agent's side of the unix socket allow-list: the seccomp filter that
 * hands every connect() to the supervisor (sockets.h), and the passing of
 * its listener to it (sockfilter.c). */
#ifndef HUSH_SANDBOX_SOCKFILTER_H
#define HUSH_SANDBOX_SOCKFILTER_H

#include <stdbool.h>
#include <stdint.h>

/* In the agent, before exec: sets no_new_privs and installs the filter
 * (connect() goes to the supervisor; AF_UNIX sockets other than stream
 * and seqpacket fail with EACCES; io_uring_setup() with EPERM). *listener
 * gets the notification descriptor (close-on-exec) to hand to the
 * supervisor. 0 or HUSH_EPERM (errno kept). */
int sandbox_sockets_filter(int *listener);
/* Hands the listener over a unix socket (SCM_RIGHTS) and takes it. 0 or
 * HUSH_EIO. */
int sandbox_sockets_send_listener(int sock, int listener);
int sandbox_sockets_recv_listener(int sock, int *listener);
/* True when system call nr of audit architecture arch is socketcall(2),
 * whose arguments (connect's among them) are in the caller's memory. */
bool sandbox_sockets_socketcall(uint32_t arch, int nr);

#endif
