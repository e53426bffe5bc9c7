/* SPDX-License-Identifier: ISC */
/* The broker commands: hush broker (hushd), status, unlock, lock, stop, run
 * (and hush called through a shim link), pending, approve, deny, audit,
 * shims. The daemon is broker/daemon.c; the client side broker/client.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/audit.h"
#include "broker/client.h"
#include "broker/daemon.h"
#include "cli/commands.h"
#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static bool want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

static void load_config(struct config *cfg)
{
	char err[1024];
	if (config_load_default(cfg, err, sizeof(err)))
		die_status(2, "check it with: hush config check", "configuration: %s", err);
}

static const char *NOT_RUNNING_HINT = "start it with: hush broker";

/* Someone other than the broker answers on its socket: nothing was sent. */
_Noreturn static void die_not_broker(bool control)
{
	char path[PATH_MAX] = "?";
	client_socket_path(control, path, sizeof(path));
	die_status(1,
		   client_in_sandbox()
			   ? "the broker runs outside the sandbox; a process in here listens instead"
			   : "another program took the broker's socket: stop it, remove the socket "
			     "and start the broker again (hush broker)",
		   "refusing %s: %s", path, client_peer_problem());
}

/* Sends a control request; exits with a message when the broker cannot be
 * reached or refuses. Returns the reply type; *body is malloc'd. */
static uint8_t control_or_die(uint8_t type, struct proto_control *ctl, uint8_t **body, size_t *blen)
{
	uint8_t rt;
	int r = client_control(type, ctl, &rt, body, blen);
	if (r == HUSH_ENOENT)
		die_status(1, NOT_RUNNING_HINT, "the broker is not running");
	if (r == HUSH_EPERM)
		die_status(1, "control requests only work outside the sandbox, as the broker's user",
			   "cannot read the broker's control token");
	if (r == HUSH_ENOTBROKER)
		die_not_broker(true);
	if (r)
		die("cannot talk to the broker: %s", hush_strerror(r));
	if (rt == MSG_ERROR) {
		struct proto_error e;
		if (proto_dec_error(*body, *blen, &e))
			die("malformed reply from the broker");
		msg_error("%s", e.what);
		if (e.hint[0])
			msg_hint("%s", e.hint);
		int st = e.status;
		proto_error_free(&e);
		free(*body);
		exit(st);
	}
	return rt;
}

static int simple_control_with(uint8_t type, struct proto_control *ctl)
{
	uint8_t *body;
	size_t blen;
	uint8_t rt = control_or_die(type, ctl, &body, &blen);
	char *text = NULL;
	if (rt != MSG_OK || proto_dec_text(body, blen, &text))
		die("malformed reply from the broker");
	if (*text)
		printf("%s\n", text);
	free(text);
	free(body);
	return 0;
}

static int simple_control(uint8_t type)
{
	struct proto_control ctl = { .id = 0 };
	return simple_control_with(type, &ctl);
}

/* hush broker: the broker is its own program (it links OpenSSL for the
 * credential proxy, which hush itself need not load); hushd is installed
 * next to hush. */
int cmd_broker(int argc, char **argv)
{
	char self[PATH_MAX], d[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		die("broker: cannot find this program's path: %s", strerror(errno));
	self[n] = '\0';
	if (xsnprintf(d, sizeof(d), "%s/hushd", dirname(self)))
		die("broker: path too long");
	argv[0] = "hushd";
	execv(d, argv);
	die_status(1, "install hushd beside hush (make install does)", "broker: cannot run %s: %s", d,
		   strerror(errno));
}

int cmd_status(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush status\n\n"
		       "Shows whether the broker runs, its pid, whether the vault is unlocked,\n"
		       "how many requests wait for approval, how many approvals are live, the\n"
		       "sandbox sessions it knows, and where its log is.\n"
		       "Exit 0 when the broker runs, 1 when it does not.\n");
		return 0;
	}
	if (argc > 1)
		die_usage("status", "unexpected argument '%s'", argv[1]);
	struct proto_control ctl = { .id = 0 };
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(MSG_STATUS, &ctl, &rt, &body, &blen);
	if (r == HUSH_ENOENT) {
		printf("broker: not running\n");
		return 1;
	}
	if (r == HUSH_ENOTBROKER)
		die_not_broker(true);
	if (r) {
		msg_error("cannot talk to the broker: %s", hush_strerror(r));
		return 1;
	}
	struct proto_status st;
	if (rt != MSG_STATUS_REPLY || proto_dec_status(body, blen, &st))
		die("malformed reply from the broker");
	free(body);
	char up[32];
	format_duration(st.uptime, up, sizeof(up));
	printf("broker: running (pid %u, up %s)\n", st.pid, up);
	printf("vault: %s\n", st.locked ? "locked" : "unlocked");
	printf("pending: %u\n", st.pending);
	printf("approvals: %u\n", st.approvals);
	printf("running: %u\n", st.running);
	printf("sandbox sessions: %u\n", st.sessions);
	if (st.proxy_port)
		printf("credential proxy: 127.0.0.1:%u\n", st.proxy_port);
	else
		printf("credential proxy: not running (it starts with a sandbox that has a "
		       "credential in the vault)\n");
	char data[PATH_MAX], logp[PATH_MAX];
	if (!path_data(data, sizeof(data)) &&
	    !xsnprintf(logp, sizeof(logp), "%s/" DAEMON_LOG_NAME, data))
		printf("log: %s%s\n", logp, access(logp, F_OK) == 0 ? "" : " (none yet; a broker in "
		       "the foreground logs to its stderr)");
	return 0;
}

int cmd_unlock(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush unlock [--passphrase-fd N]\n\n"
		       "Unlocks the vault in the broker (starting the broker if needed).\n"
		       "Passphrase vaults: the passphrase comes from --passphrase-fd (one line), from\n"
		       "HUSH_ASKPASS (or askpass in config.ini), or from a no-echo prompt.\n"
		       "Keyring vaults: the broker fetches the key from the desktop keyring.\n");
		return 0;
	}
	int pfd = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--passphrase-fd") && i + 1 < argc) {
			if (passphrase_fd_parse(argv[++i], &pfd))
				die_usage("unlock", "--passphrase-fd needs a file descriptor number");
		} else {
			die_usage("unlock", "unexpected argument '%s'", argv[i]);
		}
	}
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	struct config cfg;
	load_config(&cfg);
	char vp[PATH_MAX];
	struct vault_info info;
	if (path_vault(vp, sizeof(vp)) || vault_probe(vp, &info))
		die_status(1, "create one with: hush init", "no vault at %s", vp);
	int r = client_ensure_broker(&cfg);
	if (r == HUSH_ENOTBROKER)
		die_not_broker(false);
	if (r)
		die_status(1, NOT_RUNNING_HINT, "cannot start the broker: %s", hush_strerror(r));
	struct proto_control ctl = { .id = 0 };
	struct passphrase pw = { NULL, 0 };
	if (info.source != VAULT_KEY_KEYRING) {
		struct passphrase_src src = { .fd = pfd, .askpass = cfg.askpass };
		char why[256] = "";
		if (passphrase_get(&src, PASSPHRASE_UNLOCK, "Vault passphrase: ", &pw, why,
				   sizeof(why)))
			die_status(1, "set HUSH_ASKPASS to a program that prints the passphrase, or "
				      "pass --passphrase-fd N",
				   "cannot get the vault passphrase: %s", why);
		ctl.pass = pw.s;
		ctl.passlen = pw.len;
	}
	uint8_t *body;
	size_t blen;
	uint8_t rt = control_or_die(MSG_UNLOCK, &ctl, &body, &blen);
	passphrase_free(&pw);
	free(body);
	config_free(&cfg);
	if (rt != MSG_OK)
		die("malformed reply from the broker");
	printf("unlocked\n");
	return 0;
}

int cmd_lock(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush lock\n\n"
		       "Makes the broker forget the vault key and every approval.\n");
		return 0;
	}
	if (argc > 1)
		die_usage("lock", "unexpected argument '%s'", argv[1]);
	return simple_control(MSG_LOCK);
}

int cmd_stop(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush stop\n\nStops the broker (same as SIGTERM to hushd).\n");
		return 0;
	}
	if (argc > 1)
		die_usage("stop", "unexpected argument '%s'", argv[1]);
	char rt[PATH_MAX], pidp[PATH_MAX];
	int r = simple_control(MSG_STOP);
	/* wait until the broker has removed its pid file */
	if (!path_runtime(rt, sizeof(rt)) && !xsnprintf(pidp, sizeof(pidp), "%s/hushd.pid", rt))
		for (int i = 0; i < 500 && access(pidp, F_OK) == 0; i++)
			usleep(10000);
	return r;
}

/* --- run --- */

static void run_notify(const char *kind, uint64_t id, const char *text)
{
	if (!strcmp(kind, "waiting")) {
		if (!strcmp(text, "terminal"))
			fprintf(stderr,
				"%s: waiting for approval: from a terminal outside the sandbox run "
				"'hush approve %llu' (or 'hush deny %llu')\n",
				msg_progname(), (unsigned long long)id, (unsigned long long)id);
		else
			fprintf(stderr, "%s: waiting for approval (%s)\n", msg_progname(),
				!strcmp(text, "ui") ? "a dialog on the desktop" : "confirmation program");
	} else {
		msg_warn("%s", text);
	}
}

static int do_run(const char *grant, bool no_mask, char **argv, size_t argc)
{
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	/* the client needs the config only for autostart; inside a sandbox it
	 * may be hidden, and the broker holds the real one */
	struct config cfg;
	char err[1024];
	if (config_load_default(&cfg, err, sizeof(err)))
		config_defaults(&cfg);
	struct client_result res;
	int r = client_run(&cfg, grant, no_mask, argv, argc, run_notify, &res);
	bool autostart = cfg.autostart;
	config_free(&cfg);
	if (r == HUSH_ENOENT)
		die_status(1, client_in_sandbox() ? "start it outside the sandbox: hush broker"
			   : autostart ? NOT_RUNNING_HINT : "autostart = false: start it with: hush broker",
			   "the broker is not running");
	if (r == HUSH_ETOOBIG)
		die_status(2, NULL, "run request too large (arguments or environment)");
	if (r == HUSH_ENOTBROKER)
		die_not_broker(false);
	if (r)
		die("lost the connection to the broker: %s", hush_strerror(r));
	if (res.what[0]) {
		msg_error("%s", res.what);
		if (res.hint[0])
			msg_hint("%s", res.hint);
	}
	return res.status;
}

int cmd_run(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush run [--grant NAME] [--no-mask] -- CMD [ARGS...]\n\n"
		       "Asks the broker to run CMD with the secrets its grant allows. The broker\n"
		       "resolves CMD itself (never through your PATH), asks a human unless a\n"
		       "live approval covers it, and runs it in this directory with this\n"
		       "terminal, a clean environment and the secrets; output is masked.\n\n"
		       "  --grant NAME   use only this grant\n"
		       "  --no-mask      do not mask output (only if the grant allows it)\n\n"
		       "Exit status: the command's; 77 when refused (no grant, denied,\n"
		       "timed out, vault locked), with the reason on stderr.\n");
		return 0;
	}
	const char *grant = NULL;
	bool no_mask = false;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--grant") && i + 1 < argc) {
			grant = argv[++i];
			if (strlen(grant) >= PROTO_MAX_NAME)
				die_usage("run", "grant name too long");
		} else if (!strncmp(argv[i], "--grant=", 8)) {
			grant = argv[i] + 8;
		} else if (!strcmp(argv[i], "--no-mask")) {
			no_mask = true;
		} else if (argv[i][0] == '-') {
			die_usage("run", "unknown option '%s'", argv[i]);
		} else {
			break;
		}
	}
	if (i >= argc)
		die_usage("run", "no command given");
	return do_run(grant, no_mask, argv + i, (size_t)(argc - i));
}

int cmd_run_as_link(int argc, char **argv)
{
	char name[PATH_MAX];
	snprintf(name, sizeof(name), "%s", argc > 0 ? argv[0] : "");
	char *base = basename(name);
	if (!*base)
		die_usage(NULL, "cannot tell which command this link stands for");
	char **av = calloc((size_t)argc + 1, sizeof(char *));
	if (!av)
		die("out of memory");
	av[0] = base;
	for (int i = 1; i < argc; i++)
		av[i] = argv[i];
	msg_set_progname("hush");
	int st = do_run(NULL, false, av, (size_t)(argc > 0 ? argc : 1));
	free(av);
	return st;
}

/* --- pending / approve / deny --- */

int cmd_pending(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush pending\n\n"
		       "Lists run requests waiting for a human: id, grant, command, arguments,\n"
		       "working directory, requesting pid and age. Approve with\n"
		       "'hush approve ID', refuse with 'hush deny ID'.\n");
		return 0;
	}
	if (argc > 1)
		die_usage("pending", "unexpected argument '%s'", argv[1]);
	struct proto_control ctl = { .id = 0 };
	uint8_t *body;
	size_t blen;
	uint8_t rt = control_or_die(MSG_PENDING, &ctl, &body, &blen);
	struct proto_pending p;
	if (rt != MSG_PENDING_REPLY || proto_dec_pending(body, blen, &p))
		die("malformed reply from the broker");
	free(body);
	if (p.n == 0)
		printf("no pending requests\n");
	for (size_t i = 0; i < p.n; i++) {
		struct proto_pending_item *it = &p.items[i];
		char age[32];
		format_duration(it->age, age, sizeof(age));
		/* everything but the id and the grant's own command comes from
		 * the requester: escaped, so it cannot fake lines or escapes */
		char shown[1024];
		printf("%llu  grant=%s  %s", (unsigned long long)it->id, it->grant, it->command);
		for (size_t k = 0; k < it->argc; k++) {
			str_display(it->argv[k], shown, sizeof(shown));
			printf(" %s", shown);
		}
		str_display(it->cwd, shown, sizeof(shown));
		printf("  cwd=%s", shown);
		str_display(it->exe[0] ? it->exe : "?", shown, sizeof(shown));
		printf("  pid=%u (%s)  age=%s\n", it->pid, shown, age);
	}
	proto_pending_free(&p);
	return 0;
}

static uint64_t parse_id(const char *cmd, const char *s)
{
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 10);
	if (*e || errno || v == 0 || s[0] == '-')
		die_usage(cmd, "bad request id '%s'", s);
	return v;
}

int cmd_approve(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush approve [ID] [--for DURATION]\n\n"
		       "Approves a pending request (without ID: the only pending one).\n"
		       "--for 10m also approves further runs of the same grant in the same\n"
		       "directory for that long.\n");
		return 0;
	}
	struct proto_control ctl = { .id = 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--for") && i + 1 < argc) {
			if (parse_duration(argv[++i], &ctl.for_secs) || ctl.for_secs == 0)
				die_usage("approve", "bad duration '%s' (e.g. 90s, 10m, 2h)", argv[i]);
		} else if (!strncmp(argv[i], "--for=", 6)) {
			if (parse_duration(argv[i] + 6, &ctl.for_secs) || ctl.for_secs == 0)
				die_usage("approve", "bad duration '%s' (e.g. 90s, 10m, 2h)", argv[i] + 6);
		} else if (argv[i][0] != '-' && !ctl.id) {
			ctl.id = parse_id("approve", argv[i]);
		} else {
			die_usage("approve", "unexpected argument '%s'", argv[i]);
		}
	}
	return simple_control_with(MSG_APPROVE, &ctl);
}

int cmd_deny(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush deny [ID]\n\n"
		       "Refuses a pending request (without ID: the only pending one); the\n"
		       "requester gets exit status 77.\n");
		return 0;
	}
	struct proto_control ctl = { .id = 0 };
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' && !ctl.id)
			ctl.id = parse_id("deny", argv[i]);
		else
			die_usage("deny", "unexpected argument '%s'", argv[i]);
	}
	return simple_control_with(MSG_DENY, &ctl);
}

/* --- audit --- */

int cmd_audit(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush audit [--since DURATION] [--json]\n\n"
		       "Shows the audit log (<data>/audit.log): one line per request with time,\n"
		       "decision, grant, command and arguments, working directory, requesting\n"
		       "pid, who approved and the exit status. Never a secret value.\n\n"
		       "  --since 1h   only entries from the last hour (90s, 10m, 2h, 1d)\n"
		       "  --json       the raw JSON Lines\n");
		return 0;
	}
	uint64_t since = 0;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		const char *d = NULL;
		if (!strcmp(argv[i], "--since") && i + 1 < argc)
			d = argv[++i];
		else if (!strncmp(argv[i], "--since=", 8))
			d = argv[i] + 8;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else
			die_usage("audit", "unexpected argument '%s'", argv[i]);
		if (d && parse_duration(d, &since))
			die_usage("audit", "bad duration '%s' (e.g. 90s, 10m, 2h, 1d)", d);
	}
	char data[PATH_MAX], path[PATH_MAX];
	if (path_data(data, sizeof(data)) || xsnprintf(path, sizeof(path), "%s/audit.log", data))
		die("path too long");
	FILE *f = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		f = fdopen(fd, "r");
	if (!f) {
		if (errno == ENOENT) {
			if (!json)
				printf("no audit entries yet\n");
			return 0;
		}
		die("cannot read %s: %s", path, strerror(errno));
	}
	int64_t cutoff = since ? time_now() - (int64_t)since : 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int bad = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (n > 256 * 1024) {
			bad++;
			continue;
		}
		char *copy = json ? strdup(line) : NULL;
		struct audit_record rec;
		if (audit_parse_line(line, (size_t)n, &rec)) {
			bad++;
			free(copy);
			continue;
		}
		if (rec.time < cutoff) {
			free(copy);
			continue;
		}
		if (json) {
			fputs(copy ? copy : "", stdout);
			free(copy);
			continue;
		}
		char ts[32];
		time_t t = (time_t)rec.time;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%s  %-8s grant=%s  %s", ts, rec.decision ? rec.decision : "?",
		       rec.grant ? rec.grant : "-", rec.exe ? rec.exe : "?");
		for (size_t i = 0; i < rec.nargs; i++)
			printf(" %s", rec.args[i]);
		printf("  cwd=%s  pid=%ld", rec.cwd ? rec.cwd : "?", rec.pid);
		if (rec.approved_by)
			printf("  by=%s", rec.approved_by);
		if (rec.exit_status >= 0)
			printf("  exit=%ld", rec.exit_status);
		if (rec.reason)
			printf("  (%s)", rec.reason);
		if (rec.fallback)
			printf("  (no desktop dialog: %s)", rec.fallback);
		printf("\n");
	}
	free(line);
	fclose(f);
	if (bad)
		msg_warn("%d unreadable line%s in %s", bad, bad == 1 ? "" : "s", path);
	return 0;
}

/* --- shims --- */

int cmd_shims(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("usage: hush shims DIR\n\n"
		       "Creates in DIR one link per granted command (named after the command's\n"
		       "basename) pointing to hush. Called through such a link, hush behaves\n"
		       "as 'hush run -- NAME ARGS...', so with DIR first on PATH every program\n"
		       "that runs NAME goes through the broker.\n");
		return 0;
	}
	if (argc != 2)
		die_usage("shims", "expected exactly one directory");
	struct config cfg;
	load_config(&cfg);
	char err[1024];
	int n = shims_create(&cfg, argv[1], NULL, err, sizeof(err));
	config_free(&cfg);
	if (n < 0)
		die("cannot create the links: %s", err);
	printf("%d link%s in %s\n", n, n == 1 ? "" : "s", argv[1]);
	if (n == 0)
		msg_hint("no grant has a command; add [grant NAME] sections to config.ini");
	return 0;
}
