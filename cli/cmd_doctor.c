/* SPDX-License-Identifier: ISC */
/* hush doctor: which of hush sandbox's layers and integrations work on
 * this machine, and what protection that gives an agent. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker/client.h"
#include "broker/grant.h"
#include "cli/commands.h"
#include "cli/locate.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "sandbox/sandbox.h"
#include "vault/vault.h"



static int doctor_lines;

static void report(bool good, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(bool good, const char *what, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("%-22s %-12s %s\n", what, good ? "working" : "not working", why);
	doctor_lines++;
}

/* Runs argv with env (NULL: ours), stdout+stderr captured into out[n].
 * Returns the exit status, or -1. */
static int run_capture(char *const argv[], char *const envp[], char *out, size_t n)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul >= 0)
			dup2(nul, 0);
		if (envp)
			execve(argv[0], argv, envp);
		else
			execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	size_t got = 0;
	for (;;) {
		char tmp[512];
		ssize_t r = read(pfd[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t c = (size_t)r;
		if (got + 1 < n) {
			if (c > n - 1 - got)
				c = n - 1 - got;
			memcpy(out + got, tmp, c);
			got += c;
		}
	}
	out[n ? (got < n ? got : n - 1) : 0] = '\0';
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	char *copy = die_oom_check(strdup(path));
	bool found = false;
	for (char *save = NULL, *d = strtok_r(copy, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];
		found = xsnprintf(p, sizeof(p), "%s/%s", d, prog) == 0 && access(p, X_OK) == 0;
	}
	free(copy);
	return found;
}

int cmd_doctor(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: hush doctor\n\n"
			       "Checks which protection layers and integrations work on this\n"
			       "machine: user namespaces, Landlock, the unix socket filter, the\n"
			       "shim, the broker, the keyring, the confirmation UI and the vault,\n"
			       "then sums up the protection an agent under hush sandbox actually\n"
			       "gets.\n"
			       "Exit status 0 when the sandbox's kernel layers work, 1 otherwise.\n");
			return 0;
		}
		die_usage("doctor", "unexpected argument '%s'", argv[i]);
	}
	char why[256];
	char self[PATH_MAX] = "";
	cli_self_path(self, sizeof(self));

	bool userns = sandbox_userns_probe(why, sizeof(why)) == 0;
	report(userns, "user namespaces", "%s", userns
	       ? "user+mount+pid namespaces: masks for hidden files, own /proc"
	       : why);

	const char *llwhy = NULL;
	int abi = sandbox_landlock_abi(&llwhy);
	if (abi > 0)
		report(true, "Landlock", "ABI %d: ptrace and /proc/<pid> of outside processes "
		       "blocked%s%s", abi,
		       abi >= 6 ? ", signals and abstract sockets scoped" : ", signals NOT scoped (needs ABI 6, Linux 6.12)",
		       abi >= 3 ? ", file truncation handled" : "");
	else
		report(false, "Landlock", "%s", llwhy ? llwhy : "unavailable");

	char shim[PATH_MAX];
	bool shim_ok = false;
	if (cli_find_shim(self, shim, sizeof(shim)) < 0) {
		report(false, "shim", "libhush.so not found next to %s or in ../lib/hush", self);
	} else {
		char pre[PATH_MAX + 16];
		snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", shim);
		char *envp[] = { pre, "PATH=/usr/bin:/bin", NULL };
		char *args[] = { "/bin/true", NULL };
		char out[1024];
		int st = run_capture(args, envp, out, sizeof(out));
		shim_ok = st == 0 && !strstr(out, "ld.so");
		report(shim_ok, "shim", "%s%s", shim, shim_ok ? " loads into /bin/true"
		       : ": does not load (the dynamic loader refused it)");
	}

	char sock[PATH_MAX] = "";
	bool broker = cli_client_socket(sock, sizeof(sock)) == 0 && cli_socket_reachable(sock) == 0;
	report(broker, "broker", broker ? "answers on %s" : "not running (%s not reachable); "
	       "hush sandbox and hush run start it", sock);
	struct proto_control sctl = { .id = 0 };
	struct proto_status st = { 0 };
	uint8_t srt, *sbody = NULL;
	size_t sblen;
	if (broker && client_control(MSG_STATUS, &sctl, &srt, &sbody, &sblen) == 0 &&
	    (srt != MSG_STATUS_REPLY || proto_dec_status(sbody, sblen, &st)))
		st.proxy_port = 0;
	free(sbody);
	if (st.proxy_port)
		report(true, "credential proxy", "127.0.0.1:%u: sandboxed agents hold placeholders "
		       "for the credentials in the vault", st.proxy_port);
	else
		report(false, "credential proxy", "not running: it starts with a sandbox when a "
		       "credential's secret is in the vault (hush set ANTHROPIC_API_KEY); a key "
		       "passed with --allow-env is readable by the agent");

	char kwhy[256] = "";
	bool keyring = keyring_available(kwhy, sizeof(kwhy)) == 0;
	report(keyring, "keyring", "%s", keyring ? "Secret Service answers on the session bus"
	       : kwhy[0] ? kwhy : "no Secret Service on the session bus");

	struct config cfg;
	char cerr[512];
	int r = config_load_default(&cfg, cerr, sizeof(cerr));
	if (r < 0) {
		report(false, "config", "%s", r == HUSH_ECONFIG ? cerr : hush_strerror(r));
		(void)config_defaults(&cfg);
	} else {
		report(true, "config", "%s, %zu grant(s)", cfg.path ? cfg.path : "defaults (no file)",
		       cfg.ngrants);
	}
	/* the unix socket allow-list: probed for real (a child under the
	 * filter, supervised by us) */
	char swhy[256];
	bool socks = sandbox_sockets_probe(swhy, sizeof(swhy)) == 0;
	if (!socks) {
		report(false, "unix sockets", "%s: under hush sandbox every connect() fails "
		       "or the sandbox does not start", swhy);
	} else {
		char *given = NULL;
		size_t glen = 0;
		for (size_t i = 0; i < cfg.allow_socket.n; i++)
			str_appendf(&given, &glen, "%s%s", i ? ", " : "", cfg.allow_socket.items[i]);
		report(true, "unix sockets", "seccomp user notification + pidfd_getfd: connect() only to "
		       "servers inside the sandbox and hush's client socket%s%s%s",
		       given ? "; allow_socket gives the agent whatever these servers do outside: " : "",
		       given ? given : "", given ? "" : " (no allow_socket entries)");
		free(given);
	}
	for (size_t i = 0; i < cfg.ngrants; i++) {
		char wwhy[PATH_MAX + 64];
		const struct grant *g = &cfg.grants[i];
		if (!g->sha256 && grant_exe_writable(g->command, wwhy, sizeof(wwhy)) == 1)
			report(false, "grant pin", "grant '%s': %s is not pinned and %s: pin it "
			       "(hush config check prints the sha256 line)", g->name, g->command, wwhy);
	}
	const char *confirm_env = getenv("HUSH_CONFIRM");
	bool display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
	const char *gui = in_path("zenity") ? "zenity" : in_path("kdialog") ? "kdialog"
			: in_path("ssh-askpass") ? "ssh-askpass" : NULL;
	if (confirm_env && *confirm_env)
		report(access(confirm_env, X_OK) == 0, "confirmation", "HUSH_CONFIRM=%s%s",
		       confirm_env, access(confirm_env, X_OK) == 0 ? "" : " (not executable)");
	else if (cfg.confirm == CONFIRM_UI_COMMAND)
		report(cfg.confirm_command && access(cfg.confirm_command, X_OK) == 0, "confirmation",
		       "command %s", cfg.confirm_command ? cfg.confirm_command : "(none)");
	else if (cfg.confirm == CONFIRM_UI_TERMINAL)
		report(true, "confirmation", "terminal: approve with hush pending / hush approve");
	else if (cfg.confirm == CONFIRM_UI_NONE)
		report(false, "confirmation", "confirm = none: granted commands run without asking");
	else
		report(display && gui, "confirmation", "desktop: %s, %s", display ? "display present"
		       : "no DISPLAY or WAYLAND_DISPLAY", gui ? gui : "no zenity, kdialog or ssh-askpass");

	char vault[PATH_MAX];
	struct vault_info vi;
	if (path_vault(vault, sizeof(vault)) < 0)
		report(false, "vault", "cannot work out its path");
	else if ((r = vault_probe(vault, &vi)) == 0)
		report(true, "vault", "%s, key from %s", vault,
		       vi.source == VAULT_KEY_KEYRING ? "the desktop keyring" : "a passphrase");
	else
		report(false, "vault", "%s: %s%s", vault, hush_strerror(r),
		       r == HUSH_ENOENT ? " (create it with hush init)" : "");

	/* each class of attack and whether this machine's layers hold it */
	bool display_shared = cfg.allow_display;
	/* the connect() allow-list decides abstract names too, whatever the
	 * Landlock ABI; without it only Landlock scoping (ABI 6) does */
	bool sockets_ok = socks;
	bool abstract_ok = userns && (socks || (abi >= 6 && !display_shared));
	printf("\nprotection under hush sandbox, by what the agent tries:\n");
	struct {
		const char *what;
		bool holds;
		const char *how, *gap;
	} cls[] = {
		{ "read hidden files", userns && cfg.home_mode == HOME_MODE_ALLOWLIST,
		  "mount masks in a user namespace; home = allow-list",
		  !userns ? "no user namespaces: Landlock rules alone, no private /proc"
			  : "home = visible: files in $HOME no hide entry names (another project's "
			    ".env) are hidden by the shim only" },
		{ "write what runs later", userns,
		  "read-only except the project and state paths; never-writable list; what the "
		  "session creates on it is moved aside at exit (not if hush sandbox is killed; "
		  "SECURITY.md)",
		  "no user namespaces: writes are limited by Landlock to the project, /tmp and $HOME" },
		{ "use human's sockets", userns && sockets_ok,
		  "private /tmp and runtime dir; connect() only to servers inside the sandbox, "
		  "hush's client socket and allow_socket",
		  userns ? "private /tmp and runtime dir hide tmux, ssh-agent, X11, systemd; sockets "
			   "under $HOME, /run or the project stay reachable"
			 : "no user namespaces: every unix socket stays reachable" },
		{ "abstract sockets", abstract_ok,
		  socks ? "connect() allow-list (only listeners inside the sandbox)"
			: "Landlock scoping (ABI >= 6)",
		  display_shared ? "display = yes and no connect() filter: not scoped, so that X "
				   "clients work"
				 : "no connect() filter and Landlock ABI < 6: abstract sockets (X11, "
				   "D-Bus) stay reachable" },
		{ "use the display", userns && !display_shared,
		  "no X11/Wayland socket, no cookie, no DISPLAY",
		  display_shared ? "display = yes in the config: the agent can type into and read "
				   "every window" : "no user namespaces: /tmp/.X11-unix stays visible" },
		{ "ptrace, /proc, signals", abi >= 6 || (userns && abi > 0),
		  "pid namespace and Landlock", abi > 0 ? "signals not scoped (Landlock ABI < 6)"
						       : "no Landlock" },
	};
	bool all = true;
	for (size_t i = 0; i < ARRAY_LEN(cls); i++) {
		printf("  %-24s %-10s %s\n", cls[i].what, cls[i].holds ? "holds" : "NOT held",
		       cls[i].holds ? cls[i].how : cls[i].gap);
		all = all && cls[i].holds;
	}
	if (all)
		printf("  overall: strong: every class above holds on this machine.\n");
	else if (userns && abi > 0)
		printf("  overall: partial: the classes marked NOT held are open to a determined agent.\n");
	else if (userns || abi > 0)
		printf("  overall: partial: a kernel layer is missing (see above).\n");
	else
		printf("  overall: weak: no kernel layer works here; hush sandbox refuses to start. The shim\n"
		       "  alone is not a boundary (static binaries and raw syscalls bypass it).\n");
	if (!shim_ok)
		printf("  without the shim, files created after start are not hidden and granted\n"
		       "  commands are routed only through links.\n");
	config_free(&cfg);
	fflush(stdout);
	return userns && abi > 0 ? 0 : 1;
}
