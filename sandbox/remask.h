/* SPDX-License-Identifier: ISC */
/* Re-masking while the agent runs: a mask whose file is replaced by
 * rename from outside is mounted again (remask.c). */
#ifndef HUSH_SANDBOX_REMASK_H
#define HUSH_SANDBOX_REMASK_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox/hide.h"

/* In the init, once the agent runs: enters the agent's mount namespace
 * (mntfd), watches the parent directories of the masks in m and masks
 * anew what no longer shows its mask, until the agent exits. empty is the
 * empty file of sandbox_mount_mask_file. True when it reaped the agent
 * (*wstatus is its wait status); false when it could not watch or wait
 * and the caller must wait for the agent itself. */
bool sandbox_remask_watch(const struct sandbox_masks *m, const char *empty, pid_t agent,
			  int mntfd, int *wstatus);

#endif
