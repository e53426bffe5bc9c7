/* SPDX-License-Identifier: ISC */
/* hush grant list: the grants of a loaded config written to f, each with
 * its command, argument patterns, directory, secrets (VARIABLE <- vault
 * entry), how approval is asked (the broker's default resolved) and how
 * long an approval lasts. */
#ifndef HUSH_CONFIG_SHOW_H
#define HUSH_CONFIG_SHOW_H

#include <stdio.h>

#include "config/config.h"

/* One block per grant, a blank line between them. */
void config_show_grants(FILE *f, const struct config *cfg);
/* One JSON array of objects, one per grant. */
void config_show_grants_json(FILE *f, const struct config *cfg);

#endif
