/* SPDX-License-Identifier: ISC */
/* hush doctor's findings: see doctor.h. */
#include "broker/doctor.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker/client.h"
#include "broker/confirm.h"
#include "broker/grant.h"
#include "common/proc.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "sandbox/sandbox.h"
#include "vault/vault.h"

struct run {
	doctor_report_fn fn;
	void *ctx;
};

static void say(const struct run *r, bool good, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void say(const struct run *r, bool good, const char *what, const char *fmt, ...)
{
	struct doctor_check c = { .what = what, .good = good };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c.why, sizeof(c.why), fmt, ap);
	va_end(ap);
	r->fn(r->ctx, &c);
}

/* The shim loads into /bin/true: the dynamic loader says nothing. */
static bool shim_loads(const char *shim)
{
	char pre[PATH_MAX + 16], out[1024];
	char *argv[] = { "/bin/true", NULL };
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", shim);
	struct proc_capture pc = { .path = argv[0], .argv = argv, .env = pre, .quiet = true,
				   .with_stderr = true, .tee_fd = -1, .timeout_ms = 10000,
				   .out = out, .cap = sizeof(out) - 1 };
	int st = proc_capture(&pc);
	out[pc.len] = 0;
	return st == 0 && !strstr(out, "ld.so");
}

static bool reachable(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (xsnprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path))
		return false;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The broker and its credential proxy. */
static void check_broker(const struct run *r)
{
	char sock[PATH_MAX] = "";
	bool up = client_socket_path(false, sock, sizeof(sock)) == 0 && reachable(sock);
	say(r, up, "broker", up ? "answers on %s" : "not running (%s not reachable); "
	    "hush sandbox and hush run start it", sock);
	struct proto_control ctl = { .id = 0 };
	struct proto_status st = { 0 };
	uint8_t rt, *body = NULL;
	size_t blen;
	if (up && client_control(MSG_STATUS, &ctl, &rt, &body, &blen) == 0 &&
	    (rt != MSG_STATUS_REPLY || proto_dec_status(body, blen, &st)))
		st.proxy_port = 0;
	free(body);
	if (st.proxy_port)
		say(r, true, "credential proxy", "127.0.0.1:%u: sandboxed agents hold placeholders "
		    "for the credentials in the vault", st.proxy_port);
	else
		say(r, false, "credential proxy", "not running: it starts with a sandbox when a "
		    "credential's secret is in the vault (hush set ANTHROPIC_API_KEY); a key "
		    "passed with --allow-env is readable by the agent");
}

/* The unix socket allow-list, probed for real (a child under the filter,
 * supervised by us). */
static bool check_sockets(const struct run *r, const struct config *cfg)
{
	char why[256];
	if (sandbox_sockets_probe(why, sizeof(why)) != 0) {
		say(r, false, "unix sockets", "%s: under hush sandbox every connect() fails "
		    "or the sandbox does not start", why);
		return false;
	}
	char *given = NULL;
	size_t glen = 0;
	for (size_t i = 0; i < cfg->allow_socket.n; i++)
		str_appendf(&given, &glen, "%s%s", i ? ", " : "", cfg->allow_socket.v[i]);
	say(r, true, "unix sockets", "seccomp user notification + pidfd_getfd: connect() only to "
	    "servers inside the sandbox and hush's client socket%s%s%s",
	    given ? "; allow_socket gives the agent whatever these servers do outside: " : "",
	    given ? given : "", given ? "" : " (no allow_socket entries)");
	free(given);
	return true;
}

/* How a human approves a granted command. */
static void check_confirm(const struct run *r, const struct config *cfg)
{
	const char *env = getenv("HUSH_CONFIRM");
	char gui[PATH_MAX];
	const char *kind = NULL;
	const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	bool display = (x && *x) || (wl && *wl);
	if (env && *env)
		say(r, access(env, X_OK) == 0, "confirmation", "HUSH_CONFIRM=%s%s", env,
		    access(env, X_OK) == 0 ? "" : " (not executable)");
	else if (cfg->confirm == CONFIRM_UI_COMMAND)
		say(r, cfg->confirm_command && access(cfg->confirm_command, X_OK) == 0,
		    "confirmation", "command %s", cfg->confirm_command ? cfg->confirm_command : "(none)");
	else if (cfg->confirm == CONFIRM_UI_TERMINAL)
		say(r, true, "confirmation", "terminal: approve with hush pending / hush approve");
	else if (cfg->confirm == CONFIRM_UI_NONE)
		say(r, false, "confirmation", "confirm = none: granted commands run without asking");
	else if (!display)
		say(r, false, "confirmation", "desktop: no DISPLAY or WAYLAND_DISPLAY");
	else if (confirm_find_desktop(gui, sizeof(gui), &kind) == 0)
		say(r, true, "confirmation", "desktop: display present, %s (%s)", kind, gui);
	else
		say(r, false, "confirmation", "desktop: display present, no zenity, kdialog or ssh-askpass");
}

static void check_vault(const struct run *r)
{
	char vault[PATH_MAX];
	struct vault_info vi;
	int rc;
	if (path_vault(vault, sizeof(vault)) < 0)
		say(r, false, "vault", "cannot work out its path");
	else if ((rc = vault_probe(vault, &vi)) == 0)
		say(r, true, "vault", "%s, key from %s", vault,
		    vi.source == VAULT_KEY_KEYRING ? "the desktop keyring" : "a passphrase");
	else
		say(r, false, "vault", "%s: %s%s", vault, hush_strerror(rc),
		    rc == HUSH_ENOENT ? " (create it with hush init)" : "");
}

/* Each class of attack, and whether this machine's layers hold it. The
 * connect() allow-list decides abstract names too, whatever the Landlock
 * ABI; without it only Landlock scoping (ABI 6) does. */
static void classes(struct doctor *d, const struct config *cfg, bool userns, int abi, bool socks)
{
	bool shared = cfg->allow_display;
	const struct { const char *what; bool holds; const char *how, *gap; } c[] = {
		{ "read hidden files", userns && cfg->home_mode == HOME_MODE_ALLOWLIST,
		  "mount masks in a user namespace; home = allow-list",
		  !userns ? "no user namespaces: Landlock rules alone, no private /proc"
			  : "home = visible: files in $HOME no hide entry names (another project's "
			    ".env) are hidden by the shim only" },
		{ "write what runs later", userns,
		  "read-only except the project and state paths; never-writable list; what the "
		  "session creates on it is moved aside at exit (not if hush sandbox is killed; "
		  "SECURITY.md)",
		  "no user namespaces: writes are limited by Landlock to the project, /tmp and $HOME" },
		{ "use human's sockets", userns && socks,
		  "private /tmp and runtime dir; connect() only to servers inside the sandbox, "
		  "hush's client socket and allow_socket",
		  userns ? "private /tmp and runtime dir hide tmux, ssh-agent, X11, systemd; sockets "
			   "under $HOME, /run or the project stay reachable"
			 : "no user namespaces: every unix socket stays reachable" },
		{ "abstract sockets", userns && (socks || (abi >= 6 && !shared)),
		  socks ? "connect() allow-list (only listeners inside the sandbox)"
			: "Landlock scoping (ABI >= 6)",
		  shared ? "display = yes and no connect() filter: not scoped, so that X clients work"
			 : "no connect() filter and Landlock ABI < 6: abstract sockets (X11, D-Bus) "
			   "stay reachable" },
		{ "use the display", userns && !shared, "no X11/Wayland socket, no cookie, no DISPLAY",
		  shared ? "display = yes in the config: the agent can type into and read every window"
			 : "no user namespaces: /tmp/.X11-unix stays visible" },
		{ "ptrace, /proc, signals", abi >= 6 || (userns && abi > 0), "pid namespace and Landlock",
		  abi > 0 ? "signals not scoped (Landlock ABI < 6)" : "no Landlock" },
		{ "listen on loopback", userns && cfg->network_proxy_only,
		  "network = proxy-only: a loopback of its own",
		  userns ? "network = open: the agent shares the host's loopback, and a port it "
			   "listens on gets what the human's tools send there (network = proxy-only "
			   "gives it its own)"
			 : "no user namespaces: no network of its own" },
	};
	bool all = true;
	for (size_t i = 0; i < DOCTOR_CLASSES; i++) {
		d->cls[i] = (struct doctor_class){ c[i].what, c[i].holds, c[i].holds ? c[i].how : c[i].gap };
		all = all && c[i].holds;
	}
	d->kernel = userns && abi > 0;
	d->overall = all ? DOCTOR_STRONG : d->kernel ? DOCTOR_PARTIAL
			 : userns || abi > 0 ? DOCTOR_PARTIAL_LAYER : DOCTOR_WEAK;
}

void doctor_run(const char *self, const char *shim, doctor_report_fn fn, void *ctx,
		struct doctor *d)
{
	const struct run r = { fn, ctx };
	char why[256];
	bool userns = sandbox_userns_probe(why, sizeof(why)) == 0;
	say(&r, userns, "user namespaces", "%s",
	    userns ? "user+mount+pid namespaces: masks for hidden files, own /proc" : why);
	const char *llwhy = NULL;
	int abi = sandbox_landlock_abi(&llwhy);
	if (abi > 0)
		say(&r, true, "Landlock", "ABI %d: ptrace and /proc/<pid> of outside processes blocked%s%s",
		    abi, abi >= 6 ? ", signals and abstract sockets scoped"
				  : ", signals NOT scoped (needs ABI 6, Linux 6.12)",
		    abi >= 3 ? ", file truncation handled" : "");
	else
		say(&r, false, "Landlock", "%s", llwhy ? llwhy : "unavailable");
	d->shim = shim && shim_loads(shim);
	if (!shim)
		say(&r, false, "shim", "libhush.so not found next to %s or in ../lib/hush", self);
	else
		say(&r, d->shim, "shim", "%s%s", shim, d->shim ? " loads into /bin/true"
		    : ": does not load (the dynamic loader refused it)");
	check_broker(&r);
	char kwhy[256] = "";
	bool keyring = keyring_available(kwhy, sizeof(kwhy)) == 0;
	say(&r, keyring, "keyring", "%s", keyring ? "Secret Service answers on the session bus"
	    : kwhy[0] ? kwhy : "no Secret Service on the session bus");
	_cleanup_config_ struct config cfg;
	char cerr[512];
	int rc = config_load_default(&cfg, cerr, sizeof(cerr));
	if (rc < 0) {
		say(&r, false, "config", "%s", rc == HUSH_ECONFIG ? cerr : hush_strerror(rc));
		(void)config_defaults(&cfg);
	} else {
		say(&r, true, "config", "%s, %zu grant(s)", cfg.path ? cfg.path : "defaults (no file)",
		    cfg.ngrants);
	}
	bool socks = check_sockets(&r, &cfg);
	for (size_t i = 0; i < cfg.ngrants; i++) {
		const struct grant *g = &cfg.grants[i];
		char wwhy[PATH_MAX + 64];
		if (!g->sha256 && grant_exe_writable(g->command, wwhy, sizeof(wwhy)) == 1)
			say(&r, false, "grant pin", "grant '%s': %s is not pinned and %s: pin it "
			    "(hush config check prints the sha256 line)", g->name, g->command, wwhy);
	}
	check_confirm(&r, &cfg);
	check_vault(&r);
	classes(d, &cfg, userns, abi, socks);
}

void doctor_write_check(FILE *out, const struct doctor_check *c)
{
	fprintf(out, "%-22s %-12s %s\n", c->what, c->good ? "working" : "not working", c->why);
}

void doctor_write_summary(FILE *out, const struct doctor *d)
{
	static const char *const overall[] = {
		[DOCTOR_STRONG] = "strong: every class above holds on this machine.\n",
		[DOCTOR_PARTIAL] = "partial: the classes marked NOT held are open to a determined agent.\n",
		[DOCTOR_PARTIAL_LAYER] = "partial: a kernel layer is missing (see above).\n",
		[DOCTOR_WEAK] = "weak: no kernel layer works here; hush sandbox refuses to start. The shim\n"
				"  alone is not a boundary (static binaries and raw syscalls bypass it).\n",
	};
	fprintf(out, "\nprotection under hush sandbox, by what the agent tries:\n");
	for (size_t i = 0; i < DOCTOR_CLASSES; i++)
		fprintf(out, "  %-24s %-10s %s\n", d->cls[i].what, d->cls[i].holds ? "holds" : "NOT held",
			d->cls[i].how);
	fprintf(out, "  overall: %s", overall[d->overall]);
	if (!d->shim)
		fprintf(out, "  without the shim, files created after start are not hidden and granted\n"
			"  commands are routed only through links.\n");
}
