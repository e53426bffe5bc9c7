/* SPDX-License-Identifier: ISC */
/* Libraries loaded on first use instead of linked: a library that most
 * runs of hush never call (libsecret and GLib for the keyring, Vectorscan
 * for scanning) would otherwise be mapped and relocated at every exec. */
#ifndef HUSH_COMMON_DYNLOAD_H
#define HUSH_COMMON_DYNLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct dynload_sym {
	int lib;          /* index into the library list */
	const char *name; /* the symbol */
	void *slot;       /* where its address goes: a function pointer, filled with memcpy */
};

struct dynload {
	const char *const *sonames; /* the libraries, loaded in this order, RTLD_LOCAL */
	size_t nlibs;
	const struct dynload_sym *syms;
	size_t nsyms;
	const char *package; /* the Debian package to name when the first library is missing */
	bool ok;             /* set by dynload_open */
	char error[256];     /* why not, when !ok */
};

/* Loads the libraries and fills every slot; true when all were found, else
 * false with d->error set. Not thread-safe: call it under pthread_once.
 * The handles are never closed. */
bool dynload_open(struct dynload *d);

#endif
