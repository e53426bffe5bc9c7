/* SPDX-License-Identifier: ISC */
/* Vectorscan (libhs), loaded on the first scan instead of linked.
 *
 * libhs is C++: linking it maps and relocates libstdc++ at every exec of
 * hush, about 1 ms, while only `hush scan` and `hush migrate` use it. This
 * file defines the few hs_* functions the scanner calls; each loads libhs
 * once (RTLD_LOCAL) and forwards to the real one, so scan/ calls them as
 * if libhs were linked. When libhs cannot be loaded, hs_valid_platform()
 * fails and the scanner falls back as on a platform without Vectorscan
 * support. */
#include <hs/hs.h>
#include <pthread.h>

#include "common/dynload.h"
#include "common/util.h"

static struct {
	__typeof__(hs_valid_platform) *valid_platform;
	__typeof__(hs_compile_lit_multi) *compile_lit_multi;
	__typeof__(hs_free_compile_error) *free_compile_error;
	__typeof__(hs_free_database) *free_database;
	__typeof__(hs_alloc_scratch) *alloc_scratch;
	__typeof__(hs_clone_scratch) *clone_scratch;
	__typeof__(hs_free_scratch) *free_scratch;
	__typeof__(hs_scan) *scan;
} hs;

static const char *const sonames[] = { "libhs.so.5" };

#define SYM(name) { 0, "hs_" #name, &hs.name }
static const struct dynload_sym syms[] = {
	SYM(valid_platform), SYM(compile_lit_multi), SYM(free_compile_error), SYM(free_database),
	SYM(alloc_scratch), SYM(clone_scratch), SYM(free_scratch), SYM(scan),
};
#undef SYM

static struct dynload lib = {
	.sonames = sonames,
	.nlibs = ARRAY_LEN(sonames),
	.syms = syms,
	.nsyms = ARRAY_LEN(syms),
	.package = "libvectorscan5",
};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	dynload_open(&lib);
}

static bool loaded(void)
{
	pthread_once(&once, load);
	return lib.ok;
}

/* Everything below is called only after hs_valid_platform() succeeded, or
 * with what an earlier call made: the NULL checks keep a free of nothing
 * harmless when libhs never loaded. */
hs_error_t hs_valid_platform(void)
{
	return loaded() ? hs.valid_platform() : HS_ARCH_ERROR;
}

hs_error_t hs_compile_lit_multi(const char *const *expressions, const unsigned *flags,
				const unsigned *ids, const size_t *lens, unsigned elements,
				unsigned mode, const hs_platform_info_t *platform,
				hs_database_t **db, hs_compile_error_t **error)
{
	if (!loaded())
		return HS_ARCH_ERROR;
	return hs.compile_lit_multi(expressions, flags, ids, lens, elements, mode, platform, db,
				    error);
}

hs_error_t hs_free_compile_error(hs_compile_error_t *error)
{
	return error && loaded() ? hs.free_compile_error(error) : HS_SUCCESS;
}

hs_error_t hs_free_database(hs_database_t *db)
{
	return db && loaded() ? hs.free_database(db) : HS_SUCCESS;
}

hs_error_t hs_alloc_scratch(const hs_database_t *db, hs_scratch_t **scratch)
{
	return loaded() ? hs.alloc_scratch(db, scratch) : HS_ARCH_ERROR;
}

hs_error_t hs_clone_scratch(const hs_scratch_t *src, hs_scratch_t **dest)
{
	return loaded() ? hs.clone_scratch(src, dest) : HS_ARCH_ERROR;
}

hs_error_t hs_free_scratch(hs_scratch_t *scratch)
{
	return scratch && loaded() ? hs.free_scratch(scratch) : HS_SUCCESS;
}

hs_error_t hs_scan(const hs_database_t *db, const char *data, unsigned int length,
		   unsigned int flags, hs_scratch_t *scratch, match_event_handler on_event,
		   void *context)
{
	return loaded() ? hs.scan(db, data, length, flags, scratch, on_event, context)
			: HS_ARCH_ERROR;
}
