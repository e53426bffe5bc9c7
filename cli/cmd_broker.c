/* SPDX-License-Identifier: ISC */
/* The broker commands: hush broker (hushd), status, unlock, lock, stop, run
 * (and hush called through a shim link), pending, approve, deny, audit,
 * shims. The daemon is broker/daemon.c; the client side broker/client.c. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/audit.h"
#include "broker/client.h"
#include "broker/daemon.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/locate.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static const char *NOT_RUNNING_HINT = "start it with: hush broker";

/* Exits with what the client's error r means (control: it came from the
 * control socket; hint: what to do when no broker runs). */
_Noreturn static void die_client(int r, bool control, const char *hint)
{
	char path[PATH_MAX] = "?";
	switch (r) {
	case HUSH_ENOENT:
		die_status(1, hint, "the broker is not running");
	case HUSH_EPERM:
		die_status(1, "control requests only work outside the sandbox, as the broker's user",
			   "cannot read the broker's control token");
	case HUSH_ENOTBROKER: /* someone else answers on its socket: nothing was sent */
		client_socket_path(control, path, sizeof(path));
		die_status(1, client_in_sandbox()
				      ? "the broker runs outside the sandbox; a process in here listens instead"
				      : "another program took the broker's socket: stop it, remove the "
					"socket and start the broker again (hush broker)",
			   "refusing %s: %s", path, client_peer_problem());
	case HUSH_ECONFIG:
		die_status(2, "check it with: hush config check",
			   "the broker did not start: its configuration has an error (above)");
	case HUSH_ETOOBIG:
		die_status(2, NULL, "run request too large (arguments or environment)");
	default:
		die("cannot talk to the broker: %s", hush_strerror(r));
	}
}

/* Sends a control request and returns the reply's body (malloc'd), which
 * must be of type want; exits when the broker cannot be reached, refuses
 * (with its message and status) or answers something else. */
static uint8_t *control_or_die(uint8_t type, struct proto_control *ctl, uint8_t want, size_t *blen)
{
	uint8_t rt, *body;
	int r = client_control(type, ctl, &rt, &body, blen);
	if (r)
		die_client(r, true, NOT_RUNNING_HINT);
	struct proto_error e;
	if (rt == MSG_ERROR && proto_dec_error(body, *blen, &e) == 0) {
		msg_error("%s", e.what);
		if (e.hint[0])
			msg_hint("%s", e.hint);
		exit(e.status);
	}
	if (rt != want)
		die("malformed reply from the broker");
	return body;
}

/* A control request answered by a line of text, which is printed. */
static int simple_control(uint8_t type, struct proto_control *ctl)
{
	size_t blen;
	_cleanup_free_ uint8_t *body = control_or_die(type, ctl, MSG_OK, &blen);
	_cleanup_free_ char *text = NULL;
	if (proto_dec_text(body, blen, &text))
		die("malformed reply from the broker");
	if (*text)
		printf("%s\n", text);
	return 0;
}

/* hush broker: the broker is its own program (it links OpenSSL for the
 * credential proxy, which hush itself need not load); hushd is installed
 * next to hush. */
int cmd_broker(int argc, char **argv)
{
	(void)argc;
	char self[PATH_MAX], d[PATH_MAX];
	if (cli_self_path(self, sizeof(self)))
		die("broker: cannot find this program's path: %s", strerror(errno));
	if (xsnprintf(d, sizeof(d), "%s/hushd", dirname(self)))
		die("broker: path too long");
	argv[0] = "hushd";
	execv(d, argv);
	die_status(1, "install hushd beside hush (make install does)", "broker: cannot run %s: %s", d,
		   strerror(errno));
}

static const struct cli_cmd status_cmd = {
	"status",
	"usage: hush status\n\n"
	"Shows whether the broker runs, its pid, whether the vault is unlocked,\n"
	"how many requests wait for approval, how many approvals are live, the\n"
	"sandbox sessions it knows, and where its log is.\n"
	"Exit 0 when the broker runs, 1 when it does not.\n",
	"", NULL,
};

static void print_status(const struct proto_status *st)
{
	char up[32];
	format_duration(st->uptime, up, sizeof(up));
	printf("broker: running (pid %u, up %s)\n", st->pid, up);
	printf("vault: %s\n", st->locked ? "locked" : "unlocked");
	printf("pending: %u\n", st->pending);
	printf("approvals: %u\n", st->approvals);
	printf("running: %u\n", st->running);
	printf("sandbox sessions: %u\n", st->sessions);
	if (st->proxy_port)
		printf("credential proxy: 127.0.0.1:%u\n", st->proxy_port);
	else
		printf("credential proxy: not running (it starts with a sandbox that has a "
		       "credential in the vault)\n");
	char data[PATH_MAX], logp[PATH_MAX];
	if (!path_data(data, sizeof(data)) &&
	    !xsnprintf(logp, sizeof(logp), "%s/" DAEMON_LOG_NAME, data))
		printf("log: %s%s\n", logp, access(logp, F_OK) == 0 ? "" : " (none yet; a broker in "
		       "the foreground logs to its stderr)");
}

int cmd_status(int argc, char **argv)
{
	cli_plain_or_exit(&status_cmd, argc, argv, 0, 0, NULL);
	struct proto_control ctl = { .id = 0 };
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(MSG_STATUS, &ctl, &rt, &body, &blen);
	if (r == HUSH_ENOENT) {
		printf("broker: not running\n");
		return 1;
	}
	if (r)
		die_client(r, true, NULL);
	struct proto_status st;
	if (rt != MSG_STATUS_REPLY || proto_dec_status(body, blen, &st))
		die("malformed reply from the broker");
	free(body);
	print_status(&st);
	return 0;
}

enum { O_FD = 0x100, O_GRANT, O_NO_MASK, O_FOR, O_SINCE, O_JSON };

static const struct option unlock_opts[] = { CLI_ARG("passphrase-fd", O_FD), CLI_END };
static const struct cli_cmd unlock_cmd = {
	"unlock",
	"usage: hush unlock [--passphrase-fd N]\n\n"
	"Unlocks the vault in the broker (starting the broker if needed).\n"
	"Passphrase vaults: the passphrase comes from --passphrase-fd (one line), from\n"
	"HUSH_ASKPASS (or askpass in config.ini), or from a no-echo prompt.\n"
	"Keyring vaults: the broker fetches the key from the desktop keyring.\n",
	"", unlock_opts,
};

int cmd_unlock(int argc, char **argv)
{
	int o, pfd = -1;
	while ((o = cli_getopt_or_exit(&unlock_cmd, argc, argv)) != -1)
		if (o == O_FD)
			pfd = cli_passphrase_fd_or_exit(&unlock_cmd, optarg);
	cli_operands_or_exit(&unlock_cmd, argc, argv, 0, 0, NULL);
	cli_sodium_or_exit();
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	char vp[PATH_MAX];
	struct vault_info info;
	if (path_vault(vp, sizeof(vp)) || vault_probe(vp, &info))
		die_status(1, "create one with: hush init", "no vault at %s", vp);
	int r = client_ensure_broker(&cfg);
	if (r)
		die_client(r, false, NOT_RUNNING_HINT);
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
	size_t blen;
	free(control_or_die(MSG_UNLOCK, &ctl, MSG_OK, &blen));
	passphrase_free(&pw);
	printf("unlocked\n");
	return 0;
}

static const struct cli_cmd lock_cmd = {
	"lock",
	"usage: hush lock\n\n"
	"Makes the broker forget the vault key and every approval.\n",
	"", NULL,
};

int cmd_lock(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	cli_plain_or_exit(&lock_cmd, argc, argv, 0, 0, NULL);
	return simple_control(MSG_LOCK, &ctl);
}

static const struct cli_cmd stop_cmd = {
	"stop",
	"usage: hush stop\n\nStops the broker (same as SIGTERM to hushd).\n",
	"", NULL,
};

int cmd_stop(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	cli_plain_or_exit(&stop_cmd, argc, argv, 0, 0, NULL);
	int r = simple_control(MSG_STOP, &ctl);
	client_wait_stopped(5000);
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
	cli_sodium_or_exit();
	/* the client needs the config only for autostart; inside a sandbox it
	 * may be hidden, and the broker holds the real one */
	_cleanup_config_ struct config cfg;
	char err[1024];
	if (config_load_default(&cfg, err, sizeof(err)))
		(void)config_defaults(&cfg);
	struct client_result res;
	int r = client_run(&cfg, grant, no_mask, argv, argc, run_notify, &res);
	if (r)
		die_client(r, false, client_in_sandbox() ? "start it outside the sandbox: hush broker"
				     : cfg.autostart ? NOT_RUNNING_HINT
						     : "autostart = false: start it with: hush broker");
	if (res.what[0]) {
		msg_error("%s", res.what);
		if (res.hint[0])
			msg_hint("%s", res.hint);
	}
	return res.status;
}

static const struct option run_opts[] = {
	CLI_ARG("grant", O_GRANT),
	CLI_FLAG("no-mask", O_NO_MASK),
	CLI_END,
};
static const struct cli_cmd run_cmd = {
	"run",
	"usage: hush run [--grant NAME] [--no-mask] -- CMD [ARGS...]\n\n"
	"Asks the broker to run CMD with the secrets its grant allows. The broker\n"
	"resolves CMD itself (never through your PATH), asks a human unless a\n"
	"live approval covers it, and runs it in this directory with this\n"
	"terminal, a clean environment and the secrets; output is masked.\n\n"
	"  --grant NAME   use only this grant\n"
	"  --no-mask      do not mask output (only if the grant allows it)\n\n"
	"Exit status: the command's; 77 when refused (no grant, denied,\n"
	"timed out, vault locked), with the reason on stderr.\n",
	"+", run_opts, /* options end at CMD: its own are its own */
};

int cmd_run(int argc, char **argv)
{
	const char *grant = NULL;
	bool no_mask = false;
	int o;
	while ((o = cli_getopt_or_exit(&run_cmd, argc, argv)) != -1) {
		if (o == O_GRANT && strlen(optarg) >= PROTO_MAX_NAME)
			die_usage("run", "grant name too long");
		if (o == O_GRANT)
			grant = optarg;
		no_mask |= o == O_NO_MASK;
	}
	if (optind >= argc)
		die_usage("run", "no command given");
	return do_run(grant, no_mask, argv + optind, (size_t)(argc - optind));
}

int cmd_run_as_link(int argc, char **argv)
{
	char name[PATH_MAX];
	snprintf(name, sizeof(name), "%s", argc > 0 ? argv[0] : "");
	char *base = basename(name);
	if (!*base)
		die_usage(NULL, "cannot tell which command this link stands for");
	argv[0] = base;
	msg_set_progname("hush");
	return do_run(NULL, false, argv, (size_t)argc);
}

/* --- pending / approve / deny --- */

/* One pending request, one line. Everything but the id and the grant's
 * own command comes from the requester: escaped, so it cannot fake lines
 * or escapes. */
static void print_pending(const struct proto_pending_item *it)
{
	char age[32], shown[1024];
	format_duration(it->age, age, sizeof(age));
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

static void fetch_pending(struct proto_pending *p)
{
	struct proto_control ctl = { .id = 0 };
	size_t blen;
	_cleanup_free_ uint8_t *body = control_or_die(MSG_PENDING, &ctl, MSG_PENDING_REPLY, &blen);
	if (proto_dec_pending(body, blen, p))
		die("malformed reply from the broker");
}

static const struct cli_cmd pending_cmd = {
	"pending",
	"usage: hush pending\n\n"
	"Lists run requests waiting for a human: id, grant, command, arguments,\n"
	"working directory, requesting pid and age. Approve with\n"
	"'hush approve ID', refuse with 'hush deny ID'.\n",
	"", NULL,
};

int cmd_pending(int argc, char **argv)
{
	cli_plain_or_exit(&pending_cmd, argc, argv, 0, 0, NULL);
	struct proto_pending p;
	fetch_pending(&p);
	if (p.n == 0)
		printf("no pending requests\n");
	for (size_t i = 0; i < p.n; i++)
		print_pending(&p.items[i]);
	proto_pending_free(&p);
	return 0;
}

static const struct option approve_opts[] = { CLI_ARG("for", O_FOR), CLI_END };
static const struct cli_cmd approve_cmd = {
	"approve",
	"usage: hush approve [ID] [--for DURATION]\n\n"
	"Approves a pending request. Without ID, on a terminal: shows the only\n"
	"pending one and asks (y/N), then approves exactly that one.\n"
	"--for 10m also approves further runs of the same grant in the same\n"
	"directory for that long.\n",
	"", approve_opts,
};

static const struct cli_cmd deny_cmd = {
	"deny",
	"usage: hush deny [ID]\n\n"
	"Refuses a pending request (without ID: the only pending one); the\n"
	"requester gets exit status 77.\n",
	"", NULL,
};

/* The optional ID operand of approve and deny (0: the only pending one). */
static uint64_t request_id_or_exit(const struct cli_cmd *c, int argc, char **argv)
{
	if (!cli_operands_or_exit(c, argc, argv, 0, 1, NULL))
		return 0;
	const char *s = argv[optind];
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 10);
	if (*e || errno || v == 0 || s[0] == '-')
		die_usage(c->name, "bad request id '%s'", s);
	return v;
}

/* hush approve without an ID: the one pending request, shown and
 * confirmed on the terminal, so that what is approved is what the human
 * read (a request swapped in meanwhile has another ID and is refused). */
static uint64_t confirm_only_pending(void)
{
	struct proto_pending p;
	fetch_pending(&p);
	if (p.n != 1) {
		proto_pending_free(&p);
		die_status(p.n ? 2 : 1, p.n ? "name one: hush approve ID (see hush pending)" : NULL,
			   "approve: %s", p.n ? "several requests are pending" : "no request is pending");
	}
	uint64_t id = p.items[0].id;
	if (!isatty(0)) {
		proto_pending_free(&p);
		die_status(2, "name it: hush approve ID (see hush pending)",
			   "approve: without a terminal to ask on, the request must be named");
	}
	print_pending(&p.items[0]);
	proto_pending_free(&p);
	printf("Approve request %llu (y/N): ", (unsigned long long)id);
	if (!cli_answer_yes())
		die_status(1, NULL, "approve: not approved");
	return id;
}

int cmd_approve(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	int o;
	while ((o = cli_getopt_or_exit(&approve_cmd, argc, argv)) != -1)
		if (o == O_FOR && (parse_duration(optarg, &ctl.for_secs) || ctl.for_secs == 0))
			die_usage("approve", "bad duration '%s' (e.g. 90s, 10m, 2h)", optarg);
	ctl.id = request_id_or_exit(&approve_cmd, argc, argv);
	if (!ctl.id)
		ctl.id = confirm_only_pending();
	return simple_control(MSG_APPROVE, &ctl);
}

int cmd_deny(int argc, char **argv)
{
	while (cli_getopt_or_exit(&deny_cmd, argc, argv) != -1)
		;
	struct proto_control ctl = { .id = request_id_or_exit(&deny_cmd, argc, argv) };
	return simple_control(MSG_DENY, &ctl);
}

/* --- audit --- */

static const struct option audit_opts[] = {
	CLI_ARG("since", O_SINCE),
	CLI_FLAG("json", O_JSON),
	CLI_END,
};
static const struct cli_cmd audit_cmd = {
	"audit",
	"usage: hush audit [--since DURATION] [--json]\n\n"
	"Shows the audit log (<data>/audit.log): one line per request with time,\n"
	"decision, grant, command and arguments, working directory, requesting\n"
	"pid, who approved and the exit status. Never a secret value.\n\n"
	"  --since 1h   only entries from the last hour (90s, 10m, 2h, 1d)\n"
	"  --json       the raw JSON Lines\n",
	"", audit_opts,
};

static void show_entry(void *json, const char *line, const struct audit_record *rec)
{
	if (json)
		fputs(line, stdout);
	else
		audit_print(stdout, rec);
}

int cmd_audit(int argc, char **argv)
{
	uint64_t since = 0;
	bool json = false;
	int o;
	while ((o = cli_getopt_or_exit(&audit_cmd, argc, argv)) != -1) {
		if (o == O_SINCE && parse_duration(optarg, &since))
			die_usage("audit", "bad duration '%s' (e.g. 90s, 10m, 2h, 1d)", optarg);
		json |= o == O_JSON;
	}
	cli_operands_or_exit(&audit_cmd, argc, argv, 0, 0, NULL);
	char path[PATH_MAX];
	size_t bad;
	if (audit_path(path, sizeof(path)))
		die("path too long");
	int r = audit_read(path, since ? time_now() - (int64_t)since : 0, show_entry,
			   json ? &json : NULL, &bad);
	if (r == HUSH_ENOENT && !json)
		printf("no audit entries yet\n");
	else if (r && r != HUSH_ENOENT)
		die("cannot read %s: %s", path, strerror(errno));
	if (bad)
		msg_warn("%zu unreadable line%s in %s", bad, bad == 1 ? "" : "s", path);
	return 0;
}

/* --- shims --- */

static const struct cli_cmd shims_cmd = {
	"shims",
	"usage: hush shims DIR\n\n"
	"Creates in DIR one link per granted command (named after the command's\n"
	"basename) pointing to hush. Called through such a link, hush behaves\n"
	"as 'hush run -- NAME ARGS...', so with DIR first on PATH every program\n"
	"that runs NAME goes through the broker.\n",
	"", NULL,
};

int cmd_shims(int argc, char **argv)
{
	cli_plain_or_exit(&shims_cmd, argc, argv, 1, 1, "DIR");
	const char *dir = argv[optind];
	struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	char err[1024];
	int n = shims_create(&cfg, dir, NULL, err, sizeof(err));
	config_free(&cfg);
	if (n < 0)
		die("cannot create the links: %s", err);
	printf("%d link%s in %s\n", n, n == 1 ? "" : "s", dir);
	if (n == 0)
		msg_hint("no grant has a command; add [grant NAME] sections to config.ini");
	return 0;
}
