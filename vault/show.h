/* SPDX-License-Identifier: ISC */
/* hush list: the entries of an open vault, names and metadata, never
 * values, as a table or as JSON. */
#ifndef HUSH_VAULT_SHOW_H
#define HUSH_VAULT_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vault/vault.h"

/* t as 2024-05-01T12:00:00Z (UTC), or its number when it has no date. */
void vault_format_time(int64_t t, char *out, size_t n);

/* Writes v's entries to out: a table with a NAME ORIGIN CREATED UPDATED
 * heading (nothing when empty), or with json one array of objects
 * ("[]" when empty). Returns the number of entries. */
size_t vault_show(FILE *out, const struct vault *v, bool json);

#endif
