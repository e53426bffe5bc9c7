/* SPDX-License-Identifier: ISC */
/* The control requests of the hush commands (status, unlock, lock, stop,
 * pending, approve, deny), what a failed broker call means for the user,
 * and the broker's answers written out for a terminal.
 *
 * Library code: a failure comes back in struct client_failure (the exit
 * status of docs/design.md, the line to print, a hint); the writers put
 * their lines on the FILE given. */
#ifndef HUSH_BROKER_CLIENT_CTL_H
#define HUSH_BROKER_CLIENT_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/proto.h"
#include "config/config.h"

/* What to do when no broker answers a control request. */
#define CLIENT_NOT_RUNNING_HINT "start it with: hush broker"

struct client_failure {
	int status;        /* exit status: 1, 2, or the broker's own (77, ...) */
	char what[1200];   /* the line: "the broker is not running" */
	char hint[512];    /* "" = none */
};

/* Fills f with what the client error r (a HUSH_E* code of broker/client.h)
 * means: control says the request went to the control socket, hint is
 * given when no broker runs (HUSH_ENOENT; NULL: no hint). HUSH_EFORMAT is
 * a reply of the wrong type or shape. */
void client_explain(int r, bool control, const char *hint, struct client_failure *f);

/* A control request whose answer is a line of text (MSG_OK): lock, stop,
 * approve, deny. 0 with *text (malloc'd, maybe ""), or a HUSH_E* code with
 * f filled (HUSH_EREFUSED: the broker's own refusal and status). */
int client_control_text(uint8_t type, struct proto_control *ctl, char **text,
			struct client_failure *f);

/* The broker's state. 0, HUSH_ENOENT (no broker runs; f filled too) or
 * another code with f filled. */
int client_status(struct proto_status *st, struct client_failure *f);

/* The requests waiting for a human (free with proto_pending_free). 0, or
 * a code with f filled. */
int client_pending(struct proto_pending *p, struct client_failure *f);

/* hush unlock: the vault must exist (its path not worked out: status 2,
 * as every input error; no vault: 1); the broker is started if needed
 * (cfg's autostart); for a passphrase vault the passphrase is read the
 * documented way (passphrase_fd, cfg's askpass, the terminal) and sent.
 * 0, or a code with f filled. */
int client_unlock(const struct config *cfg, int passphrase_fd, struct client_failure *f);

/* hush status: the state as "key: value" lines, and where the log is. */
void client_write_status(FILE *out, const struct proto_status *st);

/* One pending request on one line. Everything but the id and the grant's
 * own command comes from the requester: escaped, so it cannot fake lines
 * or escapes. */
void client_write_pending(FILE *out, const struct proto_pending_item *it);

/* A broker message while hush run waits (client_notify_fn's): how the
 * human is asked for request id, or a notice as a warning. */
void client_write_notice(FILE *out, const char *kind, uint64_t id, const char *text);

#endif
