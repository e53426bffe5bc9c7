/* The kernel side of `hush sandbox`: a clean environment, the list of files
 * and directories to mask, the user+mount+pid namespaces that mask them, and
 * the Landlock domain that keeps the broker out of the agent's reach.
 *
 * Library code: every function returns 0 (or a documented value) or a
 * negative HUSH_E* code and never prints. See docs/sandbox.md. */
#ifndef HUSH_SANDBOX_H
#define HUSH_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A growable vector of malloc'd strings, NULL-terminated (v[n] == NULL). */
struct sb_strv {
	char **v;
	size_t n, cap;
};
/* Appends a copy of s. 0 or HUSH_ENOMEM. */
int sb_strv_push(struct sb_strv *s, const char *str);
/* Appends "name=value". 0, HUSH_ENOMEM or HUSH_ETOOBIG. */
int sb_strv_pushkv(struct sb_strv *s, const char *name, const char *value);
bool sb_strv_has(const struct sb_strv *s, const char *str);
void sb_strv_free(struct sb_strv *s);

/* --- env.c: the allow-list environment --- */

/* True for names that look like they hold a secret (TOKEN, SECRET, KEY,
 * PASSWORD, PASS, CREDENTIAL, AUTH, API, PRIVATE, SESSION, COOKIE anywhere
 * in the name, any case). Such names pass only when named exactly. */
bool sandbox_env_secret_name(const char *name);
/* Copies into *out the entries of envp whose name is in `allow` (exact names
 * or fnmatch globs such as LC_*) or in `exact` (exact names only). A
 * secret-looking name never passes through a glob. Names in `drop` are left
 * out whatever the lists say. 0 or HUSH_ENOMEM. */
int sandbox_env_filter(char *const *envp, const struct sb_strv *allow,
		       const struct sb_strv *exact, const struct sb_strv *drop,
		       struct sb_strv *out);
/* Sets name=value in env, replacing an existing entry. 0 or HUSH_E*. */
int sandbox_env_set(struct sb_strv *env, const char *name, const char *value);
/* Value of name in env, or NULL. */
const char *sandbox_env_get(const struct sb_strv *env, const char *name);

/* --- hide.c: what to mask --- */

#define SANDBOX_WALK_MAX_DEPTH 48
#define SANDBOX_WALK_MAX_ENTRIES 200000
#define SANDBOX_MAX_MASKS 4096

/* Files (covered by an empty read-only file) and directories (covered by an
 * empty read-only tmpfs), absolute paths, no duplicates. */
struct sandbox_masks {
	struct sb_strv files;
	struct sb_strv dirs;
	size_t walked;     /* directory entries looked at */
	bool truncated;    /* a walk stopped at a depth, entry or mask cap */
};

/* True when name matches one of the globs and none of the "!GLOB" ones. */
bool sandbox_hide_match(const struct sb_strv *globs, const char *name);
/* Adds path to the masks by what it is now: a directory goes to dirs,
 * anything else that exists to files (a symlink is resolved first, so the
 * target gets masked). A path that does not exist is skipped (returns 0).
 * HUSH_ETOOBIG past SANDBOX_MAX_MASKS, HUSH_ENOMEM. */
int sandbox_masks_add(struct sandbox_masks *m, const char *path);
/* Walks root (not crossing file systems, skipping .git, node_modules and
 * directories already masked) up to max_depth levels and adds every entry
 * whose name matches globs. Files hard-linked to a matching file under
 * another name inside the walked tree are added too (same device and
 * inode). Sets m->truncated when the entry, link or mask cap was hit, or
 * when a directory lies deeper than SANDBOX_WALK_MAX_DEPTH; a smaller
 * max_depth is the caller's choice and not reported. 0 or HUSH_E*. */
int sandbox_hide_scan(struct sandbox_masks *m, const char *root,
		      const struct sb_strv *globs, unsigned max_depth);
void sandbox_masks_free(struct sandbox_masks *m);

/* --- landlock.c --- */

/* The Landlock ABI version (1..), or a negative HUSH_E* code when the
 * kernel lacks Landlock or it is disabled; *why gets a short reason. */
int sandbox_landlock_abi(const char **why);

/* Paths for the allow-list mode (used when namespaces are unavailable). */
struct sandbox_ll_paths {
	const struct sb_strv *hidden;  /* files and dirs the agent must not read */
	const struct sb_strv *rw_dirs; /* writable trees (cwd, tmp, allow_write) */
	const struct sb_strv *ro_dirs; /* readable, executable trees (PATH, hush's own) */
	const char *home;
};
/* Creates a Landlock domain for the calling process (after
 * PR_SET_NO_NEW_PRIVS). With paths == NULL the file system is left alone
 * (the mount masks hide what must be hidden) and only device creation is
 * handled; the domain still confines ptrace and /proc/<pid> access to
 * processes inside it, and with ABI >= 6 signals and abstract unix sockets
 * too. With paths, file access is an allow-list (see docs/sandbox.md).
 * 0 or HUSH_E* (errno kept). */
int sandbox_landlock_apply(int abi, const struct sandbox_ll_paths *paths);

/* --- seccomp.c --- */

/* Makes ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM for the calling
 * process and its descendants (sets PR_SET_NO_NEW_PRIVS): the agent shares
 * the user's terminal and must not type into it. 0 or HUSH_EPERM. */
int sandbox_seccomp_apply(void);

/* --- ns.c: namespaces, masks, running the agent --- */

struct sandbox_spec {
	char *const *argv;           /* agent command */
	char *const *envp;           /* its complete environment */
	const char *cwd;             /* working directory (absolute) */
	const char *empty_file;      /* an empty 0444 regular file */
	const struct sandbox_masks *masks;
	const struct sb_strv *ro_paths; /* bound read-only onto themselves */
	bool userns;                 /* user+mount+pid namespaces and masks */
	int landlock_abi;            /* <= 0: no Landlock */
	const struct sandbox_ll_paths *ll_paths; /* allow-list mode, or NULL */
	/* Optional: called before the agent starts, in the process whose life
	 * is the sandbox's, with the inode of the sandbox's pid namespace (0
	 * without one); and, where that process outlives the agent, after it
	 * ended. hush sandbox registers its broker session here. */
	void (*on_start)(void *arg, uint64_t pidns);
	void (*on_end)(void *arg);
	void *hook_arg;
};

/* Probes unprivileged user namespaces by forking a child that unshares a
 * user+mount+pid namespace and maps its uid. 0 when they work, else a
 * HUSH_E* code with a reason in why[n]. */
int sandbox_userns_probe(char *why, size_t n);

/* Runs the agent as described and waits for it. Signals SIGTERM, SIGHUP,
 * SIGUSR1 and SIGUSR2 are forwarded; terminal signals reach the agent
 * directly. On success returns 0 with *status set to the agent's exit code
 * (128+N when killed by signal N). When the set-up fails before the agent
 * starts, writes what failed and why into err[n] and returns HUSH_EPERM
 * when the user or pid namespace could not be made (nothing ran: the
 * caller may retry without namespaces), HUSH_ENOENT when the agent could
 * not be executed, HUSH_EIO for any other step. */
int sandbox_run(const struct sandbox_spec *s, int *status, char *err, size_t n);

#endif
