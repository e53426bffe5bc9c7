/* SPDX-License-Identifier: ISC */
/* Unit tests for what library code writes and says for the commands: the
 * broker client's failures and lines (broker/client_ctl.h), hush doctor's
 * summary (broker/doctor.h), hush config check's summary (config/lint.h)
 * and the starter config hush setup writes (config/starter.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/client_ctl.h"
#include "broker/doctor.h"
#include "common/util.h"
#include "config/lint.h"
#include "config/starter.h"
#include "t.h"

static char *buf;
static size_t len;

static FILE *open_out(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static const char *close_out(FILE *f)
{
	fclose(f);
	return buf;
}

static void test_explain(void)
{
	struct client_failure f;
	client_explain(HUSH_ENOENT, true, CLIENT_NOT_RUNNING_HINT, &f);
	ok(f.status == 1 && !strcmp(f.what, "the broker is not running") &&
	   !strcmp(f.hint, "start it with: hush broker"), "no broker: exit 1, how to start one");
	client_explain(HUSH_ENOENT, true, NULL, &f);
	ok(!f.hint[0], "... or no hint");
	client_explain(HUSH_ECONFIG, false, NULL, &f);
	ok(f.status == 2 && strstr(f.hint, "hush config check"), "its config did not load: exit 2");
	client_explain(HUSH_ETOOBIG, false, NULL, &f);
	ok(f.status == 2 && !f.hint[0], "a request too large: exit 2");
	client_explain(HUSH_EFORMAT, true, NULL, &f);
	ok(f.status == 1 && !strcmp(f.what, "malformed reply from the broker"), "a malformed reply");
	client_explain(HUSH_EPERM, true, NULL, &f);
	ok(f.status == 1 && strstr(f.what, "control token"), "no control token");
	client_explain(HUSH_EIO, true, NULL, &f);
	ok(f.status == 1 && !strcmp(f.what, "cannot talk to the broker: input/output error"),
	   "anything else: %s", f.what);
	client_explain(HUSH_ENOTBROKER, true, NULL, &f);
	ok(f.status == 1 && !strncmp(f.what, "refusing ", 9) && f.hint[0], "someone else on the socket");
}

static void test_lines(void)
{
	setenv("HUSH_HOME", "/nonexistent/hush-home", 1);
	struct proto_status st = { .pid = 42, .locked = 1, .pending = 2, .uptime = 90 };
	FILE *f = open_out();
	client_write_status(f, &st);
	const char *s = close_out(f);
	ok(!strncmp(s, "broker: running (pid 42, up ", 28) && strstr(s, "\nvault: locked\npending: 2\n") &&
	   strstr(s, "credential proxy: not running") &&
	   strstr(s, "log: /nonexistent/hush-home/hushd.log (none yet"), "status lines");
	st.proxy_port = 8443;
	f = open_out();
	client_write_status(f, &st);
	ok(strstr(close_out(f), "credential proxy: 127.0.0.1:8443\n") != NULL, "the proxy's port");
	char *argv[] = { "deploy", "x\ny" };
	struct proto_pending_item it = { .id = 7, .grant = "g", .command = "/bin/c", .argc = 2,
					 .argv = argv, .cwd = "/p", .pid = 9, .exe = "", .age = 5 };
	f = open_out();
	client_write_pending(f, &it);
	s = close_out(f);
	ok(!strncmp(s, "7  grant=g  /bin/c deploy $'x\\ny'  cwd=/p  pid=9 ($'?')  age=", 58) &&
	   strchr(s, '\n') == s + strlen(s) - 1,
	   "one pending request on one line, the requester's newline escaped: %s", s);
	msg_set_progname("hush");
	f = open_out();
	client_write_notice(f, "waiting", 3, "terminal");
	client_write_notice(f, "waiting", 3, "ui");
	client_write_notice(f, "notice", 0, "look");
	s = close_out(f);
	ok(strstr(s, "hush: waiting for approval: from a terminal outside the sandbox run "
		     "'hush approve 3' (or 'hush deny 3')\n") &&
	   strstr(s, "hush: waiting for approval (a dialog on the desktop)\n") &&
	   strstr(s, "hush: warning: look\n"), "what hush run says while it waits");
	unsetenv("HUSH_HOME");
}

static void test_doctor(void)
{
	struct doctor d = { .overall = DOCTOR_WEAK, .shim = false };
	for (size_t i = 0; i < DOCTOR_CLASSES; i++)
		d.cls[i] = (struct doctor_class){ "read hidden files", i == 0, "how" };
	FILE *f = open_out();
	doctor_write_summary(f, &d);
	const char *s = close_out(f);
	ok(strstr(s, "\n  read hidden files        holds      how\n") &&
	   strstr(s, "NOT held") && strstr(s, "  overall: weak: ") && strstr(s, "without the shim"),
	   "doctor: each class, the verdict, the missing shim");
	struct doctor_check c = { .what = "Landlock", .good = true, .why = "ABI 4" };
	f = open_out();
	doctor_write_check(f, &c);
	ok(!strncmp(close_out(f), "Landlock               working      ABI 4\n", 42), "doctor: one finding");
}

static void test_config_out(void)
{
	struct config_lint res = { .problems = 1, .secrets_wanted = true, .secrets_checked = true,
				   .nsecrets = 3, .missing = 1 };
	FILE *f = open_out();
	config_lint_write(f, &res);
	ok(!strcmp(close_out(f), "secrets: 2 of 3 named by grants in the vault\n1 problem found\n"),
	   "config check: the summary");
	res = (struct config_lint){ .secrets_wanted = true };
	snprintf(res.skipped, sizeof(res.skipped), "the vault needs a passphrase");
	f = open_out();
	config_lint_write(f, &res);
	ok(!strcmp(close_out(f), "secrets: check skipped: the vault needs a passphrase\n"),
	   "config check: why the secrets were not checked");
	char dir[] = "/tmp/hush-starter-XXXXXX", p[64];
	ok(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(p, sizeof(p), "%s/link", dir);
	ok(symlink("/nonexistent/target", p) == 0 &&
	   config_write_starter(p, NULL, 0, false) == HUSH_EEXIST, "starter: never over a link");
	snprintf(p, sizeof(p), "%s/cfg/config.ini", dir);
	const char *agents[] = { "claude" };
	ok(config_write_starter(p, agents, 1, true) == 0 &&
	   config_write_starter(p, agents, 1, true) == HUSH_EEXIST, "starter: written once");
	ok(t_rmtree(dir) == 0, "cleaned up");
}

int main(void)
{
	test_explain();
	test_lines();
	test_doctor();
	test_config_out();
	free(buf);
	return t_done();
}
