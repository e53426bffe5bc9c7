/* Placeholder definitions, overridden by each command's real file. */
#include <stdio.h>

#include "cli/commands.h"

#define STUB(n) \
	__attribute__((weak)) int n(int argc, char **argv) \
	{ \
		(void)argc; \
		fprintf(stderr, "hush: %s: not built\n", argv[0]); \
		return 1; \
	}
STUB(cmd_init) STUB(cmd_set) STUB(cmd_get) STUB(cmd_rm) STUB(cmd_list)
STUB(cmd_import) STUB(cmd_passwd) STUB(cmd_config) STUB(cmd_grant)
STUB(cmd_broker) STUB(cmd_status) STUB(cmd_lock) STUB(cmd_unlock) STUB(cmd_stop)
STUB(cmd_run) STUB(cmd_pending) STUB(cmd_approve) STUB(cmd_deny) STUB(cmd_audit)
STUB(cmd_shims) STUB(cmd_run_as_link) STUB(cmd_sandbox) STUB(cmd_doctor)
STUB(cmd_scan) STUB(cmd_migrate)
