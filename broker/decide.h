/* SPDX-License-Identifier: ISC */
/* How the broker decides a run request once a grant matched: refuse, run
 * now, or ask a human (and how). Pure: run.c gathers the facts (the key
 * cache, live approvals, sandbox sessions, the broker's environment) and
 * acts on the decision, so every rule can be unit-tested here. */
#ifndef HUSH_BROKER_DECIDE_H
#define HUSH_BROKER_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

enum decide_key {
	DECIDE_KEY_UNKNOWN = 0, /* not looked up yet */
	DECIDE_KEY_READY,       /* the vault key is cached */
	DECIDE_KEY_NO_VAULT,
	DECIDE_KEY_LOCKED,      /* and no way to unlock without a human */
};

struct decide_facts {
	const struct grant *g;
	enum confirm_ui broker_ui;    /* [broker] confirm */
	const char *broker_command;   /* [broker] confirm command, or NULL */
	bool no_mask;                 /* the request asks for --no-mask */
	enum decide_key key;          /* only looked at when the grant has secrets */
	bool approved;                /* a live approval covers (grant, cwd) */
	const char *env_confirm;      /* HUSH_CONFIRM (absolute) of the broker, or NULL */
	const char *desktop_refusal;  /* session_desktop_refusal(requester), or NULL */
};

enum decide_verdict {
	DECIDE_REFUSE,
	DECIDE_NEED_KEY, /* look the key up (it may run askpass), then decide again */
	DECIDE_RUN,
	DECIDE_ASK,
};

struct decision {
	enum decide_verdict verdict;
	/* DECIDE_REFUSE */
	uint8_t status;               /* 77 */
	char what[256];
	const char *hint;
	/* DECIDE_RUN: "policy" or "ttl-reuse" */
	const char *by;
	/* DECIDE_ASK: CONFIRM_UI_TERMINAL, _COMMAND (program set) or _DESKTOP */
	enum confirm_ui ui;
	const char *program;
	const char *fallback;         /* why a desktop dialog is not used, or NULL */
};

/* Fills *d from *f. */
void request_decide(const struct decide_facts *f, struct decision *d);

#endif
