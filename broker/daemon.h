/* SPDX-License-Identifier: ISC */
/* hushd: the per-user broker daemon.
 *
 * One poll loop serves two sockets in the runtime directory: client.sock
 * (run requests; the only socket a sandboxed agent reaches) and control/sock
 * (unlock, lock, status, stop, pending, approve, deny; each request carries
 * the token from control/token). Approved runs are handed to a forked runner
 * (broker/spawn.h), so a slow command or a waiting human never blocks other
 * clients. */
#ifndef HUSH_BROKER_DAEMON_H
#define HUSH_BROKER_DAEMON_H

#include <stdbool.h>

struct daemon_opts {
	bool foreground;   /* stay attached; otherwise fork and detach */
	int ready_fd;      /* written once the sockets listen (-1: none) */
};

/* Runs the broker until SIGTERM/SIGINT or a stop request. Prints problems
 * as "hushd: ..." lines (it is program code) and returns the exit status:
 * 0, 1 (failure) or 3 (another broker is already running). */
int daemon_run(const struct daemon_opts *o);

#define DAEMON_ALREADY_RUNNING 3

/* Once detached, the broker writes its messages to <data>/DAEMON_LOG_NAME
 * (moved to DAEMON_LOG_NAME.old at start when over DAEMON_LOG_MAX bytes). */
#define DAEMON_LOG_NAME "hushd.log"
#define DAEMON_LOG_MAX (1024 * 1024)

#endif
