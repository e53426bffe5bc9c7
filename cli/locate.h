/* SPDX-License-Identifier: ISC */
/* Where hush's own pieces are, for hush sandbox and hush doctor: this
 * program, the shim, the broker's client socket. */
#ifndef HUSH_CLI_LOCATE_H
#define HUSH_CLI_LOCATE_H

#include <stddef.h>

/* The running executable's path. 0 or HUSH_EIO. */
int cli_self_path(char *out, size_t n);
/* libhush.so next to self (build tree), else in ../lib/hush (install).
 * 0 or HUSH_ENOENT. */
int cli_find_shim(const char *self, char *out, size_t n);
/* <runtime>/client.sock. 0 or a HUSH_E* code. */
int cli_client_socket(char *out, size_t n);

#endif
