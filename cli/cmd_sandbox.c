/* SPDX-License-Identifier: ISC */
/* hush sandbox: start an agent with a clean environment, the shim and the
 * kernel layers (sandbox/), registered with the broker for its
 * credential proxy. hush doctor is in cmd_doctor.c. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/locate.h"
#include "common/util.h"
#include "config/config.h"
#include "broker/client.h"
#include "proxy/proxy.h"
#include "broker/grant.h"
#include "sandbox/sandbox.h"
#include "vault/vault.h"

/* --- small helpers --- */

/* The sandbox's session in the broker (broker/session.h), registered by
 * the process that owns the sandbox before the agent starts. The reply
 * brings the credential proxy's variables for the agent (placeholders,
 * base URLs, HTTPS_PROXY) and the session CA, which goes into a trust
 * bundle in the sandbox's temporary directory (named as Debian's, not
 * *.pem, which the shim hides). */
struct session_hook {
	bool display, no_proxy, proxy_only;
	const char *allow_hosts;         /* proxy-only: comma-separated */
	uint64_t id;
	const char *dir;                 /* the sandbox's temporary directory */
	const struct strv *passed;    /* --allow-env names */
};

/* a + b in one NULL-terminated array (the strings move); NULL when out of
 * memory (both are freed then). */
static char **strv_join(char **a, char **b)
{
	size_t na = 0, nb = 0;
	while (a && a[na])
		na++;
	while (b && b[nb])
		nb++;
	char **v = realloc(a, (na + nb + 1) * sizeof(char *));
	if (!v) {
		proxy_env_free(a);
		proxy_env_free(b);
		return NULL;
	}
	memcpy(v + na, b, nb * sizeof(char *));
	v[na + nb] = NULL;
	free(b);
	return v;
}

static char **session_start(void *arg, pid_t pid, uint64_t pidns)
{
	struct session_hook *h = arg;
	struct client_session cs = { .pidns = pidns, .pid = pid, .display = h->display,
				     .no_proxy = h->no_proxy, .proxy_only = h->proxy_only,
				     .allow_hosts = h->allow_hosts };
	struct proto_session_reply sr = { 0 };
	int r = client_session_open(&cs, &sr);
	if (r) {
		if (r != HUSH_ENOENT && h->display)
			msg_warn("sandbox: cannot register the session with the broker (%s): it may "
				 "show desktop dialogs the agent can click", hush_strerror(r));
		if (h->proxy_only)
			msg_warn("sandbox: network = proxy-only, but no broker runs its proxy (%s): "
				 "the agent has no network", hush_strerror(r));
		return NULL;
	}
	if (h->proxy_only && !sr.nenv)
		msg_warn("sandbox: network = proxy-only, but the proxy does not serve this "
			 "session: the agent has no network");
	h->id = sr.id;
	if (sr.note && sr.note[0])
		msg_warn("sandbox: %s", sr.note);
	char **extra = NULL;
	if (sr.nenv) {
		char bundle[PATH_MAX], **ca = NULL;
		const char *sys = getenv("SSL_CERT_FILE");
		if (xsnprintf(bundle, sizeof(bundle), "%s/ca-certificates.crt", h->dir) ||
		    proxy_bundle_write(bundle, sys && *sys ? sys : NULL, sr.ca_pem) ||
		    proxy_env_build(NULL, 0, NULL, NULL, 0, bundle, &ca))
			msg_warn("sandbox: cannot write the credential proxy's CA bundle: HTTPS "
				 "clients will not trust the proxy");
		/* the variables move out of the reply */
		extra = strv_join(sr.env, ca);
		sr.env = NULL;
		sr.nenv = 0;
		for (size_t i = 0; extra && extra[i]; i++) {
			size_t nl = strcspn(extra[i], "=");
			for (size_t k = 0; h->passed && k < h->passed->n; k++)
				if (strlen(h->passed->v[k]) == nl &&
				    !strncmp(h->passed->v[k], extra[i], nl) && getenv(h->passed->v[k]))
					msg_warn("sandbox: %.*s holds a placeholder inside, not the value "
						 "given with --allow-env: the credential proxy puts the "
						 "real value on the wire", (int)nl, extra[i]);
		}
	}
	proto_session_reply_free(&sr);
	return extra;
}

static void session_end(void *arg)
{
	struct session_hook *h = arg;
	if (h->id)
		client_session_close(h->id);
}

static void list_add(struct strv *to, const struct config_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strv_has(to, l->items[i]) && strv_push(to, l->items[i]) < 0)
			die("out of memory");
}

static int write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return HUSH_EIO;
	int r = write_all(fd, text, strlen(text));
	if (fchmod(fd, mode) != 0)
		r = -1;
	close(fd);
	return r == 0 ? 0 : HUSH_EIO;
}

/* Appends a formatted line to a growable string. */
/* The D-Bus session bus socket: from $DBUS_SESSION_BUS_ADDRESS
 * (unix:path=...) and $XDG_RUNTIME_DIR/bus. */
static void dbus_paths(struct strv *out)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (a) {
		const char *p = strstr(a, "unix:path=");
		if (p) {
			char buf[PATH_MAX];
			snprintf(buf, sizeof(buf), "%s", p + 10);
			buf[strcspn(buf, ",;")] = '\0';
			if (buf[0] == '/')
				strv_push(out, buf);
		}
	}
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x && x[0] == '/') {
		char buf[PATH_MAX];
		if (xsnprintf(buf, sizeof(buf), "%s/bus", x) == 0)
			strv_push(out, buf);
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes our temporary directory (links, rules, the empty file). */
static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Where the temporary directory goes: $TMPDIR when set, else /dev/shm
 * when it is a sticky, world-writable directory like /tmp (memory: the few
 * small files made and removed each session cost no journal writes and,
 * on ext4, no search for a free inode), else /tmp. */
static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");
	if (t && t[0] == '/')
		return t;
	struct stat st;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
	    (st.st_mode & S_IWOTH))
		return "/dev/shm";
	return "/tmp";
}

static bool path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

static void sandbox_usage(FILE *f)
{
	fprintf(f,
		"usage: hush sandbox [OPTIONS] -- AGENT [ARGS...]\n\n"
		"Start AGENT with a clean environment, the hush shim, and the kernel\n"
		"layers: credential files masked, the vault, keyring, D-Bus session bus\n"
		"and broker control socket out of reach, granted commands routed\n"
		"through the broker. Exit status is the agent's.\n\n"
		"options:\n"
		"  --profile NAME        use this agent profile (default: the one whose\n"
		"                        commands list names AGENT: claude, opencode, codex,\n"
		"                        aider, gemini are built in)\n"
		"  --allow-env VAR[,..]  pass these variables too (exact names)\n"
		"  --allow-display       share the X11/Wayland display (desktop confirmation\n"
		"                        is then not used for this sandbox's requests)\n"
		"  --allow-socket PATH   let the agent connect to this unix socket (its\n"
		"                        server then acts for the agent outside the sandbox)\n"
		"  --home MODE           allow-list (the default: only the profile's paths\n"
		"                        and toolchains) or visible (every entry, read-only)\n"
		"  --no-proxy            no credential proxy: the agent's API keys are not\n"
		"                        replaced by placeholders (pass them with --allow-env)\n"
		"  --network MODE        open (the default) or proxy-only: a network of its\n"
		"                        own whose one way out is hush's proxy\n"
		"  --allow-host HOST     with proxy-only: a host the agent may reach (HOST,\n"
		"                        HOST:PORT, *.DOMAIN; repeatable, comma lists)\n"
		"  --root MODE           allow-list (the default: of /, only the system's\n"
		"                        directories; /mnt, /srv, /work, ... are empty) or\n"
		"                        visible (all of / read-only)\n"
		"  --explain             print the plan (hidden, writable, never-writable,\n"
		"                        private) and exit without starting the agent\n"
		"  --no-shim             do not preload libhush.so\n"
		"  --no-userns           no user/mount/pid namespaces (Landlock only)\n"
		"  --no-landlock         no Landlock domain\n"
		"  --partial-masks       start even when the search for files to hide\n"
		"                        stopped at its limit (the rest relies on the shim)\n"
		"  -v, --verbose         print the plan, then start\n"
		"  -h, --help            this text\n"
		"\nThe --no-* switches weaken the sandbox; they are for diagnosis.\n"
		"See docs/sandbox.md and SECURITY.md for what each layer stops.\n");
}

struct opts {
	const char *profile;
	const char *home_mode;
	struct strv allow_exact;
	struct strv allow_socket;
	bool no_shim, no_userns, no_landlock, verbose, partial_masks, explain, allow_display;
	bool no_proxy;
	const char *network;          /* --network */
	const char *root_mode;        /* --root */
	struct strv allow_host;    /* --allow-host */
};

/* --- the plan --- */

static void push_strv(struct strv *to, const struct strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (!strv_has(to, from->v[i]) && strv_push(to, from->v[i]) < 0)
			die("out of memory");
}


static void push_list(struct strv *to, const struct config_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strv_has(to, l->items[i]) && strv_push(to, l->items[i]) < 0)
			die("out of memory");
}

static void push_dir_of(struct strv *to, const char *file)
{
	char dir[PATH_MAX];
	if (!file || !*file || xsnprintf(dir, sizeof(dir), "%s", file) < 0)
		return;
	char *sl = strrchr(dir, '/');
	if (!sl || sl == dir)
		return;
	*sl = '\0';
	if (!strv_has(to, dir) && strv_push(to, dir) < 0)
		die("out of memory");
}

/* Builds the mount plan from the config, the profile and what is on disk;
 * dies with a message when it cannot be built. */
static void build_plan(struct sandbox_plan *plan, const struct config *cfg,
		       const struct sandbox_profile *prof, const struct opts *o, const char *home,
		       const char *cwd, const char *runtime, const char *cfgpath, const char *tmp,
		       const char *self, const char *shim, const char *upath,
		       const struct sandbox_masks *m, const char *links,
		       const struct strv *extra_ro)
{
	struct strv aw = { 0 }, state = { 0 }, scratch = { 0 }, never = { 0 }, keep = { 0 },
		       hallow = { 0 };
	push_list(&aw, &cfg->allow_write);
	push_list(&state, &cfg->state_files);
	push_list(&scratch, &cfg->scratch);
	push_list(&never, &cfg->never_write);
	push_list(&hallow, &cfg->home_allow);
	if (prof) {
		push_list(&aw, &prof->allow_write);
		push_list(&state, &prof->state_files);
		push_list(&scratch, &prof->scratch);
		push_list(&never, &prof->never_write);
		push_list(&hallow, &prof->home_allow);
		/* a profile's state directory is made on first use, so that the
		 * agent's state persists from its very first session */
		for (size_t i = 0; i < prof->allow_write.n; i++)
			if (sandbox_path_under(prof->allow_write.items[i], home) &&
			    access(prof->allow_write.items[i], F_OK) != 0)
				path_ensure_private_dir(prof->allow_write.items[i]);
	}
	/* hush's own files, the grants' executables and the human's PATH
	 * directories under $HOME are never writable */
	char p[PATH_MAX];
	push_dir_of(&never, cfgpath);
	if (strv_push(&never, cfgpath) < 0 || strv_push(&never, runtime) < 0)
		die("out of memory");
	for (size_t i = 0; i < cfg->ngrants; i++)
		if (cfg->grants[i].command && strv_push(&never, cfg->grants[i].command) < 0)
			die("out of memory");
	char *pc = die_oom_check(strdup(upath ? upath : ""));
	for (char *save = NULL, *d = strtok_r(pc, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char real[PATH_MAX];
		if (d[0] == '/' && realpath(d, real)) {
			if (sandbox_path_under(real, home) && !strv_has(&never, real))
				strv_push(&never, real);
			if (!strv_has(&keep, real))
				strv_push(&keep, real);
		}
	}
	free(pc);
	for (size_t i = 0; extra_ro && i < extra_ro->n; i++)
		if (!strv_has(&never, extra_ro->v[i]) && strv_push(&never, extra_ro->v[i]) < 0)
			die("out of memory");
	/* what the shell startup files on the list source runs just as they do */
	size_t nlisted = never.n;
	for (size_t i = 0; i < nlisted; i++) {
		struct stat rst;
		if (sandbox_path_under(never.v[i], home) && stat(never.v[i], &rst) == 0 &&
		    S_ISREG(rst.st_mode) && sandbox_rc_sourced(never.v[i], home, &never) < 0)
			die("out of memory");
	}
	/* unprotect: the user's explicit, loud choice */
	for (size_t i = 0; i < cfg->unprotect.n; i++) {
		const char *u = cfg->unprotect.items[i];
		for (size_t j = 0; j < never.n; j++)
			if (!strcmp(never.v[j], u)) {
				free(never.v[j]);
				never.v[j] = never.v[--never.n];
				never.v[never.n] = NULL;
				msg_warn("sandbox: WARNING: %s is writable by the agent (unprotect in "
					 "the config): what it writes there runs or counts later", u);
				break;
			}
	}
	/* what must stay visible under the private areas */
	strv_push(&keep, tmp);
	push_dir_of(&keep, self);
	push_dir_of(&keep, shim);
	strv_push(&keep, cfgpath);
	strv_push(&keep, runtime);
	if (o->allow_display) {
		strv_push(&keep, "/tmp/.X11-unix");
		const char *xa = getenv("XAUTHORITY");
		if (xa && xa[0] == '/')
			strv_push(&keep, xa);
		const char *wd = getenv("WAYLAND_DISPLAY"), *xr = getenv("XDG_RUNTIME_DIR");
		if (wd && xr && xsnprintf(p, sizeof(p), "%s/%s", wd[0] == '/' ? "" : xr, wd) == 0)
			strv_push(&keep, p);
	}
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	enum sandbox_home_mode hm = cfg->home_mode == HOME_MODE_ALLOWLIST ? SANDBOX_HOME_ALLOWLIST
									 : SANDBOX_HOME_VISIBLE;
	if (o->home_mode)
		hm = strcmp(o->home_mode, "allow-list") ? SANDBOX_HOME_VISIBLE : SANDBOX_HOME_ALLOWLIST;
	struct sandbox_inputs in = {
		.home = home, .cwd = cwd, .xdg_runtime = xdg && xdg[0] == '/' ? xdg : NULL,
		.allow_write = &aw, .state_files = &state, .scratch = &scratch,
		.never_write = &never, .keep = &keep, .home_allow = &hallow, .home_mode = hm,
		.masks = m, .route_links = links, .route_dir = "/usr/local/bin",
		.root_mode = (o->root_mode ? !strcmp(o->root_mode, "visible")
					   : cfg->root_mode == HOME_MODE_VISIBLE)
				     ? SANDBOX_ROOT_VISIBLE : SANDBOX_ROOT_ALLOWLIST,
	};
	char why[512] = "";
	int r = sandbox_plan_build(plan, &in, why, sizeof(why));
	strv_free(&aw);
	strv_free(&state);
	strv_free(&scratch);
	strv_free(&never);
	strv_free(&keep);
	strv_free(&hallow);
	if (r == HUSH_EINVAL && why[0]) {
		rm_tree(tmp);
		die_status(2, "start the agent from a project directory", "sandbox: %s", why);
	}
	if (r < 0) {
		rm_tree(tmp);
		die("sandbox: building the mount plan: %s", hush_strerror(r));
	}
}

/* hush sandbox --explain / -v: the plan, one line an operation. */
static void explain_plan(const struct sandbox_plan *plan, const struct sandbox_masks *m)
{
	(void)m;
	fprintf(stderr, "hush: sandbox plan (in the order it is carried out; everything else is "
		"read-only):\n");
	for (size_t i = 0; i < plan->n; i++) {
		const struct sandbox_op *op = &plan->ops[i];
		fprintf(stderr, "  %-14s %s", sandbox_op_name(op->kind), op->path);
		if (op->src && strcmp(op->src, op->path))
			fprintf(stderr, " <- %s", op->src);
		if (op->why)
			fprintf(stderr, "  (%s)", op->why);
		fputc('\n', stderr);
	}
	for (size_t i = 0; i < plan->absent.n; i++)
		fprintf(stderr, "  %-14s %s  (does not exist: looked at again at exit)\n", "watched",
			plan->absent.v[i]);
}

/* After the session: never-writable names that did not exist at start and
 * do now were created by the agent. One line each. */
/* This session's quarantine directory: <data>/quarantine/STAMP-PID SUFFIX. */
static int quarantine_dir(const char *data, const char *suffix, char *out, size_t n)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	return xsnprintf(out, n, "%s/quarantine/%s-%d%s", data, stamp, (int)getpid(), suffix);
}

/* After the session: never-writable names outside the project (a new
 * ~/.claude/settings.json in the agent's state directory) that did not
 * exist at start and do now were made by the agent: moved into the
 * quarantine under hush's data directory (which no sandbox sees), one line
 * each. Only when no directory above is a symlink (a rename must not act
 * outside where it was meant to); otherwise reported for the human. */
static void report_absent(const struct strv *absent, const char *cwd, const char *data)
{
	char q[PATH_MAX] = "";
	for (size_t i = 0; i < absent->n; i++) {
		const char *p = absent->v[i];
		struct stat st;
		if (sandbox_path_under(p, cwd) || lstat(p, &st) != 0)
			continue; /* the project guard handles the project */
		if (!q[0] && quarantine_dir(data, "-home", q, sizeof(q)) < 0)
			q[0] = '\0';
		struct strv moved = { 0 }, skipped = { 0 };
		if (q[0])
			sandbox_quarantine_path(p, q, &moved, &skipped);
		if (moved.n)
			msg_warn("sandbox: moved %s: it was created during the session and is on the "
				 "never-writable list; look at it before anything runs it", moved.v[0]);
		else
			msg_warn("sandbox: %s was created during the session: it is on the "
				 "never-writable list; look at it before anything runs it%s%s", p,
				 skipped.n ? "; not moved: " : "", skipped.n ? skipped.v[0] : "");
		strv_free(&moved);
		strv_free(&skipped);
	}
}

/* --- the project guard: git directories, never-writable names, the index --- */

struct project_guard {
	struct sandbox_git git;
	struct sandbox_protect prot;
	struct sandbox_git_snap snap;
	struct sandbox_git_hide hide;
	struct sandbox_modes modes; /* directories leading to never-writable paths */
	struct strv ro;       /* absolute paths to make read-only */
	bool have_prot, have_snap;
	char cwd[PATH_MAX];      /* the project */
	struct strv absent;   /* the plan's never-writable names missing at start */
	struct sandbox_ignore ign; /* .gitignore files above hidden files */
	char journal[PATH_MAX];  /* the session's journal, or "" */
};

/* Before the session: finds the project's git directories (never running
 * git), what of them and of the never-writable list must be read-only, and
 * which hidden names the index holds. */
static void guard_begin(struct project_guard *g, const struct config *cfg,
			const struct sandbox_profile *prof, const char *cwd, const char *home,
			const struct strv *globs, const struct sandbox_masks *m)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->cwd, sizeof(g->cwd), "%s", cwd);
	int r = sandbox_git_protect(&g->git, cwd, home);
	if (r < 0)
		msg_warn("sandbox: looking for git directories under %s: %s", cwd, hush_strerror(r));
	if (g->git.truncated)
		msg_warn("sandbox: the search for git directories stopped at a bound: some are not "
			 "protected");
	for (size_t i = 0; i < g->git.create_dirs.n; i++)
		if (mkdir(g->git.create_dirs.v[i], 0755) != 0 && errno != EEXIST)
			msg_warn("sandbox: cannot create %s: it stays writable", g->git.create_dirs.v[i]);
	push_strv(&g->ro, &g->git.ro);
	/* the project-relative part of the never-writable list */
	struct strv rel = { 0 };
	const struct config_list *lists[] = { &cfg->never_write, prof ? &prof->never_write : NULL };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
			const char *it = lists[l]->items[i];
			if (it[0] != '/' && !config_list_has(&cfg->unprotect, it) && !strv_has(&rel, it))
				if (strv_push(&rel, it) < 0)
					die("out of memory");
		}
	r = sandbox_protect_begin(&g->prot, cwd, &rel, &g->git);
	strv_free(&rel);
	if (r < 0)
		msg_warn("sandbox: checking the never-writable list under %s: %s", cwd, hush_strerror(r));
	else
		g->have_prot = true;
	push_strv(&g->ro, &g->prot.exist);
	g->hide = (struct sandbox_git_hide){ .globs = globs, .files = &m->files, .dirs = &m->dirs };
	r = sandbox_git_index_snapshot(&g->snap, &g->git, &g->hide, NULL);
	if (r < 0)
		msg_warn("sandbox: reading the git index: %s: hidden files added to it during the "
			 "session will not be removed", hush_strerror(r));
	else
		g->have_snap = true;
	if (sandbox_ignore_begin(&g->ign, m, g->cwd) < 0)
		die("out of memory");
}

/* Before the agent starts: what guard_end needs goes into a journal under
 * hush's data directory (masked inside), for the next hush sandbox to find
 * should this process be killed before its end. */
static void guard_save(struct project_guard *g, const char *data)
{
	static const struct sandbox_protect none;
	struct sandbox_journal j = { 0 };
	char dir[PATH_MAX];
	sandbox_journal_put(&j, "g.cwd", "%s", g->cwd);
	sandbox_journal_put_strv(&j, "g.absent", &g->absent);
	sandbox_protect_save(g->have_prot ? &g->prot : &none, &g->modes, &j);
	if (g->have_snap)
		sandbox_git_snap_save(&g->snap, &g->hide, &j);
	if (xsnprintf(dir, sizeof(dir), "%s/sessions", data) < 0 ||
	    sandbox_journal_write(&j, dir, g->journal, sizeof(g->journal)) < 0) {
		g->journal[0] = '\0';
		msg_warn("sandbox: cannot write the session's journal in %s/sessions: should hush "
			 "be killed, the end-of-session sweep would not run", data);
	}
	sandbox_journal_free(&j);
}

/* Once the plan is made: the modes of the directories that lead to what it
 * keeps read-only, for the end of the session. One of them (or a git
 * directory) that the user owns and cannot search means an earlier session
 * may have hidden what is inside from this one's search: refuse. Then,
 * unless only the plan is shown, the journal. */
static void guard_plan_or_die(struct project_guard *g, const struct sandbox_plan *plan,
			      const char *tmp, const char *data, bool explain)
{
	if (sandbox_modes_record(&g->modes, plan) < 0)
		die("out of memory");
	push_strv(&g->absent, &plan->absent);
	const char *shut = g->git.shut ? g->git.shut : g->modes.shut;
	if (shut) {
		rm_tree(tmp);
		die_status(1, "an earlier session may have changed its mode: make it searchable "
			   "(chmod u+rx on it) and look at what is inside",
			   "sandbox: cannot search %s for paths to keep read-only (permission denied)",
			   shut);
	}
	if (!explain)
		guard_save(g, data);
}

/* A journal read back into a zeroed guard. 0 or HUSH_E*. */
static int guard_load(struct project_guard *g, const char *buf, size_t len)
{
	size_t off = 0;
	const char *tag, *val;
	int r;
	while ((r = sandbox_journal_next(buf, len, &off, &tag, &val)) == 1) {
		int t = 0;
		if (!strcmp(tag, "g.cwd"))
			t = xsnprintf(g->cwd, sizeof(g->cwd), "%s", val) == 0 ? 1 : HUSH_ETOOBIG;
		else if (!strcmp(tag, "g.absent"))
			t = strv_push(&g->absent, val) == 0 ? 1 : HUSH_ENOMEM;
		else if ((t = sandbox_protect_load(&g->prot, &g->modes, tag, val)) == 0)
			t = sandbox_git_snap_load(&g->snap, tag, val);
		if (t <= 0)
			return t < 0 ? t : HUSH_EFORMAT;
	}
	g->have_prot = g->prot.project != NULL;
	g->have_snap = true;
	g->hide = sandbox_git_snap_hide(&g->snap);
	return r < 0 ? r : g->cwd[0] == '/' ? 0 : HUSH_EFORMAT;
}

/* After the session: one line for each thing undone or to look at. Modes
 * first (a chmod 0555 on .git would make the rest fail), then what the
 * agent created on the never-writable list (a new .git/commondir must be
 * gone before git runs for the index), then the index. */
static void guard_end(struct project_guard *g, const char *data)
{
	struct strv removed = { 0 }, commits = { 0 }, moved = { 0 }, skipped = { 0 };
	struct strv fixed = { 0 };
	char err[512] = "";
	if (sandbox_modes_repair(&g->modes, &fixed) < 0)
		msg_warn("sandbox: setting back the modes the session changed did not finish");
	for (size_t i = 0; i < fixed.n; i++)
		msg_warn("sandbox: set the mode of %s: the session had changed it", fixed.v[i]);
	strv_free(&fixed);
	if (g->have_prot) {
		char q[PATH_MAX];
		if (quarantine_dir(data, "", q, sizeof(q)) == 0 &&
		    sandbox_protect_sweep(&g->prot, NULL, q, &moved, &skipped) < 0)
			msg_warn("sandbox: moving aside what the agent created on the never-writable "
				 "list did not finish");
		for (size_t i = 0; i < moved.n; i++)
			msg_warn("sandbox: moved %s: it was created or changed during the session and is "
				 "on the never-writable list; look at it before anything runs it",
				 moved.v[i]);
		for (size_t i = 0; i < skipped.n; i++)
			msg_warn("sandbox: not moved: %s: it changed during the session and is on the "
				 "never-writable list, but what is behind a symbolic link may be "
				 "anyone's file; look at it before anything runs it", skipped.v[i]);
	}
	if (g->have_snap && sandbox_git_index_sweep(&g->snap, &g->hide, &removed, &commits, &fixed,
						    err, sizeof(err)) < 0)
		msg_warn("sandbox: cleaning the git index: %s", err);
	if (sandbox_ignore_end(&g->ign, &fixed) < 0)
		msg_warn("sandbox: checking the .gitignore files did not finish");
	for (size_t i = 0; i < fixed.n; i++)
		msg_warn("sandbox: %s", fixed.v[i]);
	for (size_t i = 0; i < removed.n; i++)
		msg_warn("sandbox: removed %s from the git index: it was hidden in the session and "
			 "not tracked before", removed.v[i]);
	for (size_t i = 0; i < commits.n; i++)
		msg_warn("sandbox: commits were made in %s during the session while a hidden file was "
			 "in its index: look at them (git log) before you push", commits.v[i]);
	strv_free(&removed);
	strv_free(&commits);
	strv_free(&moved);
	strv_free(&skipped);
	strv_free(&fixed);
	report_absent(&g->absent, g->cwd, data);
	if (g->journal[0])
		unlink(g->journal);
}

static void guard_free(struct project_guard *g)
{
	sandbox_git_free(&g->git);
	sandbox_protect_free(&g->prot);
	sandbox_git_snap_free(&g->snap);
	sandbox_modes_free(&g->modes);
	sandbox_ignore_free(&g->ign);
	strv_free(&g->ro);
	strv_free(&g->absent);
}

/* Sessions whose hush sandbox was killed before their end left their
 * journal: the first hush sandbox after that runs their sweep. */
static void sweep_orphans(const char *data)
{
	char dir[PATH_MAX];
	struct strv found = { 0 };
	if (xsnprintf(dir, sizeof(dir), "%s/sessions", data) < 0 ||
	    sandbox_journal_orphans(dir, &found) < 0)
		msg_warn("sandbox: looking for sessions that ended without their sweep in %s failed",
			 dir);
	for (size_t i = 0; i < found.n; i++) {
		struct project_guard g;
		memset(&g, 0, sizeof(g));
		char *buf = NULL;
		size_t len = 0;
		int r = file_read_all(found.v[i], SANDBOX_JOURNAL_MAX, false, &buf, &len);
		if (r == 0)
			r = guard_load(&g, buf, len);
		free(buf);
		if (r < 0) {
			msg_warn("sandbox: the journal %s of a session that ended without its sweep "
				 "cannot be read (%s): removed, its sweep did not run", found.v[i],
				 hush_strerror(r));
			unlink(found.v[i]);
		} else {
			msg_warn("sandbox: a session in %s ended without its end-of-session sweep "
				 "(killed?): running it now", g.cwd);
			snprintf(g.journal, sizeof(g.journal), "%s", found.v[i]);
			guard_end(&g, data);
		}
		guard_free(&g);
	}
	strv_free(&found);
}

/* With no config file at start, an agent could write one that the next
 * broker would load (its own grants, confirm = none). An empty file made
 * now is bound read-only inside like an existing one. */
static void ensure_config_file(const char *cfgpath)
{
	if (access(cfgpath, F_OK) == 0 || errno != ENOENT)
		return;
	char dir[PATH_MAX];
	if (xsnprintf(dir, sizeof(dir), "%s", cfgpath) < 0)
		return;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	static const char text[] = "# hush configuration: see docs/config.md\n";
	if (path_ensure_private_dir(dir) < 0 ||
	    file_write_atomic(cfgpath, text, sizeof(text) - 1, 0600, NULL) < 0)
		msg_warn("sandbox: cannot create %s: an agent could create it", cfgpath);
}

/* A host pattern for --allow-host: host or host:port, globs allowed. */
static bool host_pattern_valid(const char *t)
{
	return *t && strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       ".-_*?[]:") == strlen(t);
}

/* Adds each item of a comma-separated list; valid() checks each (opt and
 * what name the option and what an item must be in the error). */
static void add_csv(struct strv *to, const char *csv, const char *opt, bool (*valid)(const char *),
		    const char *what)
{
	char *copy = die_oom_check(strdup(csv));
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t l = strlen(t);
		while (l && t[l - 1] == ' ')
			t[--l] = '\0';
		if (!valid(t))
			die_usage("sandbox", "%s: '%s' is not %s", opt, t, what);
		if (strv_push(to, t) < 0)
			die("out of memory");
	}
	free(copy);
}

int cmd_sandbox(int argc, char **argv)
{
	struct opts o = { 0 };
	static const struct option lo[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "allow-env", required_argument, NULL, 'e' },
		{ "allow-socket", required_argument, NULL, 'A' },
		{ "no-shim", no_argument, NULL, 'S' },
		{ "no-userns", no_argument, NULL, 'U' },
		{ "no-landlock", no_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "partial-masks", no_argument, NULL, 'P' },
		{ "explain", no_argument, NULL, 'X' },
		{ "allow-display", no_argument, NULL, 'D' },
		{ "no-proxy", no_argument, NULL, 'N' },
		{ "network", required_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'R' },
		{ "allow-host", required_argument, NULL, 'O' },
		{ "home", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hv", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o.profile = optarg; break;
		case 'e': add_csv(&o.allow_exact, optarg, "--allow-env", env_name_valid, "a variable name"); break;
		case 'A':
			if (optarg[0] != '/')
				die_usage("sandbox", "--allow-socket: '%s' is not an absolute path", optarg);
			if (strv_push(&o.allow_socket, optarg) < 0)
				die("out of memory");
			break;
		case 'S': o.no_shim = true; break;
		case 'U': o.no_userns = true; break;
		case 'L': o.no_landlock = true; break;
		case 'v': o.verbose = true; break;
		case 'P': o.partial_masks = true; break;
		case 'X': o.explain = true; break;
		case 'D': o.allow_display = true; break;
		case 'N': o.no_proxy = true; break;
		case 'n':
			if (strcmp(optarg, "open") && strcmp(optarg, "proxy-only"))
				die_usage("sandbox", "--network: expected open or proxy-only");
			o.network = optarg;
			break;
		case 'R':
			if (strcmp(optarg, "visible") && strcmp(optarg, "allow-list"))
				die_usage("sandbox", "--root: expected allow-list or visible");
			o.root_mode = optarg;
			break;
		case 'O': add_csv(&o.allow_host, optarg, "--allow-host", host_pattern_valid, "a host[:port]"); break;
		case 'H':
			if (strcmp(optarg, "visible") && strcmp(optarg, "allow-list"))
				die_usage("sandbox", "--home: expected visible or allow-list");
			o.home_mode = optarg;
			break;
		case 'h': sandbox_usage(stdout); return 0;
		default: die_usage("sandbox", "unknown option");
		}
	}
	if (optind >= argc)
		die_usage("sandbox", "no agent command given");
	char **agent = &argv[optind];
	const char *inside = getenv("HUSH_SANDBOX");
	if (inside && !strcmp(inside, "1"))
		die_status(1, "run hush sandbox from a terminal outside the sandbox",
			   "sandbox: already inside a hush sandbox (HUSH_SANDBOX=1)");

	struct config cfg;
	char cerr[512];
	int r = config_load_default(&cfg, cerr, sizeof(cerr));
	if (r < 0)
		die_status(2, "fix the file, or check it with: hush config check",
			   "config: %s", r == HUSH_ECONFIG ? cerr : hush_strerror(r));
	const struct sandbox_profile *prof = NULL;
	if (o.profile && !(prof = config_profile(&cfg, o.profile)))
		die_status(2, "built-in profiles: claude, opencode, codex, aider, gemini; others are "
			   "[profile NAME] sections of the config",
			   "sandbox: no profile named '%s'", o.profile);
	if (!o.profile)
		prof = config_profile_for_command(&cfg, agent[0]);
	if (cfg.allow_display)
		o.allow_display = true;

	char self[PATH_MAX], home[PATH_MAX], data[PATH_MAX], runtime[PATH_MAX];
	char cfgpath[PATH_MAX], cwd[PATH_MAX], vault[PATH_MAX];
	if (cli_self_path(self, sizeof(self)) < 0)
		die("sandbox: cannot find the hush executable: %s", strerror(errno));
	if (path_home(home, sizeof(home)) < 0 || path_data(data, sizeof(data)) < 0 ||
	    path_runtime(runtime, sizeof(runtime)) < 0 || path_config(cfgpath, sizeof(cfgpath)) < 0 ||
	    path_vault(vault, sizeof(vault)) < 0)
		die_status(2, "set HOME, or HUSH_HOME and HUSH_RUNTIME_DIR",
			   "sandbox: cannot work out hush's paths");
	if (!getcwd(cwd, sizeof(cwd)))
		die("sandbox: working directory: %s", strerror(errno));

	/* which kernel layers */
	bool userns = false;
	if (o.no_userns) {
		msg_warn("sandbox: user namespaces OFF (--no-userns): no file masks, no pid "
			 "namespace; Landlock alone decides what the agent can read");
	} else {
		/* tried for real when the agent starts; see the fallback below */
		userns = true;
	}
	const char *llwhy = NULL;
	int abi = o.no_landlock ? 0 : sandbox_landlock_abi(&llwhy);
	if (o.no_landlock)
		msg_warn("sandbox: Landlock OFF (--no-landlock): the broker and granted "
			 "commands are not shielded from ptrace and /proc by Landlock");
	else if (abi <= 0)
		msg_warn("sandbox: Landlock unavailable (%s)", llwhy ? llwhy : "unknown");
	if (abi < 0)
		abi = 0;
	if (o.no_shim)
		msg_warn("sandbox: shim OFF (--no-shim): names created after start are "
			 "not hidden and granted commands are only routed via PATH links");

	/* the broker runs outside the sandbox, started before any namespace:
	 * for the grants and for the credential proxy */
	bool want_proxy = !o.no_proxy && cfg.creds && cfg.creds->n > 0;
	struct vault_info vinfo;
	const char *apass = getenv("HUSH_ASKPASS");
	/* for the proxy alone only a broker that can open the vault without a
	 * terminal helps: a keyring key, or an askpass program */
	bool unlockable = vault_probe(vault, &vinfo) == 0 &&
			  (vinfo.source == VAULT_KEY_KEYRING || cfg.askpass || (apass && *apass));
	if (!o.network && cfg.network_proxy_only)
		o.network = "proxy-only";
	for (size_t i = 0; i < cfg.allow_hosts.n; i++)
		if (strv_push_unique(&o.allow_host, cfg.allow_hosts.items[i]) < 0)
			die("out of memory");
	bool proxy_only = o.network && !strcmp(o.network, "proxy-only");
	if (proxy_only && o.no_proxy)
		die_usage("sandbox", "--network proxy-only needs the proxy: drop --no-proxy");
	if ((cfg.ngrants > 0 && access(vault, F_OK) == 0) || (want_proxy && unlockable) || proxy_only) {
		r = client_ensure_broker(&cfg);
		if (r < 0) {
			msg_warn("sandbox: the broker is not running (%s): granted commands "
				 "will fail and API keys in the vault are not given to the agent",
				 hush_strerror(r));
			msg_hint("start it with: hush broker");
		}
	}

	/* the private temporary directory */
	const char *tmpbase = tmp_base();
	char tmp[PATH_MAX];
	if (xsnprintf(tmp, sizeof(tmp), "%s/hush-sandbox.XXXXXX", tmpbase) < 0 || !mkdtemp(tmp))
		die("sandbox: temporary directory in %s: %s", tmpbase, strerror(errno));
	char bindir[PATH_MAX + 8], rules[PATH_MAX + 16], empty[PATH_MAX + 8];
	snprintf(bindir, sizeof(bindir), "%s/bin", tmp);
	snprintf(rules, sizeof(rules), "%s/shim.conf", tmp);
	snprintf(empty, sizeof(empty), "%s/empty", tmp);
	if (mkdir(bindir, 0700) != 0 || write_text(empty, "", 0444) < 0) {
		int e = errno;
		rm_tree(tmp);
		die("sandbox: preparing %s: %s", tmp, strerror(e));
	}
	char lerr[512] = "";
	if (shims_create(&cfg, bindir, self, lerr, sizeof(lerr)) < 0) {
		rm_tree(tmp);
		die("sandbox: creating command links in %s: %s", bindir, lerr);
	}

	/* an earlier session killed before its end: its sweep first (it may
	 * set back modes this session's search would stop at) */
	if (!o.explain)
		sweep_orphans(data);

	/* what to hide */
	struct strv globs = { 0 };
	list_add(&globs, &cfg.hide);
	if (prof)
		list_add(&globs, &prof->hide);
	struct sandbox_masks m = { 0 };
	char p[PATH_MAX];
	struct strv named = { 0 };
	for (size_t i = 0; i < cfg.hide_dirs.n; i++) {
		if (path_expand_home(cfg.hide_dirs.items[i], p, sizeof(p)) != 0)
			continue;
		/* an agent's own login, inside its profile's state directory,
		 * stays visible to that agent (hidden from the others) */
		bool own = false;
		for (size_t j = 0; prof && j < prof->allow_write.n && !own; j++)
			own = sandbox_path_under(p, prof->allow_write.items[j]) &&
			      strcmp(p, prof->allow_write.items[j]) != 0;
		if (!own)
			strv_push(&named, p);
	}
	for (size_t i = 0; prof && i < prof->hide_dirs.n; i++)
		if (path_expand_home(prof->hide_dirs.items[i], p, sizeof(p)) == 0)
			strv_push(&named, p);
	/* hush's own private directories are made now if missing, so that a
	 * vault or a broker token created while the agent runs lands under a
	 * mask too */
	if (path_ensure_private_dir(data) < 0)
		msg_warn("sandbox: cannot create %s: a vault created later would not be masked", data);
	strv_push(&named, data);
	if (xsnprintf(p, sizeof(p), "%s/control", runtime) == 0) {
		if (path_ensure_private_dir(runtime) < 0 || path_ensure_private_dir(p) < 0)
			msg_warn("sandbox: cannot create %s: a broker started later would expose "
				 "its control token", p);
		strv_push(&named, p);
	}
	if (xsnprintf(p, sizeof(p), "%s/.local/share/keyrings", home) == 0)
		strv_push(&named, p);
	dbus_paths(&named);
	if (!o.allow_display) {
		/* the display's cookies: with them, any X client can type into
		 * and read every window (hush's own approval dialog included) */
		static const char *const xauth[] = { "~/.Xauthority", "~/.ICEauthority" };
		for (size_t i = 0; i < ARRAY_LEN(xauth); i++)
			if (path_expand_home(xauth[i], p, sizeof(p)) == 0)
				strv_push(&named, p);
		const char *xa = getenv("XAUTHORITY");
		if (xa && xa[0] == '/')
			strv_push(&named, xa);
	} else {
		static const char *const dvars[] = { "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY" };
		for (size_t i = 0; i < ARRAY_LEN(dvars); i++)
			if (getenv(dvars[i]))
				strv_push(&o.allow_exact, dvars[i]);
	}
	for (size_t i = 0; i < named.n; i++) {
		/* most of the catalogue is missing on a given machine: one stat
		 * then, instead of a realpath (a readlink a component) */
		struct stat st;
		if (named.v[i][0] != '/' || stat(named.v[i], &st) != 0)
			continue;
		char real[PATH_MAX];
		if (realpath(named.v[i], real) && path_under(cwd, real)) {
			rm_tree(tmp);
			die_status(2, "start the agent from a project directory",
				   "sandbox: the working directory %s is inside hidden %s",
				   cwd, named.v[i]);
		}
		if (sandbox_masks_add(&m, named.v[i]) == HUSH_ETOOBIG)
			break;
	}
	r = sandbox_hide_scan(&m, cwd, &globs, SANDBOX_WALK_MAX_DEPTH);
	if (r == 0 && strcmp(cwd, home) != 0)
		r = sandbox_hide_scan(&m, home, &globs, 1);
	if (r < 0 && r != HUSH_ETOOBIG) {
		rm_tree(tmp);
		die("sandbox: looking for files to hide under %s: %s", cwd, hush_strerror(r));
	}
	if (m.unreadable && !o.partial_masks) {
		rm_tree(tmp);
		die_status(1, "make it searchable (chmod u+rx on it) and look at what is inside, or "
			   "pass --partial-masks to rely on the shim for it",
			   "sandbox: cannot search %s for files to hide (permission denied)", m.unreadable);
	}
	if (m.truncated && !o.partial_masks) {
		rm_tree(tmp);
		die_status(1, "start the agent from the project directory itself, or pass "
			   "--partial-masks to rely on the shim for what was not searched",
			   "sandbox: the search for files to hide stopped at a limit (%zu entries "
			   "looked at, %zu masks, depth %d)", m.walked, m.files.n + m.dirs.n,
			   SANDBOX_WALK_MAX_DEPTH);
	}
	if (m.truncated)
		msg_warn("sandbox: the search for files to hide stopped at a limit (%zu entries "
			 "looked at, %zu masks); the rest relies on the shim",
			 m.walked, m.files.n + m.dirs.n);

	/* the shim's rules */
	char shim[PATH_MAX] = "";
	bool use_shim = !o.no_shim;
	if (use_shim && cli_find_shim(self, shim, sizeof(shim)) < 0) {
		msg_warn("sandbox: libhush.so not found next to %s: running without the shim", self);
		use_shim = false;
	}
	char *text = NULL;
	size_t tlen = 0;
	str_appendf(&text, &tlen, "# hush sandbox rules for this run\n");
	for (size_t i = 0; i < globs.n; i++)
		str_appendf(&text, &tlen, globs.v[i][0] == '!' ? "%s\n" : "hide %s\n", globs.v[i]);
	for (size_t i = 0; i < m.dirs.n; i++)
		str_appendf(&text, &tlen, "hide_path %s\n", m.dirs.v[i]);
	/* masked files whose names no glob matches (hard links, symlink
	 * targets) */
	for (size_t i = 0; i < m.files.n; i++) {
		const char *b = strrchr(m.files.v[i], '/');
		if (b && !sandbox_hide_match(&globs, b + 1))
			str_appendf(&text, &tlen, "hide_path %s\n", m.files.v[i]);
	}
	for (size_t i = 0; i < named.n; i++)
		if (!strv_has(&m.dirs, named.v[i]))
			str_appendf(&text, &tlen, "hide_path %s\n", named.v[i]);
	for (size_t i = 0; i < cfg.ngrants; i++) {
		const char *cmd = cfg.grants[i].command;
		if (!cmd)
			continue;
		const char *base = strrchr(cmd, '/');
		str_appendf(&text, &tlen, "route %s\n", cmd);
		if (base && base[1])
			str_appendf(&text, &tlen, "route %s\n", base + 1);
	}
	str_appendf(&text, &tlen, "hush %s\n", self);
	if (write_text(rules, text, 0444) < 0) {
		rm_tree(tmp);
		die("sandbox: writing %s: %s", rules, strerror(errno));
	}
	free(text);

	/* the environment */
	struct strv allow = { 0 }, drop = { 0 }, env = { 0 };
	list_add(&allow, &cfg.allow_env);
	if (prof)
		list_add(&allow, &prof->allow_env);
	static const char *const dropped[] = {
		"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "HUSH_SHIM_CONFIG",
		"HUSH_SANDBOX", "HUSH_RUNTIME_DIR", "PATH",
	};
	for (size_t i = 0; i < ARRAY_LEN(dropped); i++)
		strv_push(&drop, dropped[i]);
#if defined(__SANITIZE_ADDRESS__)
	/* a sanitizer build (make sanitize) of hush runs inside too, with the
	 * shim preloaded: it needs its runtime options */
	strv_push(&o.allow_exact, "ASAN_OPTIONS");
	strv_push(&o.allow_exact, "UBSAN_OPTIONS");
#endif
	extern char **environ;
	if (sandbox_env_filter(environ, &allow, &o.allow_exact, &drop, &env) < 0)
		die("out of memory");
	const char *upath = getenv("PATH");
	char *newpath = NULL;
	size_t plen = 0;
	str_appendf(&newpath, &plen, "%s:%s", bindir, upath && *upath ? upath : "/usr/local/bin:/usr/bin:/bin");
	sandbox_env_set(&env, "PATH", newpath);
	free(newpath);
	sandbox_env_set(&env, "HUSH_RUNTIME_DIR", runtime);
	sandbox_env_set(&env, "HUSH_SANDBOX", "1");
	if (use_shim) {
		sandbox_env_set(&env, "LD_PRELOAD", shim);
		sandbox_env_set(&env, "HUSH_SHIM_CONFIG", rules);
	}

	/* the mount plan (namespace mode) */
	ensure_config_file(cfgpath);
	struct sandbox_plan plan = { 0 };
	struct project_guard guard;
	guard_begin(&guard, &cfg, prof, cwd, home, &globs, &m);
	build_plan(&plan, &cfg, prof, &o, home, cwd, runtime, cfgpath, tmp, self, shim, upath, &m,
		   bindir, &guard.ro);
	guard_plan_or_die(&guard, &plan, tmp, data, o.explain);
	if (o.explain) {
		explain_plan(&plan, &m);
		guard_free(&guard);
		sandbox_plan_free(&plan);
		rm_tree(tmp);
		return 0;
	}
	if (o.verbose)
		explain_plan(&plan, &m);

	/* Landlock allow-list, for when there are no masks */
	struct strv hidden = { 0 }, rw = { 0 };
	char realhome[PATH_MAX];
	if (!realpath(home, realhome))
		snprintf(realhome, sizeof(realhome), "%s", home);
	struct strv rx = { 0 };
	struct sandbox_ll_paths llp = { .hidden = &hidden, .rw_dirs = &rw, .ro_dirs = &rx,
					.home = realhome };
	if (abi > 0) {
		/* where programs live: the user's PATH, hush and the shim */
		char *pc = die_oom_check(strdup(upath ? upath : ""));
		for (char *save = NULL, *d = strtok_r(pc, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char real[PATH_MAX];
			if (d[0] == '/' && realpath(d, real) && !strv_has(&rx, real))
				strv_push(&rx, real);
		}
		free(pc);
		const char *own[] = { self, shim };
		for (size_t i = 0; i < ARRAY_LEN(own); i++) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof(dir), "%s", own[i]);
			char *sl = strrchr(dir, '/');
			if (sl && sl != dir) {
				*sl = '\0';
				strv_push(&rx, dir);
			}
		}
		for (size_t i = 0; i < m.files.n; i++)
			strv_push(&hidden, m.files.v[i]);
		for (size_t i = 0; i < m.dirs.n; i++)
			strv_push(&hidden, m.dirs.v[i]);
		strv_push(&rw, cwd);
		for (size_t i = 0; i < cfg.allow_write.n; i++)
			if (path_expand_home(cfg.allow_write.items[i], p, sizeof(p)) == 0)
				strv_push(&rw, p);
		for (size_t i = 0; prof && i < prof->allow_write.n; i++)
			if (path_expand_home(prof->allow_write.items[i], p, sizeof(p)) == 0)
				strv_push(&rw, p);
	}

	/* unix sockets outside the sandbox the agent may reach: hush's client
	 * socket and the allow_socket entries */
	char csock[PATH_MAX] = "";
	struct strv *asock = &o.allow_socket;
	list_add(asock, &cfg.allow_socket);
	if (prof)
		list_add(asock, &prof->allow_socket);
	if (o.allow_display) {
		/* the display's sockets: X11 by its number, Wayland by name */
		const char *d = getenv("DISPLAY"), *wd = getenv("WAYLAND_DISPLAY");
		const char *xr = getenv("XDG_RUNTIME_DIR");
		char sp[PATH_MAX];
		if (d && d[0] == ':' && xsnprintf(sp, sizeof(sp), "/tmp/.X11-unix/X%.*s",
						  (int)strspn(d + 1, "0123456789"), d + 1) == 0)
			strv_push(asock, sp);
		if (wd && (wd[0] == '/' || xr) &&
		    xsnprintf(sp, sizeof(sp), "%s%s%s", wd[0] == '/' ? "" : xr, wd[0] == '/' ? "" : "/",
			      wd) == 0)
			strv_push(asock, sp);
	}
	for (size_t i = 0; o.verbose && i < asock->n; i++)
		fprintf(stderr, "hush: sandbox: unix socket allowed: %s\n", asock->v[i]);
	struct sandbox_sock_policy sockets = {
		.client_sock = cli_client_socket(csock, sizeof(csock)) == 0 ? csock : NULL,
		.allow = asock,
	};

	char *hosts = NULL;
	size_t hlen = 0;
	for (size_t i = 0; i < o.allow_host.n; i++)
		str_appendf(&hosts, &hlen, "%s%s", i ? "," : "", o.allow_host.v[i]);
	char psock[PATH_MAX] = "";
	if (proxy_only && xsnprintf(psock, sizeof(psock), "%s/proxy.sock", runtime))
		die("sandbox: runtime directory path too long");
	struct session_hook hook = { .no_proxy = o.no_proxy, .dir = tmp, .passed = &o.allow_exact,
				     .proxy_only = proxy_only, .allow_hosts = hosts };
	for (size_t i = 0; i < env.n; i++)
		hook.display |= !strncmp(env.v[i], "DISPLAY=", 8) ||
				!strncmp(env.v[i], "WAYLAND_DISPLAY=", 16);
	struct sandbox_spec spec = {
		.argv = agent,
		.envp = env.v,
		.cwd = cwd,
		.empty_file = empty,
		.masks = &m,
		.plan = &plan,
		.userns = userns,
		.landlock_abi = abi,
		.ll_paths = NULL,
		.share_display = o.allow_display,
		.net_proxy_socket = proxy_only ? psock : NULL,
		.sockets = &sockets,
		.on_start = session_start,
		.on_end = session_end,
		.hook_arg = &hook,
	};
	int status = 1;
	char err[512];
	fflush(NULL);
	r = userns ? sandbox_run(&spec, &status, err, sizeof(err)) : HUSH_EPERM;
	if (r == HUSH_EPERM && proxy_only) {
		rm_tree(tmp);
		die_status(1, "run hush doctor; or use --network open",
			   "sandbox: network = proxy-only needs user namespaces (%s)",
			   userns ? err : "unavailable");
	}
	if (r == HUSH_EPERM) {
		/* no user namespace: Landlock rules alone, if there is Landlock */
		if (userns) {
			msg_warn("sandbox: user namespaces unavailable (%s): falling back to "
				 "Landlock rules", err);
			msg_hint("hush doctor explains what is missing");
		}
		if (abi == 0 && !(o.no_userns && o.no_landlock)) {
			rm_tree(tmp);
			unlink(guard.journal); /* nothing ran */
			die_status(1, "run hush doctor; enable unprivileged user namespaces or Landlock",
				   "sandbox: no kernel layer is available: refusing to start an "
				   "agent with nothing but the shim between it and your secrets");
		}
		if (abi == 0)
			msg_warn("sandbox: NO kernel layer: only the environment and the shim "
				 "stand in the way, which a determined agent gets around");
		else
			msg_warn("sandbox: without namespaces, Landlock cannot hide the D-Bus "
				 "session bus or unix sockets, files created later in a directory "
				 "holding a hidden file cannot be read back, and hidden files and "
				 "the hush config can still be overwritten or replaced");
		if (abi > 0 && abi < 6)
			msg_warn("sandbox: Landlock ABI %d does not scope signals or abstract "
				 "unix sockets (ABI 6, Linux 6.12): without namespaces the agent "
				 "can signal your other processes and reach their abstract sockets",
				 abi);
		spec.userns = false;
		spec.ll_paths = abi > 0 ? &llp : NULL;
		spec.sockets = NULL;
		r = sandbox_run(&spec, &status, err, sizeof(err));
	}
	rm_tree(tmp);
	if (r < 0) {
		msg_error("sandbox: %s", err);
		if (r == HUSH_ENOENT)
			status = 127;
		else {
			msg_hint("hush doctor shows which layers work here");
			status = 1;
		}
	}
	strv_free(&globs);
	strv_free(&named);
	strv_free(&allow);
	strv_free(&drop);
	strv_free(&env);
	guard_end(&guard, data);
	guard_free(&guard);
	sandbox_plan_free(&plan);
	strv_free(&hidden);
	strv_free(&rw);
	strv_free(&rx);
	strv_free(&o.allow_exact);
	strv_free(&o.allow_socket);
	strv_free(&o.allow_host);
	free(hosts);
	sandbox_masks_free(&m);
	config_free(&cfg);
	return status;
}
