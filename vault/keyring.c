/* SPDX-License-Identifier: ISC */
/* The desktop keyring key source: the vault key kept in the Secret Service
 * (gnome-keyring, KeePassXC, ...) through libsecret.
 *
 * Item: schema "org.hush.VaultKey", attribute "vault-id" = hex vault id,
 * label "hush vault key", secret = the 32-byte key as 64 hex characters.
 *
 * libsecret's sync calls can block for D-Bus's default 25 s (or forever on
 * a prompt nobody answers); every call here runs with a GCancellable that a
 * watchdog thread cancels after the keyring timeout. When no session bus is
 * configured at all we fail at once instead of letting GLib autolaunch one.
 *
 * libsecret and GLib are not linked: loading them at every exec of hush
 * (sandbox, run, the shim's re-execs) costs more than a short run itself,
 * and most runs never touch the keyring. They are dlopen'ed on the first
 * keyring use and the few functions used here are looked up into a table
 * (ss). The header is included for types and constants only; a direct call
 * to a libsecret or GLib function would fail to link. */
#include "vault/vault.h"

#include <errno.h>
#include <libsecret/secret.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/dynload.h"
#include "common/util.h"

#define KEYRING_TIMEOUT_MS 10000

static const SecretSchema hush_schema = {
	"org.hush.VaultKey",
	SECRET_SCHEMA_NONE,
	{
		{ "vault-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static _Thread_local char last_error[256];

/* --- lazy loading of libsecret and GLib --- */

#define LIBSECRET_SONAME "libsecret-1.so.0"

/* Each member has the exact type of the function it stands for, taken from
 * the headers, so every call below is checked as a direct call would be. */
static struct {
	__typeof__(g_cancellable_new) *cancellable_new;
	__typeof__(g_cancellable_cancel) *cancellable_cancel;
	__typeof__(g_cancellable_is_cancelled) *cancellable_is_cancelled;
	__typeof__(g_object_unref) *object_unref;
	__typeof__(g_error_free) *error_free;
	__typeof__(g_hash_table_new) *hash_table_new;
	__typeof__(g_hash_table_insert) *hash_table_insert;
	__typeof__(g_hash_table_unref) *hash_table_unref;
	__typeof__(g_str_hash) *str_hash;
	__typeof__(g_str_equal) *str_equal;
	__typeof__(g_list_free_full) *list_free_full;
	__typeof__(secret_service_get_sync) *service_get_sync;
	__typeof__(secret_service_search_sync) *service_search_sync;
	__typeof__(secret_item_get_locked) *item_get_locked;
	__typeof__(secret_password_store_sync) *password_store_sync;
	__typeof__(secret_password_lookup_nonpageable_sync) *password_lookup_nonpageable_sync;
	__typeof__(secret_password_clear_sync) *password_clear_sync;
	__typeof__(secret_password_free) *password_free;
	__typeof__(g_hash_table_lookup) *hash_table_lookup;
	__typeof__(secret_item_get_attributes) *item_get_attributes;
	__typeof__(secret_item_get_secret) *item_get_secret;
	__typeof__(secret_item_get_label) *item_get_label;
	__typeof__(secret_value_get) *value_get;
	__typeof__(secret_value_unref) *value_unref;
	__typeof__(g_free) *free;
} ss;

enum { LIB_SECRET, LIB_GIO, LIB_GOBJECT, LIB_GLIB, LIB_COUNT };

/* libsecret first: the GLib libraries are its dependencies, so once it is
 * loaded the others are already mapped and dlopen only takes a handle. Each
 * symbol is looked up in the library that defines it. */
static const char *const lib_sonames[LIB_COUNT] = {
	[LIB_SECRET] = LIBSECRET_SONAME,
	[LIB_GIO] = "libgio-2.0.so.0",
	[LIB_GOBJECT] = "libgobject-2.0.so.0",
	[LIB_GLIB] = "libglib-2.0.so.0",
};

#define SYM(lib, name, member) { lib, name, &ss.member }
static const struct dynload_sym syms[] = {
	SYM(LIB_GIO, "g_cancellable_new", cancellable_new),
	SYM(LIB_GIO, "g_cancellable_cancel", cancellable_cancel),
	SYM(LIB_GIO, "g_cancellable_is_cancelled", cancellable_is_cancelled),
	SYM(LIB_GOBJECT, "g_object_unref", object_unref),
	SYM(LIB_GLIB, "g_error_free", error_free),
	SYM(LIB_GLIB, "g_hash_table_new", hash_table_new),
	SYM(LIB_GLIB, "g_hash_table_insert", hash_table_insert),
	SYM(LIB_GLIB, "g_hash_table_unref", hash_table_unref),
	SYM(LIB_GLIB, "g_str_hash", str_hash),
	SYM(LIB_GLIB, "g_str_equal", str_equal),
	SYM(LIB_GLIB, "g_list_free_full", list_free_full),
	SYM(LIB_SECRET, "secret_service_get_sync", service_get_sync),
	SYM(LIB_SECRET, "secret_service_search_sync", service_search_sync),
	SYM(LIB_SECRET, "secret_item_get_locked", item_get_locked),
	SYM(LIB_SECRET, "secret_password_store_sync", password_store_sync),
	SYM(LIB_SECRET, "secret_password_lookup_nonpageable_sync",
	    password_lookup_nonpageable_sync),
	SYM(LIB_SECRET, "secret_password_clear_sync", password_clear_sync),
	SYM(LIB_SECRET, "secret_password_free", password_free),
	SYM(LIB_GLIB, "g_hash_table_lookup", hash_table_lookup),
	SYM(LIB_SECRET, "secret_item_get_attributes", item_get_attributes),
	SYM(LIB_SECRET, "secret_item_get_secret", item_get_secret),
	SYM(LIB_SECRET, "secret_item_get_label", item_get_label),
	SYM(LIB_SECRET, "secret_value_get", value_get),
	SYM(LIB_SECRET, "secret_value_unref", value_unref),
	SYM(LIB_GLIB, "g_free", free),
};
#undef SYM

static struct dynload libs = {
	.sonames = lib_sonames,
	.nlibs = LIB_COUNT,
	.syms = syms,
	.nsyms = ARRAY_LEN(syms),
	.package = "libsecret-1-0",
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* Runs once. GLib cannot be unloaded: the handles stay open. */
static void load_libs(void)
{
	dynload_open(&libs);
}

const char *keyring_last_error(void)
{
	return last_error;
}

static int fail(char *why, size_t whylen, const char *fmt, const char *detail)
{
	snprintf(last_error, sizeof(last_error), fmt, detail ? detail : "");
	/* Keep it to one line. */
	for (char *p = last_error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (why && whylen)
		snprintf(why, whylen, "%s", last_error);
	return HUSH_EKEYRING;
}

/* 0 once libsecret and GLib are loaded and ss is filled in; HUSH_EKEYRING
 * with the reason otherwise (the same every time: loading is tried once). */
static int keyring_load(char *why, size_t whylen)
{
	pthread_once(&load_once, load_libs);
	if (!libs.ok)
		return fail(why, whylen, "%s", libs.error);
	return 0;
}

static unsigned timeout_ms(void)
{
	const char *s = getenv("HUSH_KEYRING_TIMEOUT_MS");
	if (s && *s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (!*end && v > 0 && v <= 600000)
			return (unsigned)v;
	}
	return KEYRING_TIMEOUT_MS;
}

/* True when GLib would find a session bus without autolaunching one. */
static bool session_bus_configured(void)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (a && *a)
		return true;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (rt && *rt) {
		char p[4096];
		struct stat st;
		if (xsnprintf(p, sizeof(p), "%s/bus", rt) == 0 && stat(p, &st) == 0 &&
		    S_ISSOCK(st.st_mode))
			return true;
	}
	return false;
}

/* --- watchdog: cancels a GCancellable after the timeout --- */

struct watchdog {
	GCancellable *cancel;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	bool started;
	unsigned ms;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += w->ms / 1000;
	until.tv_nsec += (long)(w->ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	int r = 0;
	while (!w->done && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&w->cv, &w->mu, &until);
	bool fire = !w->done;
	pthread_mutex_unlock(&w->mu);
	if (fire)
		ss.cancellable_cancel(w->cancel);
	return NULL;
}

static void watchdog_start(struct watchdog *w)
{
	memset(w, 0, sizeof(*w));
	w->cancel = ss.cancellable_new();
	w->ms = timeout_ms();
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->started = pthread_create(&w->thread, NULL, watchdog_main, w) == 0;
}

/* Stops the watchdog; true when it had fired (the call timed out). */
static bool watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->thread, NULL);
	bool fired = ss.cancellable_is_cancelled(w->cancel);
	ss.object_unref(w->cancel);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	return fired;
}

static int gerror_fail(GError *err, bool timed_out, char *why, size_t whylen)
{
	int r;
	if (timed_out)
		r = fail(why, whylen, "%sthe Secret Service did not answer in time "
			 "(is the keyring locked with no prompt available?)", NULL);
	else
		r = fail(why, whylen, "the Secret Service failed: %s",
			 err && err->message ? err->message : "no reason given");
	if (err)
		ss.error_free(err);
	return r;
}

static void id_hex(const uint8_t id[VAULT_ID_BYTES], char out[VAULT_ID_BYTES * 2 + 1])
{
	sodium_bin2hex(out, VAULT_ID_BYTES * 2 + 1, id, VAULT_ID_BYTES);
}

int keyring_available(char *why, size_t whylen)
{
	last_error[0] = 0;
	if (!session_bus_configured())
		return fail(why, whylen, "%sno D-Bus session bus "
			    "(DBUS_SESSION_BUS_ADDRESS is not set)", NULL);
	int r = keyring_load(why, whylen);
	if (r)
		return r;
	struct watchdog w;
	watchdog_start(&w);
	GError *err = NULL;
	SecretService *svc = ss.service_get_sync(SECRET_SERVICE_OPEN_SESSION, w.cancel, &err);
	bool fired = watchdog_stop(&w);
	if (!svc)
		return gerror_fail(err, fired, why, whylen);
	ss.object_unref(svc);
	return 0;
}

/* The start of a call about one vault's item: the keyring answers, and
 * the item's "vault-id" attribute (the id in hex). 0 or keyring_available()'s
 * error. */
static int item_begin(const uint8_t id[VAULT_ID_BYTES], char idh[VAULT_ID_BYTES * 2 + 1],
		      char *why, size_t whylen)
{
	int r = keyring_available(why, whylen);
	if (!r)
		id_hex(id, idh);
	return r;
}

int keyring_store(const uint8_t id[VAULT_ID_BYTES], const uint8_t *key, char *why,
		  size_t whylen)
{
	char idh[VAULT_ID_BYTES * 2 + 1];
	int r = item_begin(id, idh, why, whylen);
	if (r)
		return r;
	char *hex = sodium_malloc(VAULT_KEY_BYTES * 2 + 1);
	if (!hex)
		return HUSH_ENOMEM;
	sodium_bin2hex(hex, VAULT_KEY_BYTES * 2 + 1, key, VAULT_KEY_BYTES);
	struct watchdog w;
	watchdog_start(&w);
	GError *err = NULL;
	gboolean okay = ss.password_store_sync(&hush_schema, SECRET_COLLECTION_DEFAULT,
						"hush vault key", hex, w.cancel, &err,
						"vault-id", idh, NULL);
	bool fired = watchdog_stop(&w);
	sodium_free(hex);
	if (!okay)
		return gerror_fail(err, fired, why, whylen);
	return 0;
}

/* True when the keyring has an item for this vault id that is locked: a
 * lookup then finds nothing, which must not read as "no key". */
static bool item_locked(const char *idh)
{
	struct watchdog w;
	watchdog_start(&w);
	GHashTable *attrs = ss.hash_table_new(ss.str_hash, ss.str_equal);
	ss.hash_table_insert(attrs, (gpointer) "vault-id", (gpointer)idh);
	GError *err = NULL;
	GList *items = ss.service_search_sync(NULL, &hush_schema, attrs, SECRET_SEARCH_ALL,
					       w.cancel, &err);
	watchdog_stop(&w);
	ss.hash_table_unref(attrs);
	if (err)
		ss.error_free(err);
	bool locked = false;
	/* A plain cast: SECRET_ITEM() calls secret_item_get_type() and GObject's
	 * cast check, which are not linked; the search returns SecretItems. */
	for (GList *l = items; l; l = l->next)
		if (ss.item_get_locked((SecretItem *)l->data))
			locked = true;
	ss.list_free_full(items, ss.object_unref);
	return locked;
}

int keyring_lookup(const uint8_t id[VAULT_ID_BYTES], uint8_t *key, char *why, size_t whylen)
{
	char idh[VAULT_ID_BYTES * 2 + 1];
	int r = item_begin(id, idh, why, whylen);
	if (r)
		return r;
	struct watchdog w;
	watchdog_start(&w);
	GError *err = NULL;
	gchar *pw = ss.password_lookup_nonpageable_sync(&hush_schema, w.cancel, &err,
							 "vault-id", idh, NULL);
	bool fired = watchdog_stop(&w);
	if (!pw) {
		if (err || fired)
			return gerror_fail(err, fired, why, whylen);
		if (item_locked(idh))
			return fail(why, whylen, "%sthe keyring is locked and could not be "
				    "unlocked (no unlock prompt available)", NULL);
		fail(why, whylen, "%sthe keyring holds no key for this vault", NULL);
		return HUSH_ENOENT;
	}
	size_t bin_len = 0;
	size_t pl = strlen(pw);
	r = 0;
	if (pl != VAULT_KEY_BYTES * 2 ||
	    sodium_hex2bin(key, VAULT_KEY_BYTES, pw, pl, NULL, &bin_len, NULL) != 0 ||
	    bin_len != VAULT_KEY_BYTES) {
		sodium_memzero(key, VAULT_KEY_BYTES);
		r = fail(why, whylen, "%sthe keyring item for this vault is not a hush key", NULL);
	}
	ss.password_free(pw);
	return r;
}

int keyring_delete(const uint8_t id[VAULT_ID_BYTES])
{
	char idh[VAULT_ID_BYTES * 2 + 1];
	int r = item_begin(id, idh, NULL, 0);
	if (r)
		return r;
	struct watchdog w;
	watchdog_start(&w);
	GError *err = NULL;
	gboolean okay = ss.password_clear_sync(&hush_schema, w.cancel, &err,
						"vault-id", idh, NULL);
	bool fired = watchdog_stop(&w);
	if (err || fired)
		return gerror_fail(err, fired, NULL, 0);
	return okay ? 0 : HUSH_ENOENT;
}

/* envchain's items (sorah/envchain, envchain_linux.c): attribute "name" is
 * the namespace, "key" the variable. */
static const SecretSchema envchain_schema = {
	"envchain.EnvironmentVariable",
	SECRET_SCHEMA_NONE,
	{
		{ "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

int keyring_search(const char *schema, const char *const *attrs, size_t nattrs,
		   const char *name_attr, keyring_item_fn fn, void *ctx, char *why, size_t whylen)
{
	if (nattrs % 2 || nattrs == 0 || (schema && strcmp(schema, envchain_schema.name)))
		return HUSH_EINVAL;
	int r = keyring_available(why, whylen);
	if (r)
		return r;
	GHashTable *h = ss.hash_table_new(ss.str_hash, ss.str_equal);
	for (size_t i = 0; i + 1 < nattrs; i += 2)
		ss.hash_table_insert(h, (gpointer)attrs[i], (gpointer)attrs[i + 1]);
	struct watchdog w;
	watchdog_start(&w);
	GError *err = NULL;
	GList *items = ss.service_search_sync(NULL, schema ? &envchain_schema : NULL, h,
					       SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK |
						       SECRET_SEARCH_LOAD_SECRETS,
					       w.cancel, &err);
	bool fired = watchdog_stop(&w);
	ss.hash_table_unref(h);
	if (err || fired) {
		ss.list_free_full(items, ss.object_unref);
		return gerror_fail(err, fired, why, whylen);
	}
	r = 0;
	for (GList *l = items; l && r == 0; l = l->next) {
		SecretItem *it = (SecretItem *)l->data;
		if (ss.item_get_locked(it)) {
			r = fail(why, whylen, "%sa matching item is locked and could not be unlocked", NULL);
			break;
		}
		GHashTable *ia = ss.item_get_attributes(it);
		const char *name = name_attr && ia ? ss.hash_table_lookup(ia, name_attr) : NULL;
		gchar *label = ss.item_get_label(it);
		SecretValue *sv = ss.item_get_secret(it);
		if (!sv) {
			r = fail(why, whylen, "%sthe Secret Service did not hand over a matching item's secret", NULL);
		} else {
			gsize len = 0;
			const gchar *val = ss.value_get(sv, &len);
			r = fn(ctx, name, label ? label : "", val, len);
			ss.value_unref(sv);
		}
		ss.free(label);
		if (ia)
			ss.hash_table_unref(ia);
	}
	ss.list_free_full(items, ss.object_unref);
	return r;
}
