/* SPDX-License-Identifier: ISC */
/* hush doctor: which of hush sandbox's layers and integrations work on
 * this machine, and what protection that gives an agent (the findings and
 * their wording are broker/doctor.c's). */
#include <limits.h>
#include <stdio.h>

#include "broker/doctor.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/proc.h"

static const struct cli_cmd doctor_cmd = { "doctor", cli_help_doctor, "", NULL };

static void show(void *ctx, const struct doctor_check *c)
{
	doctor_write_check(ctx, c);
}

int cmd_doctor(int argc, char **argv)
{
	cli_plain_or_exit(&doctor_cmd, argc, argv, 0, 0, NULL);
	char self[PATH_MAX] = "", shim[PATH_MAX];
	proc_self_path(self, sizeof(self));
	struct doctor d;
	doctor_run(self, proc_find_shim(self, shim, sizeof(shim)) == 0 ? shim : NULL, show, stdout, &d);
	doctor_write_summary(stdout, &d);
	fflush(stdout);
	return d.kernel ? 0 : 1;
}
