/* SPDX-License-Identifier: ISC */
/* The broker commands: hush broker (hushd), status, unlock, lock, stop, run
 * (and hush called through a shim link), pending, approve, deny, audit,
 * shims. The daemon is broker/daemon.c; the client side broker/client.c
 * and broker/client_ctl.c. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/audit.h"
#include "broker/client.h"
#include "broker/client_ctl.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/proc.h"
#include "common/util.h"
#include "config/config.h"

enum { O_GRANT = CLI_O_OWN, O_NO_MASK, O_FOR, O_SINCE };

static const struct cli_cmd status_cmd = { "status", cli_help_status, "", NULL };
static const struct option unlock_opts[] = { CLI_OPT_FD, CLI_END };
static const struct cli_cmd unlock_cmd = { "unlock", cli_help_unlock, "", unlock_opts };
static const struct cli_cmd lock_cmd = { "lock", cli_help_lock, "", NULL };
static const struct cli_cmd stop_cmd = { "stop", cli_help_stop, "", NULL };
static const struct option run_opts[] = { CLI_ARG("grant", O_GRANT), CLI_FLAG("no-mask", O_NO_MASK), CLI_END };
/* "+": options end at CMD, its own are its own */
static const struct cli_cmd run_cmd = { "run", cli_help_run, "+", run_opts };
static const struct cli_cmd pending_cmd = { "pending", cli_help_pending, "", NULL };
static const struct option approve_opts[] = { CLI_ARG("for", O_FOR), CLI_END };
static const struct cli_cmd approve_cmd = { "approve", cli_help_approve, "", approve_opts };
static const struct cli_cmd deny_cmd = { "deny", cli_help_deny, "", NULL };
static const struct option audit_opts[] = { CLI_ARG("since", O_SINCE), CLI_OPT_JSON, CLI_END };
static const struct cli_cmd audit_cmd = { "audit", cli_help_audit, "", audit_opts };
static const struct cli_cmd shims_cmd = { "shims", cli_help_shims, "", NULL };

_Noreturn static void die_failure(const struct client_failure *f)
{
	cli_fail(f->status, f->what, f->hint);
}

/* A control request answered by a line of text, which is printed. */
static int simple_control(uint8_t type, struct proto_control *ctl)
{
	struct client_failure f;
	_cleanup_free_ char *text = NULL;
	if (client_control_text(type, ctl, &text, &f))
		die_failure(&f);
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
	char d[PATH_MAX];
	int r = proc_sibling_path("hushd", d, sizeof(d));
	if (r == HUSH_EIO)
		die("broker: cannot find this program's path: %s", strerror(errno));
	if (r)
		die("broker: path too long");
	argv[0] = "hushd";
	execv(d, argv);
	die_status(1, "install hushd beside hush (make install does)", "broker: cannot run %s: %s", d,
		   strerror(errno));
}

int cmd_status(int argc, char **argv)
{
	cli_plain_or_exit(&status_cmd, argc, argv, 0, 0, NULL);
	struct proto_status st;
	struct client_failure f;
	int r = client_status(&st, &f);
	if (r == HUSH_ENOENT) {
		printf("broker: not running\n");
		return 1;
	}
	if (r)
		die_failure(&f);
	client_write_status(stdout, &st);
	return 0;
}

int cmd_unlock(int argc, char **argv)
{
	int o, pfd = -1;
	while ((o = cli_getopt_or_exit(&unlock_cmd, argc, argv)) != -1)
		pfd = cli_passphrase_fd_or_exit(&unlock_cmd, optarg);
	cli_operands_or_exit(&unlock_cmd, argc, argv, 0, 0, NULL);
	cli_sodium_or_exit();
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	struct client_failure f;
	if (client_unlock(&cfg, pfd, &f))
		die_failure(&f);
	printf("unlocked\n");
	return 0;
}

int cmd_lock(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	cli_plain_or_exit(&lock_cmd, argc, argv, 0, 0, NULL);
	return simple_control(MSG_LOCK, &ctl);
}

int cmd_stop(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	cli_plain_or_exit(&stop_cmd, argc, argv, 0, 0, NULL);
	simple_control(MSG_STOP, &ctl);
	client_wait_stopped(5000);
	return 0;
}

/* --- run --- */

static void run_notify(const char *kind, uint64_t id, const char *text)
{
	client_write_notice(stderr, kind, id, text);
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
	if (r) {
		struct client_failure f;
		client_explain(r, false, client_in_sandbox() ? "start it outside the sandbox: hush broker"
					 : cfg.autostart ? CLIENT_NOT_RUNNING_HINT
							 : "autostart = false: start it with: hush broker", &f);
		die_failure(&f);
	}
	if (res.what[0]) {
		msg_error("%s", res.what);
		if (res.hint[0])
			msg_hint("%s", res.hint);
	}
	return res.status;
}

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

static void fetch_pending(struct proto_pending *p)
{
	struct client_failure f;
	if (client_pending(p, &f))
		die_failure(&f);
}

int cmd_pending(int argc, char **argv)
{
	cli_plain_or_exit(&pending_cmd, argc, argv, 0, 0, NULL);
	struct proto_pending p;
	fetch_pending(&p);
	if (p.n == 0)
		printf("no pending requests\n");
	for (size_t i = 0; i < p.n; i++)
		client_write_pending(stdout, &p.items[i]);
	proto_pending_free(&p);
	return 0;
}

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
	size_t n = p.n;
	uint64_t id = n == 1 ? p.items[0].id : 0;
	if (n == 1 && isatty(0))
		client_write_pending(stdout, &p.items[0]);
	proto_pending_free(&p);
	if (n != 1)
		die_status(n ? 2 : 1, n ? "name one: hush approve ID (see hush pending)" : NULL,
			   "approve: %s", n ? "several requests are pending" : "no request is pending");
	if (!isatty(0))
		die_status(2, "name it: hush approve ID (see hush pending)",
			   "approve: without a terminal to ask on, the request must be named");
	printf("Approve request %llu (y/N): ", (unsigned long long)id);
	if (!cli_answer_yes())
		die_status(1, NULL, "approve: not approved");
	return id;
}

int cmd_approve(int argc, char **argv)
{
	struct proto_control ctl = { .id = 0 };
	while (cli_getopt_or_exit(&approve_cmd, argc, argv) != -1)
		if (parse_duration(optarg, &ctl.for_secs) || ctl.for_secs == 0)
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

/* --- audit, shims --- */

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
		json |= o == CLI_O_JSON;
	}
	cli_operands_or_exit(&audit_cmd, argc, argv, 0, 0, NULL);
	char path[PATH_MAX];
	size_t bad;
	if (audit_path(path, sizeof(path)))
		die_status(2, NULL, "path too long");
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

int cmd_shims(int argc, char **argv)
{
	cli_plain_or_exit(&shims_cmd, argc, argv, 1, 1, "DIR");
	const char *dir = argv[optind];
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	char err[1024];
	int n = shims_create(&cfg, dir, NULL, err, sizeof(err));
	if (n < 0)
		die("cannot create the links: %s", err);
	printf("%d link%s in %s\n", n, n == 1 ? "" : "s", dir);
	if (n == 0)
		msg_hint("no grant has a command; add [grant NAME] sections to config.ini");
	return 0;
}
