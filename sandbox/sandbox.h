/* SPDX-License-Identifier: ISC */
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

#include "common/strv.h" /* the string vectors the plan and the searches use */

/* --- env.c: the allow-list environment --- */

/* True for names that look like they hold a secret (TOKEN, SECRET, KEY,
 * PASSWORD, PASS, CREDENTIAL, AUTH, API, PRIVATE, SESSION, COOKIE anywhere
 * in the name, any case). Such names pass only when named exactly. */
bool sandbox_env_secret_name(const char *name);
/* Copies into *out the entries of envp whose name is in `allow` (exact names
 * or fnmatch globs such as LC_*) or in `exact` (exact names only). A
 * secret-looking name never passes through a glob. Names in `drop` are left
 * out whatever the lists say. 0 or HUSH_ENOMEM. */
int sandbox_env_filter(char *const *envp, const struct strv *allow,
		       const struct strv *exact, const struct strv *drop,
		       struct strv *out);
/* Sets name=value in env, replacing an existing entry. 0 or HUSH_E*. */
int sandbox_env_set(struct strv *env, const char *name, const char *value);
/* Value of name in env, or NULL. */
const char *sandbox_env_get(const struct strv *env, const char *name);

/* --- hide.c: what to mask --- */

#define SANDBOX_WALK_MAX_DEPTH 48
#define SANDBOX_WALK_MAX_ENTRIES 200000
#define SANDBOX_MAX_MASKS 4096

/* Files (covered by an empty read-only file) and directories (covered by an
 * empty read-only tmpfs), absolute paths, no duplicates. */
struct sandbox_masks {
	struct strv files;
	struct strv dirs;
	size_t walked;     /* directory entries looked at */
	bool truncated;    /* a walk stopped at a depth, entry or mask cap, or
			      could not search a directory */
	char *unreadable;  /* the first directory it could not search, or NULL */
};

/* True when name matches one of the globs and none of the "!GLOB" ones. */
bool sandbox_hide_match(const struct strv *globs, const char *name);
/* Adds path to the masks by what it is now: a directory goes to dirs,
 * anything else that exists to files (a symlink is resolved first, so the
 * target gets masked). A path that does not exist is skipped (returns 0).
 * HUSH_ETOOBIG past SANDBOX_MAX_MASKS, HUSH_ENOMEM. */
int sandbox_masks_add(struct sandbox_masks *m, const char *path);
/* Walks root (into file systems mounted below it too, skipping .git,
 * node_modules and directories already masked) up to max_depth levels and adds every entry
 * whose name matches globs. Files hard-linked to a matching file under
 * another name inside the walked tree are added too (same device and
 * inode). Sets m->truncated when the entry, link or mask cap was hit, or
 * when a directory lies deeper than SANDBOX_WALK_MAX_DEPTH; a smaller
 * max_depth is the caller's choice and not reported. 0 or HUSH_E*. */
int sandbox_hide_scan(struct sandbox_masks *m, const char *root,
		      const struct strv *globs, unsigned max_depth);
void sandbox_masks_free(struct sandbox_masks *m);

/* --- landlock.c --- */

/* The Landlock ABI version (1..), or a negative HUSH_E* code when the
 * kernel lacks Landlock or it is disabled; *why gets a short reason. */
int sandbox_landlock_abi(const char **why);

/* Paths for the allow-list mode (used when namespaces are unavailable). */
struct sandbox_ll_paths {
	const struct strv *hidden;  /* files and dirs the agent must not read */
	const struct strv *rw_dirs; /* writable trees (cwd, tmp, allow_write) */
	const struct strv *ro_dirs; /* readable, executable trees (PATH, hush's own) */
	const char *home;
};
/* Creates a Landlock domain for the calling process (after
 * PR_SET_NO_NEW_PRIVS). With paths == NULL the file system is left alone
 * (the mount masks hide what must be hidden) and only device creation is
 * handled; the domain still confines ptrace and /proc/<pid> access to
 * processes inside it, and with ABI >= 6 signals and abstract unix sockets
 * too. With paths, file access is an allow-list (see docs/sandbox.md).
 * 0 or HUSH_E* (errno kept). */
/* scope_abstract: with ABI >= 6, abstract unix sockets outside the domain
 * are refused (off only when the display is shared: X clients use the
 * abstract socket first and do not fall back on EPERM). */
int sandbox_landlock_apply(int abi, const struct sandbox_ll_paths *paths, bool scope_abstract);

/* --- seccomp.c --- */

/* Makes ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM for the calling
 * process and its descendants (sets PR_SET_NO_NEW_PRIVS): the agent shares
 * the user's terminal and must not type into it. 0 or HUSH_EPERM. */
int sandbox_seccomp_apply(void);

/* --- plan.c: the mount plan --- */

/* What the sandbox's init process does to the file system, one operation
 * each. Before any of them, every mount is made read-only: what is not
 * named here as writable cannot be written. */
enum sandbox_op_kind {
	SB_OP_PRIVATE,   /* a private empty tmpfs (/tmp, /var/tmp, /dev/shm, the
			    runtime dir, the home view) */
	SB_OP_BIND_RO,   /* src shown read-only at path */
	SB_OP_BIND_RW,   /* src shown writable at path (the project, allow_write) */
	SB_OP_SCRATCH,   /* a writable tmpfs, empty at start, gone at exit */
	SB_OP_COPY,      /* a state file: src copied in at start, back at exit */
	SB_OP_PROTECT,   /* an existing path inside a writable tree made read-only */
	SB_OP_MASK_FILE, /* covered by an empty read-only file */
	SB_OP_MASK_DIR,  /* covered by an empty read-only directory */
	SB_OP_LINK,      /* a symbolic link at path pointing to src */
	SB_OP_SEAL,      /* a PRIVATE tmpfs made read-only once filled */
};

struct sandbox_op {
	enum sandbox_op_kind kind;
	char *path;       /* absolute, inside the sandbox */
	char *src;        /* absolute, outside (BIND_*, COPY); else NULL */
	const char *why;  /* static text for --explain, or NULL */
	unsigned mode;    /* PRIVATE / SCRATCH: tmpfs root mode */
	size_t seq;       /* order of insertion (stable sort) */
};

#define SANDBOX_PLAN_MAX 16384

struct sandbox_plan {
	struct sandbox_op *ops;
	size_t n, cap;
	int error;          /* first failed push (HUSH_E*): the plan is refused */
	struct strv absent; /* never-writable names that do not exist at start
				  inside a writable tree (looked at again at exit) */
};

/* Appends an operation. 0, or the sticky error (HUSH_ENOMEM, HUSH_ETOOBIG,
 * HUSH_EINVAL for a relative path) also kept in pl->error. */
int sandbox_plan_add(struct sandbox_plan *pl, enum sandbox_op_kind kind, const char *path,
		     const char *src, const char *why);
/* The first operation of that kind at path, or NULL. */
const struct sandbox_op *sandbox_plan_find(const struct sandbox_plan *pl, enum sandbox_op_kind kind,
					   const char *path);
/* Puts the operations into the order they are carried out in (see plan.c). */
void sandbox_plan_sort(struct sandbox_plan *pl);
/* Short name of a kind, for --explain. */
const char *sandbox_op_name(enum sandbox_op_kind k);
void sandbox_plan_free(struct sandbox_plan *pl);

/* --- policy.c: building the plan --- */

enum sandbox_home_mode {
	SANDBOX_HOME_VISIBLE = 0, /* every entry of $HOME shown read-only */
	SANDBOX_HOME_ALLOWLIST,   /* only home_allow and the profile's paths */
};

/* What the plan is built from; every path absolute (~ already expanded),
 * except never_write items, which may be relative to the project. */
struct sandbox_inputs {
	const char *home;            /* $HOME */
	const char *cwd;             /* the project (working directory) */
	const char *xdg_runtime;     /* $XDG_RUNTIME_DIR or NULL */
	const struct strv *allow_write; /* writable directories (state) */
	const struct strv *state_files; /* files replaced by rename: copied */
	const struct strv *scratch;     /* writable, empty, discarded */
	const struct strv *never_write; /* read-only even inside writable trees */
	const struct strv *keep;        /* must stay visible (read-only): hush,
					      the shim, PATH directories, ... */
	const struct strv *home_allow;  /* allow-list mode: home paths shown */
	enum sandbox_home_mode home_mode;
	/* allow-list (0, the default): only the system's top-level directories
	 * of / are shown as they are (bin, etc, usr, var, opt, home, ...);
	 * others (/mnt, /media, /srv, /work, /var/www, ...) are empty inside
	 * except what is bound back. visible: all of / read-only. */
	enum { SANDBOX_ROOT_ALLOWLIST = 0, SANDBOX_ROOT_VISIBLE } root_mode;
	const struct sandbox_masks *masks;
	/* Routing of granted commands that survives a reset PATH (a login
	 * shell's /etc/profile): the links in route_links (a directory) are
	 * shown in route_dir (/usr/local/bin, first on every default PATH)
	 * next to its own entries. NULL: none. */
	const char *route_links;
	const char *route_dir;
};

/* Builds the mount plan (sorted). 0, or HUSH_EINVAL with the reason in
 * why[n] when the working directory cannot be a project (/, /tmp, an
 * ancestor of $HOME), or the plan's error. */
int sandbox_plan_build(struct sandbox_plan *pl, const struct sandbox_inputs *in, char *why,
		       size_t n);
/* The root of the writable bind (SB_OP_BIND_RW) path lies in, when no
 * deeper read-only bind covers it: where the agent can write; else NULL. */
const char *sandbox_plan_writable_root(const struct sandbox_plan *pl, const char *path);
/* True when path is dir or inside it (string prefix on a '/' boundary). */
bool sandbox_path_under(const char *path, const char *dir);
/* --- sockets.c: the unix socket allow-list (see the file's comment) --- */

/* What the agent may connect to besides sockets whose listener runs inside
 * the sandbox. Paths are in the supervisor's view and compared by device
 * and inode at each connect (a restarted broker makes a new inode). */
struct sandbox_sock_policy {
	const char *client_sock;     /* hush's client socket, or NULL */
	const struct strv *allow; /* allow_socket entries, or NULL */
};

/* A unix socket address as connect() reads it. */
struct sandbox_sock_addr {
	bool abstract;  /* name[0] is the NUL that starts an abstract name */
	size_t len;     /* bytes of name (abstract: including that NUL) */
	char name[110]; /* a path is NUL-terminated */
};
/* Parses the len bytes of a sockaddr_un the way the kernel does for
 * connect(). 0, or HUSH_EINVAL (wrong family, too short or too long). */
int sandbox_sock_addr_parse(const void *buf, size_t len, struct sandbox_sock_addr *out);

/* In the agent, before exec: sets no_new_privs and installs the filter
 * (connect() goes to the supervisor; AF_UNIX sockets other than stream
 * and seqpacket fail with EACCES; io_uring_setup() with EPERM). *listener
 * gets the notification descriptor (close-on-exec) to hand to the
 * supervisor. 0 or HUSH_EPERM (errno kept). */
int sandbox_sockets_filter(int *listener);
/* Hands the listener over a unix socket (SCM_RIGHTS) and takes it. 0 or
 * HUSH_EIO. */
int sandbox_sockets_send_listener(int sock, int listener);
int sandbox_sockets_recv_listener(int sock, int *listener);

struct sandbox_sock_sup;
/* In the supervisor (the sandbox's init), before it enters another mount
 * namespace: takes over listener, remembers its own root, /proc/self/fd
 * and network namespace, and starts the worker threads that connect for
 * the agent and answer (they run until the process exits; each has its
 * own file-system context, so the caller may still setns() its mount
 * namespace). p must live as long. 0 or HUSH_E*. */
int sandbox_sockets_supervise(int listener, const struct sandbox_sock_policy *p,
			      struct sandbox_sock_sup **out);
/* For hush doctor: runs a child under the filter and supervises one
 * connect. 0 when seccomp user notification and pidfd_getfd work; else a
 * HUSH_E* code with the reason in why[n]. */
int sandbox_sockets_probe(char *why, size_t n);

/* --- ns.c: namespaces, masks, running the agent --- */

#define SANDBOX_EXTRA_ENV_MAX (64 * 1024)

struct sandbox_spec {
	char *const *argv;           /* agent command */
	char *const *envp;           /* its complete environment */
	const char *cwd;             /* working directory (absolute) */
	const char *empty_file;      /* an empty 0444 regular file */
	const struct sandbox_masks *masks; /* watched: re-masked when replaced */
	const struct sandbox_plan *plan; /* the mounts (namespace mode) */
	bool userns;                 /* user+mount+pid namespaces and masks */
	int landlock_abi;            /* <= 0: no Landlock */
	const struct sandbox_ll_paths *ll_paths; /* allow-list mode, or NULL */
	bool share_display;          /* --allow-display */
	/* network = proxy-only (with userns only): a network namespace with
	 * loopback alone, and a forwarder from 127.0.0.1:PORT inside (PORT
	 * from the agent's HTTPS_PROXY) to this unix socket of the credential
	 * proxy; NULL = the host's network */
	const char *net_proxy_socket;
	/* unix socket allow-list (with userns only), or NULL for none */
	const struct sandbox_sock_policy *sockets;
	/* Optional: called once the sandbox exists, before the agent can run,
	 * with the pid of the sandbox's init (the agent itself without a
	 * pid namespace) and the inode of its pid namespace (0 without one);
	 * with a pid namespace, on_end after the sandbox ended. hush sandbox
	 * registers its broker session here. It may return "NAME=value"
	 * entries for the agent's environment (a malloc'd NULL-terminated
	 * array of malloc'd strings, freed by sandbox_run; at most
	 * SANDBOX_EXTRA_ENV_MAX bytes in all): each replaces the entry of
	 * envp with its name, or is added. */
	char **(*on_start)(void *arg, pid_t pid, uint64_t pidns);
	void (*on_end)(void *arg);
	void *hook_arg;
};

/* --- gitignore.c: a hidden file un-ignored during the session --- */

struct sandbox_ignore {
	struct strv files;   /* .gitignore paths on the way up from hidden files */
	struct strv start;   /* their text at the start ("" when absent) */
	struct strv hidden;  /* the hidden files in the project */
};
/* Records the .gitignore files between each hidden file of m in project
 * and the project. 0 or HUSH_ENOMEM. */
int sandbox_ignore_begin(struct sandbox_ignore *g, const struct sandbox_masks *m,
			 const char *project);
/* At the end: for each hidden file whose way up holds a .gitignore that
 * changed and now negates its name, appends "/NAME" to the .gitignore next
 * to it and adds a sentence to fixed. 0 or HUSH_ENOMEM. */
int sandbox_ignore_end(const struct sandbox_ignore *g, struct strv *fixed);
void sandbox_ignore_free(struct sandbox_ignore *g);

/* --- rcsource.c: what shell startup files source --- */

#define SANDBOX_RC_MAX 256
/* Adds to out (real paths, no duplicates) the existing regular files that
 * rcfile sources with "source PATH" or ". PATH" (literal paths; ~ and
 * $HOME expanded; relative to rcfile's directory), and what those source,
 * three levels deep. 0 or HUSH_ENOMEM. */
int sandbox_rc_sourced(const char *rcfile, const char *home, struct strv *out);

/* --- net.c: network = proxy-only --- */

/* Brings up lo in the current network namespace. 0 or -1. */
int sandbox_net_lo_up(void);
/* The port of HTTPS_PROXY=http://...:PORT in envp, 0 when absent. */
uint16_t sandbox_net_proxy_port(char *const *envp);
/* Starts the forwarder process: 127.0.0.1:port here to unix_path. 0 or -1. */
int sandbox_net_forwarder(uint16_t port, const char *unix_path);

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

/* --- git.c: git directories, the index, paths that run code later --- */

/* Bounds on what is followed and read; everything read there is untrusted. */
#define SANDBOX_GIT_MAX_DIRS 256          /* git directories followed */
#define SANDBOX_GIT_MAX_HOPS 4            /* .git file -> .git file chains */
#define SANDBOX_GIT_WALK_DEPTH 12         /* levels searched for nested .git */
#define SANDBOX_GIT_WALK_ENTRIES 200000
#define SANDBOX_GIT_FILE_MAX (1024 * 1024) /* a .git, commondir or gitdir file: git's own limit for .git files */
#define SANDBOX_GIT_CONFIG_MAX (1u << 20)
#define SANDBOX_GIT_INDEX_MAX (512u << 20)
#define SANDBOX_GIT_INDEX_ENTRIES 10000000u

/* One git directory. worktree is the directory holding the .git entry that
 * led to it (NULL when it was found only under modules/ or worktrees/). */
struct sandbox_git_dir {
	char *worktree;
	char *gitdir;    /* real path */
	char *dotgit;    /* the .git entry itself (file or directory), or NULL */
};
/* What sandbox_git_find found and what sandbox_git_protect made of it. */
struct sandbox_git {
	struct sandbox_git_dir *d;
	size_t n, cap;
	struct strv ro;          /* existing paths to bind read-only */
	struct strv create_dirs; /* directories to create (hooks) before binding */
	struct strv absent;      /* code-running paths that do not exist yet */
	bool truncated;             /* a bound was hit; some git dirs not followed */
	char *shut;                 /* the first directory (or .git file) the user
				       owns and cannot look into (sandbox_path_shut):
				       what lies behind it is not protected */
};

/* Parses the content of a pointer file: a .git file (prefix "gitdir: ") or
 * a commondir/gitdir file (prefix ""). One line; trailing CR/LF removed as
 * git does; empty paths, NUL bytes, inner newlines refused. Copies the path
 * into out[n]. 0, HUSH_EFORMAT or HUSH_ETOOBIG. */
int sandbox_git_parse_pointer(const char *buf, size_t len, const char *prefix, char *out,
			      size_t n);
/* Reads pointer file `file` (at most SANDBOX_GIT_FILE_MAX bytes, not
 * following a symlink), parses it as above and resolves the path it names
 * (relative to directory base) with realpath into out[PATH_MAX]. 0 or
 * HUSH_E* (HUSH_ENOENT when the target does not exist). */
int sandbox_git_read_pointer(const char *file, const char *base, const char *prefix, char *out);

/* Git config files (syntax of git-config(1)): calls fn for each variable
 * with the section and key in lower case, the subsection as written (NULL
 * when none) and the value (NULL for a bare key, else truncated to 255
 * bytes). A nonzero return from fn stops and is returned. 0, fn's value,
 * or HUSH_EFORMAT at the first line git would reject. */
typedef int (*sandbox_git_config_fn)(void *ctx, const char *section, const char *sub,
				      const char *key, const char *value);
int sandbox_git_config_parse(const char *buf, size_t len, sandbox_git_config_fn fn, void *ctx);
/* True when section.key (lower case) makes git run a program, load other
 * config or select a driver: core.fsmonitor, core.pager, core.sshCommand,
 * core.hooksPath, alias.*, filter.*, credential.*, include.*, includeIf.*,
 * ... (the list in docs/sandbox.md). */
bool sandbox_git_key_runs_code(const char *section, const char *sub, const char *key);
/* 1 when the config text sets such a key (or cannot be parsed: git would
 * refuse it, but a later git might not), with "section.key" in key[n];
 * 0 when it does not. */
int sandbox_git_config_risky(const char *buf, size_t len, char *key, size_t n);

/* Finds the git directories that belong to project (an absolute, real
 * path): the nearest enclosing .git walking up from project (not above
 * stop, e.g. $HOME, when project is under stop, else not above "/"), every
 * .git below project (bounded walk, node_modules skipped, into mounts
 * below it too), and from each git dir its commondir, worktrees/ and
 * modules/ (recursively). Never runs git. 0 or HUSH_ENOMEM; bounds set
 * g->truncated, a directory of the user's it cannot look into g->shut. */
int sandbox_git_find(struct sandbox_git *g, const char *project, const char *stop);
/* sandbox_git_find, then fills g->ro, g->create_dirs and g->absent: per git
 * dir config, config.worktree, commondir, gitdir, and hooks (created when
 * missing, in git dirs that are their own common dir); every .git file.
 * 0 or HUSH_E*. Free with sandbox_git_free. */
int sandbox_git_protect(struct sandbox_git *g, const char *project, const char *stop);
void sandbox_git_free(struct sandbox_git *g);

/* The index (Documentation/gitformat-index.txt): versions 2, 3 and 4 (path
 * prefix compression), extensions skipped, a trailing SHA-1 (hashlen 20)
 * or SHA-256 (32) checksum whose length is checked but whose value is not.
 * hashlen 0 tries both. fn gets each entry's path (NUL-terminated, len
 * bytes), mode and stage. Read-only. 0, fn's nonzero value, HUSH_EFORMAT,
 * HUSH_EVERSION or HUSH_ETOOBIG. */
struct sandbox_git_index_info {
	unsigned version;
	size_t entries;
	size_t hashlen;
	bool split;    /* a "link" extension: entries live in a shared index too */
	bool sparse;   /* directory entries ("sdir") */
};
typedef int (*sandbox_git_index_fn)(void *ctx, const char *path, size_t len, unsigned mode,
				    unsigned stage);
int sandbox_git_index_parse(const unsigned char *buf, size_t len, size_t hashlen,
			    sandbox_git_index_fn fn, void *ctx, struct sandbox_git_index_info *info);

/* What the sandbox hides, for the index sweep: globs (sandbox_hide_match on
 * every path component) and the masked files and directories (absolute). */
struct sandbox_git_hide {
	const struct strv *globs;
	const struct strv *files;
	const struct strv *dirs;
};
/* True when path (relative to worktree) is hidden by h. */
bool sandbox_git_path_hidden(const struct sandbox_git_hide *h, const char *worktree,
			     const char *path);

struct sandbox_git_snap_repo {
	char *worktree, *gitdir, *head;
	struct strv tracked;   /* hidden paths in the index at start */
	bool unreadable;          /* the index could not be read at start */
	bool lock;                /* an index.lock existed at start ... */
	dev_t lock_dev;           /* ... this one */
	ino_t lock_ino;
};
struct sandbox_git_snap {
	struct sandbox_git_snap_repo *r;
	size_t n;
	const char *git;          /* git binary used for split indexes and removal */
	struct strv hidden[3]; /* loaded from a journal: globs, files, dirs */
};
/* Records, for each found git dir with a work tree, which hidden paths its
 * index holds and what HEAD is. git is the git binary to use (absolute;
 * NULL for /usr/bin/git), run only as described in docs/sandbox.md. 0 or
 * HUSH_E*. */
int sandbox_git_index_snapshot(struct sandbox_git_snap *s, const struct sandbox_git *g,
			       const struct sandbox_git_hide *h, const char *git);
/* Removes from each index every hidden path that was not in it at start.
 * removed gets "worktree/path" for each; commits gets the work trees whose
 * HEAD moved during the session while a removed path was there (the path
 * may be in those commits, as the mask's empty content). What stood in the
 * way and was set right first goes to fixed, one sentence each: an
 * index.lock made during the session (renamed aside, see
 * sandbox_rename_aside), an index the user may no longer read or write
 * (u+rw given back). An index.lock that was there at the start is left
 * (another git may be running): that repository is not swept. A git that
 * runs longer than a minute is killed. 0 or the first HUSH_E* (the others
 * are still tried); err[n] says what failed. */
int sandbox_git_index_sweep(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			    struct strv *removed, struct strv *commits, struct strv *fixed,
			    char *err, size_t n);
void sandbox_git_snap_free(struct sandbox_git_snap *s);

/* Paths that never become writable inside the project (the never_write
 * list: relative paths, a trailing "/" for a directory). */
struct sandbox_protect {
	char *project;
	struct strv exist;     /* existing: bind read-only */
	struct strv absent;    /* missing at start: swept at the end */
	struct strv links;     /* symlinks on the list or between the project
				     and an entry: "path" then "target" */
	struct strv exist_real;  /* "path" then its real path at start */
	struct strv hooks;     /* hooks directories */
	struct strv hooks_start; /* files in them at start */
	struct strv gits_start;  /* .git entries and git directories at start */
};
/* Checks each never_write entry under project (refusing absolute paths and
 * ".." with HUSH_EINVAL) and records the git state of g (hooks files,
 * .git entries, g->absent) for the sweep. 0 or HUSH_E*. */
int sandbox_protect_begin(struct sandbox_protect *p, const char *project,
			  const struct strv *never_write, const struct sandbox_git *g);
/* At the end: moves into quarantine (created 0700 with parents) every path
 * on the list that did not exist at start and does now, a symlink on the
 * list (or above an entry) that now points elsewhere or is no longer a
 * link, every new non-sample file in a hooks directory, and the config and
 * hooks of a git directory that appeared in the project during the session
 * when they would run code (a new .git leading to a git directory outside
 * the project is moved itself instead). When quarantine is on another file
 * system the path is renamed in place (sandbox_rename_aside). An existing
 * entry whose real path changed (a symlinked directory above it swapped)
 * is moved too. Nothing is moved through a symlink: a symlink above a path
 * that appeared during the session is moved itself, and a path behind one
 * that was there at the start is left and listed in skipped as "path
 * (through the symbolic link L)". moved gets "path -> destination".
 * stop is as for sandbox_git_find. 0 or the first HUSH_E*. */
int sandbox_protect_sweep(const struct sandbox_protect *p, const char *stop,
			  const char *quarantine, struct strv *moved, struct strv *skipped);
void sandbox_protect_free(struct sandbox_protect *p);
/* Moves one path (absolute, outside any project) into qdir/<its path>,
 * as the sweep does: never through a symbolic link (path is then listed
 * in skipped). moved gets "path -> destination". 0 or HUSH_E*. */
int sandbox_quarantine_path(const char *path, const char *qdir, struct strv *moved,
			    struct strv *skipped);
/* Renames name in directory dirfd to name.hush-quarantine (or
 * name.hush-quarantine.N, the first free one), whose name goes to dest[n].
 * 0 or HUSH_E*. */
int sandbox_rename_aside(int dirfd, const char *name, char *dest, size_t n);

/* True when the user owns path and may not access it with amode (X_OK to
 * look inside a directory, R_OK to list it or read a file). An earlier
 * session may have set that mode to keep the next session's search out;
 * someone else's path the user cannot enter, the agent cannot enter
 * either. */
bool sandbox_path_shut(const char *path, int amode);

/* The modes of the directories leading to never-writable paths inside
 * writable binds (the project, a profile's state directory), recorded at
 * the start so that the end of the session undoes a chmod the agent made
 * there: chmod 000 on .git or ~/.claude would keep the next session's
 * search from seeing what to protect, chmod 0555 would make the index
 * sweep and the quarantine fail. */
struct sandbox_dirmode {
	char *path;
	dev_t dev;
	ino_t ino;
	mode_t mode;
};
struct sandbox_modes {
	struct sandbox_dirmode *d;
	size_t n, cap;
	char *shut;  /* the first directory the user owns and cannot search */
};
/* Records every existing directory from top (included) down to path
 * (included when a directory), not past a symlink or a directory the user
 * owns and cannot search (that one goes to m->shut). Nothing when path is
 * not under top. 0 or HUSH_ENOMEM. */
int sandbox_modes_add(struct sandbox_modes *m, const char *top, const char *path);
/* sandbox_modes_add for every never-writable path of the plan (its
 * SB_OP_PROTECT operations and absent list) that lies in a writable bind,
 * from the root of that bind. 0 or HUSH_ENOMEM. */
int sandbox_modes_record(struct sandbox_modes *m, const struct sandbox_plan *pl);
/* Gives each recorded directory whose mode changed, and that is still the
 * same directory (device and inode), its mode back, top-down. repaired
 * gets "path from NOW back to THEN" (octal) for each. 0 or the first
 * HUSH_E* (the others are still tried). */
int sandbox_modes_repair(const struct sandbox_modes *m, struct strv *repaired);
void sandbox_modes_free(struct sandbox_modes *m);

/* --- journal.c: a session's end, on disk while the session runs --- */

#define SANDBOX_JOURNAL_MAX (64u << 20)

/* Records (tag, value), both NUL-terminated, one after the other. */
struct sandbox_journal {
	char *buf;
	size_t len, cap;
	int error;  /* the first put that failed (HUSH_ENOMEM, HUSH_ETOOBIG), sticky */
};
/* Appends a record whose value is printf(fmt, ...). */
void sandbox_journal_put(struct sandbox_journal *j, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends one record (tag, item) for each item of v. */
void sandbox_journal_put_strv(struct sandbox_journal *j, const char *tag, const struct strv *v);
/* The record at *off of buf[len] in *tag and *val (pointers into buf);
 * *off moves past it. 1, 0 at the end, HUSH_EFORMAT when the rest is not
 * a record. */
int sandbox_journal_next(const char *buf, size_t len, size_t *off, const char **tag,
			 const char **val);
void sandbox_journal_free(struct sandbox_journal *j);
/* Writes j (0600, atomically) as dir/<boot id>-<pid>-<start time>.journal,
 * dir made 0700 when missing; the path goes to path[n]. 0 or HUSH_E*. */
int sandbox_journal_write(const struct sandbox_journal *j, const char *dir, char *path, size_t n);
/* The journals in dir whose owning process is gone (killed before its
 * session's end), each claimed by renaming it to a name of this process
 * (so that of two callers one gets it): their new paths go to out, for the
 * caller to read, sweep and remove. 0 or HUSH_E*. */
int sandbox_journal_orphans(const char *dir, struct strv *out);

/* The never-writable state and the directory modes into a journal, and
 * back: sandbox_protect_load takes one record (1 when it was theirs, 0
 * when not, HUSH_E* for a bad value); start from zeroed structs. */
void sandbox_protect_save(const struct sandbox_protect *p, const struct sandbox_modes *m,
			  struct sandbox_journal *j);
int sandbox_protect_load(struct sandbox_protect *p, struct sandbox_modes *m, const char *tag,
			 const char *val);
/* The same for the index snapshot and what it counts as hidden (h); a
 * loaded snapshot keeps its own copy of those rules, which
 * sandbox_git_snap_hide returns. */
void sandbox_git_snap_save(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			   struct sandbox_journal *j);
int sandbox_git_snap_load(struct sandbox_git_snap *s, const char *tag, const char *val);
struct sandbox_git_hide sandbox_git_snap_hide(const struct sandbox_git_snap *s);

#endif
