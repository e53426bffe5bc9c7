/* SPDX-License-Identifier: ISC */
/* request_decide(): the broker's rules for a matched run request. */
#include <string.h>

#include "broker/decide.h"
#include "tests/unit/t.h"

static struct decision decide(struct decide_facts f)
{
	struct decision d;
	request_decide(&f, &d);
	return d;
}

int main(void)
{
	struct grant_secret sec = { .env = "TOKEN", .secret = "TOKEN" };
	struct grant g = { .name = "deploy", .command = "/bin/true", .secrets = &sec, .nsecrets = 1 };
	struct decide_facts f = { .g = &g, .broker_ui = CONFIRM_UI_DESKTOP };
	struct decision d;

	/* --no-mask needs allow_no_mask */
	f.no_mask = true;
	d = decide(f);
	ok(d.verdict == DECIDE_REFUSE && d.status == 77 && strstr(d.what, "does not allow --no-mask"),
	   "--no-mask without allow_no_mask is refused (77)");
	g.allow_no_mask = true;
	ok(decide(f).verdict == DECIDE_NEED_KEY, "with allow_no_mask it goes on");
	f.no_mask = false;

	/* the key: asked for only when the grant has secrets */
	ok(decide(f).verdict == DECIDE_NEED_KEY, "secrets and an unknown key: look it up first");
	f.key = DECIDE_KEY_NO_VAULT;
	d = decide(f);
	ok(d.verdict == DECIDE_REFUSE && !strcmp(d.what, "no vault") && strstr(d.hint, "hush init"),
	   "no vault: refused with the hint to create one");
	f.key = DECIDE_KEY_LOCKED;
	d = decide(f);
	ok(d.verdict == DECIDE_REFUSE && !strcmp(d.what, "vault is locked") && strstr(d.hint, "hush unlock"),
	   "locked vault: refused before bothering a human");
	g.nsecrets = 0;
	ok(decide(f).verdict == DECIDE_ASK, "a grant without secrets does not need the key");
	g.nsecrets = 1;
	f.key = DECIDE_KEY_READY;

	/* policy and approvals */
	g.policy = CONFIRM_POLICY_NEVER;
	d = decide(f);
	ok(d.verdict == DECIDE_RUN && !strcmp(d.by, "policy"), "confirm = never runs (by policy)");
	g.policy = CONFIRM_POLICY_TTL;
	f.broker_ui = CONFIRM_UI_NONE;
	ok(decide(f).verdict == DECIDE_RUN, "ui none runs");
	f.broker_ui = CONFIRM_UI_DESKTOP;
	f.approved = true;
	d = decide(f);
	ok(d.verdict == DECIDE_RUN && !strcmp(d.by, "ttl-reuse"), "a live approval is reused");
	f.approved = false;

	/* how a human is asked */
	d = decide(f);
	ok(d.verdict == DECIDE_ASK && d.ui == CONFIRM_UI_DESKTOP && !d.program && !d.fallback,
	   "desktop: a dialog");
	f.env_confirm = "/usr/local/bin/confirm";
	d = decide(f);
	ok(d.ui == CONFIRM_UI_COMMAND && !strcmp(d.program, f.env_confirm),
	   "HUSH_CONFIRM of the broker wins over the dialog");
	g.ui = CONFIRM_UI_TERMINAL;
	d = decide(f);
	ok(d.ui == CONFIRM_UI_TERMINAL && !d.program, "a terminal grant stays terminal, HUSH_CONFIRM or not");
	g.ui = CONFIRM_UI_COMMAND;
	g.confirm_command = "/opt/ask";
	f.env_confirm = NULL;
	d = decide(f);
	ok(d.ui == CONFIRM_UI_COMMAND && !strcmp(d.program, "/opt/ask"), "command: the grant's program");
	g.ui = CONFIRM_UI_DEFAULT;
	g.confirm_command = NULL;

	/* a sandbox shares the display */
	f.desktop_refusal = "a sandbox shares the display";
	d = decide(f);
	ok(d.verdict == DECIDE_ASK && d.ui == CONFIRM_UI_TERMINAL && d.fallback == f.desktop_refusal,
	   "display shared: the terminal instead of the dialog, saying why");
	f.broker_command = "/opt/broker-ask";
	d = decide(f);
	ok(d.ui == CONFIRM_UI_COMMAND && !strcmp(d.program, "/opt/broker-ask") && d.fallback,
	   "display shared: the confirmation command when one is configured");
	f.broker_command = NULL;
	f.env_confirm = "/usr/local/bin/confirm";
	d = decide(f);
	ok(d.ui == CONFIRM_UI_COMMAND && !d.fallback, "HUSH_CONFIRM is a command: no fallback needed");
	f.env_confirm = NULL;
	g.ui = CONFIRM_UI_TERMINAL;
	d = decide(f);
	ok(d.ui == CONFIRM_UI_TERMINAL && !d.fallback, "a terminal grant is not a fallback");
	return t_done();
}
