/* SPDX-License-Identifier: ISC */
/* hushd: the broker daemon; the same as "hush broker". */
#include "cli/commands.h"
#include "common/util.h"

int main(int argc, char **argv)
{
	msg_set_progname("hushd");
	return cmd_broker(argc, argv);
}
