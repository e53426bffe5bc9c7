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
static const struct cli_cmd hushd_cmd = { "broker", cli_help_broker, "f", hushd_opts };

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
