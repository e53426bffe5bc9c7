/* SPDX-License-Identifier: ISC */
/* Loading a library and a table of its symbols on first use (dynload.h). */
#include "common/dynload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

bool dynload_open(struct dynload *d)
{
	void *h[8];
	d->ok = false;
	if (d->nlibs > sizeof(h) / sizeof(h[0])) {
		snprintf(d->error, sizeof(d->error), "too many libraries");
		return false;
	}
	for (size_t i = 0; i < d->nlibs; i++) {
		const char *so = d->sonames[i];
		h[i] = dlopen(so, RTLD_NOW | RTLD_LOCAL);
		if (h[i])
			continue;
		const char *e = dlerror();
		/* "libx.so.1: cannot open shared object file: No such file or
		 * directory"; a missing dependency names the dependency. */
		size_t nl = strlen(so);
		if (i == 0 && d->package && e && !strncmp(e, so, nl) && e[nl] == ':' &&
		    strstr(e, "No such file"))
			snprintf(d->error, sizeof(d->error), "%s not found: install %s", so, d->package);
		else
			snprintf(d->error, sizeof(d->error), "cannot load %s: %s", so,
				 e ? e : "no reason given");
		return false;
	}
	for (size_t i = 0; i < d->nsyms; i++) {
		dlerror();
		void *p = dlsym(h[d->syms[i].lib], d->syms[i].name);
		if (!p) {
			snprintf(d->error, sizeof(d->error), "%s has no %s (too old?)",
				 d->sonames[d->syms[i].lib], d->syms[i].name);
			return false;
		}
		memcpy(d->syms[i].slot, &p, sizeof(p));
	}
	d->ok = true;
	return true;
}
