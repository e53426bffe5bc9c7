/* SPDX-License-Identifier: ISC */
/* How hush runs git on a repository an agent may have written: see gitsafe.h. */
#include "common/gitsafe.h"

#include <stddef.h>

const char *const git_safe_config[] = {
	"core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat",
	"gc.auto=0", "maintenance.auto=false", "core.untrackedCache=false",
	"core.splitIndex=false", "protocol.allow=never", NULL,
};

const char *const git_safe_env[] = {
	"GIT_ALLOW_PROTOCOL=none", "GIT_PROTOCOL_FROM_USER=0", "GIT_TERMINAL_PROMPT=0",
	"GIT_PAGER=cat", NULL,
};
