/* SPDX-License-Identifier: ISC */
/* State files (SB_OP_COPY): a file in $HOME that the agent replaces by
 * rename, copied into the home view at start and written back at exit
 * when the agent changed it (statefile.c). */
#ifndef HUSH_SANDBOX_STATEFILE_H
#define HUSH_SANDBOX_STATEFILE_H

#include <stddef.h>

#define SANDBOX_STATE_MAX_BYTES (64u << 20)

struct sandbox_state_file {
	const char *path;   /* inside (the plan's, not copied) */
	const char *name;   /* its last component */
	int dirfd;          /* the real parent directory, taken before any mount */
	char *orig;         /* the bytes at start; NULL: it did not exist */
	size_t olen;
};
struct sandbox_states {
	struct sandbox_state_file *f;
	size_t n, cap;
};

/* Before any mount: takes the real directory of src and src's bytes
 * (at most SANDBOX_STATE_MAX_BYTES) for the file shown at path. path and
 * src must outlive s. 0 or -1 (errno kept). */
int sandbox_states_add(struct sandbox_states *s, const char *path, const char *src);
/* Once the home view is mounted: writes state file i into it (nothing
 * when it did not exist at start). 0 or -1. */
int sandbox_states_copy_in(const struct sandbox_states *s, size_t i);
/* At exit: each state file the agent changed or created is written back
 * to its real directory, atomically. A symlink, a non-regular file or one
 * over the size cap is not. */
void sandbox_states_copy_out(const struct sandbox_states *s);

#endif
