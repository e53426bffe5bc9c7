/* SPDX-License-Identifier: ISC */
/* hushd: the broker daemon ("hush broker" runs it). Its own program, since
 * it links OpenSSL for the credential proxy and hush need not. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "broker/daemon.h"
#include "common/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hushd [--foreground]\n"
		   "       hush broker [--foreground]\n\n"
		   "Runs the broker daemon: it holds the vault key, matches run requests to\n"
		   "grants, asks a human, runs approved commands with their secrets, and\n"
		   "runs the credential proxy for sandboxed agents.\n"
		   "Without --foreground it detaches once its sockets listen.\n\n"
		   "  --foreground   stay in the foreground (systemd, debugging)\n\n"
		   "Sockets: <runtime>/client.sock and <runtime>/control/sock.\n"
		   "Once detached it logs to <data>/" DAEMON_LOG_NAME " (hush status says where).\n"
		   "SIGTERM stops it cleanly; SIGUSR1 locks it and drops approvals.\n");
}

int main(int argc, char **argv)
{
	msg_set_progname("hushd");
	struct daemon_opts o = { .foreground = false, .ready_fd = -1 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--foreground") || !strcmp(argv[i], "-f")) {
			o.foreground = true;
		} else {
			msg_error("unknown option '%s'", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	int r = daemon_run(&o);
	return r == DAEMON_ALREADY_RUNNING ? 0 : r;
}
