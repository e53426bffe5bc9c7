/* SPDX-License-Identifier: ISC */
/* The broker's decision rules for a matched run request: see decide.h. */
#include "broker/decide.h"

#include <stdio.h>
#include <string.h>

static void refuse(struct decision *d, const char *hint)
{
	d->verdict = DECIDE_REFUSE;
	d->status = 77;
	d->hint = hint;
}

void request_decide(const struct decide_facts *f, struct decision *d)
{
	const struct grant *g = f->g;
	memset(d, 0, sizeof(*d));
	if (f->no_mask && !g->allow_no_mask) {
		snprintf(d->what, sizeof(d->what), "grant '%s' does not allow --no-mask", g->name);
		refuse(d, "set allow_no_mask = true in the grant, or drop --no-mask");
		return;
	}
	/* a locked vault with no way to unlock: refuse before bothering a human */
	if (g->nsecrets > 0 && f->key != DECIDE_KEY_READY) {
		if (f->key == DECIDE_KEY_UNKNOWN) {
			d->verdict = DECIDE_NEED_KEY;
		} else if (f->key == DECIDE_KEY_NO_VAULT) {
			snprintf(d->what, sizeof(d->what), "no vault");
			refuse(d, "create one with: hush init");
		} else {
			snprintf(d->what, sizeof(d->what), "vault is locked");
			refuse(d, "unlock it from a terminal outside the sandbox: hush unlock");
		}
		return;
	}
	enum confirm_ui ui = g->ui != CONFIRM_UI_DEFAULT ? g->ui : f->broker_ui;
	if (g->policy == CONFIRM_POLICY_NEVER || ui == CONFIRM_UI_NONE) {
		d->verdict = DECIDE_RUN;
		d->by = "policy";
		return;
	}
	if (f->approved) {
		d->verdict = DECIDE_RUN;
		d->by = "ttl-reuse";
		return;
	}
	d->verdict = DECIDE_ASK;
	const char *cmd = g->confirm_command ? g->confirm_command : f->broker_command;
	if (ui == CONFIRM_UI_DESKTOP && !f->env_confirm && f->desktop_refusal) {
		/* a sandbox shares the display: a command UI if one is
		 * configured, else the terminal */
		d->fallback = f->desktop_refusal;
		ui = cmd ? CONFIRM_UI_COMMAND : CONFIRM_UI_TERMINAL;
	}
	d->ui = ui;
	if (ui == CONFIRM_UI_TERMINAL)
		return;
	/* HUSH_CONFIRM of the broker wins over the command and the dialog */
	if (f->env_confirm) {
		d->ui = CONFIRM_UI_COMMAND;
		d->program = f->env_confirm;
	} else if (ui == CONFIRM_UI_COMMAND) {
		d->program = cmd;
	}
}
