/* SPDX-License-Identifier: ISC */
/* hushd: the broker daemon ("hush broker" runs it). Its own program, since
 * it links OpenSSL for the credential proxy and hush need not. */
#include <stdbool.h>
#include <stdio.h>

#include "broker/daemon.h"
#include "cli/cli.h"
#include "common/util.h"

static const struct option hushd_opts[] = { CLI_FLAG("foreground", 'f'), CLI_END };
/* "broker": messages point at hush broker --help, which is this text. */
static const struct cli_cmd hushd_cmd = {
	"broker",
	"usage: hushd [--foreground]\n"
	"       hush broker [--foreground]\n\n"
	"Runs the broker daemon: it holds the vault key, matches run requests to\n"
	"grants, asks a human, runs approved commands with their secrets, and\n"
	"runs the credential proxy for sandboxed agents.\n"
	"Without --foreground it detaches once its sockets listen.\n\n"
	"  --foreground   stay in the foreground (systemd, debugging)\n\n"
	"Sockets: <runtime>/client.sock and <runtime>/control/sock.\n"
	"Once detached it logs to <data>/" DAEMON_LOG_NAME " (hush status says where).\n"
	"SIGTERM stops it cleanly; SIGUSR1 locks it and drops approvals.\n",
	"f", hushd_opts,
};

int main(int argc, char **argv)
{
	msg_set_progname("hushd");
	struct daemon_opts o = { .foreground = false, .ready_fd = -1 };
	while (cli_getopt_or_exit(&hushd_cmd, argc, argv) != -1)
		o.foreground = true;
	cli_operands_or_exit(&hushd_cmd, argc, argv, 0, 0, NULL);
	int r = daemon_run(&o);
	return r == DAEMON_ALREADY_RUNNING ? 0 : r;
}
