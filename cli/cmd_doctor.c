/* SPDX-License-Identifier: ISC */
/* hush doctor: which of hush sandbox's layers and integrations work on
 * this machine, and what protection that gives an agent (the findings are
 * broker/doctor.c's). */
#include <limits.h>
#include <stdio.h>

#include "broker/doctor.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/locate.h"

static const struct cli_cmd doctor_cmd = {
	"doctor",
	"usage: hush doctor\n\n"
	"Checks which protection layers and integrations work on this\n"
	"machine: user namespaces, Landlock, the unix socket filter, the\n"
	"shim, the broker, the keyring, the confirmation UI and the vault,\n"
	"then sums up the protection an agent under hush sandbox actually\n"
	"gets.\n"
	"Exit status 0 when the sandbox's kernel layers work, 1 otherwise.\n",
	"", NULL,
};

static void show(void *ctx, const struct doctor_check *c)
{
	(void)ctx;
	printf("%-22s %-12s %s\n", c->what, c->good ? "working" : "not working", c->why);
}

int cmd_doctor(int argc, char **argv)
{
	static const char *const overall[] = {
		[DOCTOR_STRONG] = "strong: every class above holds on this machine.\n",
		[DOCTOR_PARTIAL] = "partial: the classes marked NOT held are open to a determined agent.\n",
		[DOCTOR_PARTIAL_LAYER] = "partial: a kernel layer is missing (see above).\n",
		[DOCTOR_WEAK] = "weak: no kernel layer works here; hush sandbox refuses to start. The shim\n"
				"  alone is not a boundary (static binaries and raw syscalls bypass it).\n",
	};
	cli_plain_or_exit(&doctor_cmd, argc, argv, 0, 0, NULL);
	char self[PATH_MAX] = "", shim[PATH_MAX];
	cli_self_path(self, sizeof(self));
	struct doctor d;
	doctor_run(self, cli_find_shim(self, shim, sizeof(shim)) == 0 ? shim : NULL, show, NULL, &d);
	printf("\nprotection under hush sandbox, by what the agent tries:\n");
	for (size_t i = 0; i < DOCTOR_CLASSES; i++)
		printf("  %-24s %-10s %s\n", d.cls[i].what, d.cls[i].holds ? "holds" : "NOT held",
		       d.cls[i].how);
	printf("  overall: %s", overall[d.overall]);
	if (!d.shim)
		printf("  without the shim, files created after start are not hidden and granted\n"
		       "  commands are routed only through links.\n");
	fflush(stdout);
	return d.kernel ? 0 : 1;
}
