/* SPDX-License-Identifier: ISC */
/* The commented config.ini hush setup writes for a new user: how approvals
 * are asked, the hide lists, grants and a profile as commented examples,
 * and the start line of each agent found. */
#ifndef HUSH_CONFIG_STARTER_H
#define HUSH_CONFIG_STARTER_H

#include <stdbool.h>
#include <stddef.h>

/* Creates path (0600, never over an existing file or link; its directory 0700 if
 * missing). agents[n] are the agents found; desktop: approvals by a desktop
 * dialog, else in a terminal. 0, HUSH_EEXIST, HUSH_ETOOBIG or HUSH_EIO
 * (errno kept). */
int config_write_starter(const char *path, const char *const *agents, size_t n, bool desktop);

#endif
