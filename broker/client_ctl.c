/* SPDX-License-Identifier: ISC */
/* The hush commands' control requests and the broker's answers for a
 * terminal: see client_ctl.h. */
#include "broker/client_ctl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/client.h"
#include "broker/daemon.h"
#include "common/util.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static int fail(struct client_failure *f, int r, int status, const char *hint, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

/* Fills f and returns r. */
static int fail(struct client_failure *f, int r, int status, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	f->status = status;
	snprintf(f->hint, sizeof(f->hint), "%s", hint ? hint : "");
	return r;
}

void client_explain(int r, bool control, const char *hint, struct client_failure *f)
{
	char path[PATH_MAX] = "?";
	switch (r) {
	case HUSH_ENOENT:
		fail(f, r, 1, hint, "the broker is not running");
		return;
	case HUSH_EPERM:
		fail(f, r, 1, "control requests only work outside the sandbox, as the broker's user",
		     "cannot read the broker's control token");
		return;
	case HUSH_ENOTBROKER: /* someone else answers on its socket: nothing was sent */
		client_socket_path(control, path, sizeof(path));
		fail(f, r, 1,
		     client_in_sandbox() ? "the broker runs outside the sandbox; a process in here listens instead"
					 : "another program took the broker's socket: stop it, remove the "
					   "socket and start the broker again (hush broker)",
		     "refusing %s: %s", path, client_peer_problem());
		return;
	case HUSH_ECONFIG:
		fail(f, r, 2, "check it with: hush config check",
		     "the broker did not start: its configuration has an error (above)");
		return;
	case HUSH_ETOOBIG:
		fail(f, r, 2, NULL, "run request too large (arguments or environment)");
		return;
	case HUSH_EFORMAT:
		fail(f, r, 1, NULL, "malformed reply from the broker");
		return;
	default:
		fail(f, r, 1, NULL, "cannot talk to the broker: %s", hush_strerror(r));
	}
}

/* A control request whose reply must be of type want, decoded by dec
 * into out (dec NULL: nothing to decode). 0, or a code with f filled. */
static int control(uint8_t type, struct proto_control *ctl, uint8_t want,
		   int (*dec)(const uint8_t *p, size_t n, void *out), void *out,
		   struct client_failure *f)
{
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(type, ctl, &rt, &body, &blen);
	if (r) {
		client_explain(r, true, CLIENT_NOT_RUNNING_HINT, f);
		return r;
	}
	struct proto_error e;
	if (rt == MSG_ERROR && proto_dec_error(body, blen, &e) == 0) {
		fail(f, HUSH_EREFUSED, e.status, e.hint, "%s", e.what);
		proto_error_free(&e);
		r = HUSH_EREFUSED;
	} else if (rt != want || (dec && dec(body, blen, out))) {
		client_explain(r = HUSH_EFORMAT, true, NULL, f);
	}
	free(body);
	return r;
}

static int dec_text(const uint8_t *p, size_t n, void *out)
{
	return proto_dec_text(p, n, out);
}

static int dec_pending(const uint8_t *p, size_t n, void *out)
{
	return proto_dec_pending(p, n, out);
}

int client_control_text(uint8_t type, struct proto_control *ctl, char **text,
			struct client_failure *f)
{
	*text = NULL;
	return control(type, ctl, MSG_OK, dec_text, text, f);
}

int client_status(struct proto_status *st, struct client_failure *f)
{
	struct proto_control ctl = { .id = 0 };
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(MSG_STATUS, &ctl, &rt, &body, &blen);
	if (r) {
		client_explain(r, true, NULL, f);
		return r;
	}
	if (rt != MSG_STATUS_REPLY || proto_dec_status(body, blen, st))
		client_explain(r = HUSH_EFORMAT, true, NULL, f);
	free(body);
	return r;
}

int client_pending(struct proto_pending *p, struct client_failure *f)
{
	struct proto_control ctl = { .id = 0 };
	return control(MSG_PENDING, &ctl, MSG_PENDING_REPLY, dec_pending, p, f);
}

int client_unlock(const struct config *cfg, int passphrase_fd, struct client_failure *f)
{
	char vp[PATH_MAX];
	struct vault_info info;
	int r = path_vault(vp, sizeof(vp));
	if (r)
		return fail(f, r, 2, "check HUSH_HOME / XDG_DATA_HOME", "cannot find the vault path: %s",
			    hush_strerror(r));
	if (vault_probe(vp, &info))
		return fail(f, HUSH_ENOENT, 1, "create one with: hush init", "no vault at %s", vp);
	r = client_ensure_broker(cfg);
	if (r) {
		client_explain(r, false, CLIENT_NOT_RUNNING_HINT, f);
		return r;
	}
	struct proto_control ctl = { .id = 0 };
	struct passphrase pw = { NULL, 0 };
	if (info.source != VAULT_KEY_KEYRING) {
		struct passphrase_src src = { .fd = passphrase_fd, .askpass = cfg->askpass };
		char why[256] = "";
		if ((r = passphrase_get(&src, PASSPHRASE_UNLOCK, "Vault passphrase: ", &pw, why,
					sizeof(why))))
			return fail(f, r, 1, "set HUSH_ASKPASS to a program that prints the passphrase, or "
				    "pass --passphrase-fd N", "cannot get the vault passphrase: %s", why);
		ctl.pass = pw.s;
		ctl.passlen = pw.len;
	}
	r = control(MSG_UNLOCK, &ctl, MSG_OK, NULL, NULL, f);
	passphrase_free(&pw);
	return r;
}

void client_write_status(FILE *out, const struct proto_status *st)
{
	char up[32];
	format_duration(st->uptime, up, sizeof(up));
	fprintf(out, "broker: running (pid %u, up %s)\n", st->pid, up);
	fprintf(out, "vault: %s\n", st->locked ? "locked" : "unlocked");
	fprintf(out, "pending: %u\napprovals: %u\nrunning: %u\nsandbox sessions: %u\n", st->pending,
		st->approvals, st->running, st->sessions);
	if (st->proxy_port)
		fprintf(out, "credential proxy: 127.0.0.1:%u\n", st->proxy_port);
	else
		fprintf(out, "credential proxy: not running (it starts with a sandbox that has a "
			"credential in the vault)\n");
	char data[PATH_MAX], logp[PATH_MAX];
	if (!path_data(data, sizeof(data)) &&
	    !xsnprintf(logp, sizeof(logp), "%s/" DAEMON_LOG_NAME, data))
		fprintf(out, "log: %s%s\n", logp, access(logp, F_OK) == 0 ? "" : " (none yet; a broker "
			"in the foreground logs to its stderr)");
}

void client_write_pending(FILE *out, const struct proto_pending_item *it)
{
	char age[32], shown[1024];
	format_duration(it->age, age, sizeof(age));
	fprintf(out, "%llu  grant=%s  %s", (unsigned long long)it->id, it->grant, it->command);
	for (size_t k = 0; k < it->argc; k++) {
		str_display(it->argv[k], shown, sizeof(shown));
		fprintf(out, " %s", shown);
	}
	str_display(it->cwd, shown, sizeof(shown));
	fprintf(out, "  cwd=%s", shown);
	str_display(it->exe[0] ? it->exe : "?", shown, sizeof(shown));
	fprintf(out, "  pid=%u (%s)  age=%s\n", it->pid, shown, age);
}

void client_write_notice(FILE *out, const char *kind, uint64_t id, const char *text)
{
	const char *prog = msg_progname();
	if (strcmp(kind, "waiting"))
		fprintf(out, "%s: warning: %s\n", prog, text);
	else if (!strcmp(text, "terminal"))
		fprintf(out, "%s: waiting for approval: from a terminal outside the sandbox run "
			"'hush approve %llu' (or 'hush deny %llu')\n", prog, (unsigned long long)id,
			(unsigned long long)id);
	else
		fprintf(out, "%s: waiting for approval (%s)\n", prog,
			!strcmp(text, "ui") ? "a dialog on the desktop" : "confirmation program");
}
