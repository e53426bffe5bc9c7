/* SPDX-License-Identifier: ISC */
/* The sandbox's session in the broker (broker/session.h): registered by
 * the process that owns the sandbox once the sandbox exists and before the
 * agent starts, closed when it has ended; the hooks of struct sandbox_spec
 * (brokerhook.c). */
#ifndef HUSH_SANDBOX_BROKERHOOK_H
#define HUSH_SANDBOX_BROKERHOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/strv.h"
#include "sandbox/report.h"

struct sandbox_broker_hook {
	bool display;               /* the agent shares the display */
	bool no_proxy, proxy_only;
	const char *allow_hosts;    /* proxy-only: comma-separated, or NULL */
	const char *dir;            /* the session's directory: the CA bundle goes there */
	const struct strv *passed;  /* names passed with --allow-env */
	const struct sandbox_notes *notes;
	const char *journal;        /* the session's journal: the broker checks it
				       before each granted command */
	uint64_t id;                /* the broker's session id, once registered */
};

/* on_start (arg: a struct sandbox_broker_hook): registers the session.
 * The reply brings the credential proxy's variables for the agent
 * (placeholders, base URLs, HTTPS_PROXY) and the session CA, which goes
 * into a trust bundle in dir (named as Debian's, not *.pem, which the shim
 * hides); they are returned for the agent's environment. No broker, or one
 * that refuses, leaves the agent without them (a note says what that
 * costs). */
char **sandbox_broker_hook_start(void *arg, pid_t pid, uint64_t pidns);
/* on_end: closes the session, when one was registered. */
void sandbox_broker_hook_end(void *arg);

#endif
