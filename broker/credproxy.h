/* SPDX-License-Identifier: ISC */
/* The broker's side of the credential proxy (proxy/proxy.h, docs/proxy.md).
 *
 * The proxy starts with the first sandbox session that has a credential
 * to serve: one whose secret is in the vault. Each such session gets
 * placeholders and a proxy token; the variables the agent gets are in the
 * SESSION_OPEN reply. When the proxy asks for a value (on one of its
 * threads), the ask is posted to the broker's main loop, which decides it
 * as it decides a run: the credential's confirm policy, live approvals for
 * (credential, session), the confirmation UI (never a desktop dialog while
 * a sandbox shares the display), the vault. Every use, refusal and attempt
 * becomes one audit line; never a value. */
#ifndef HUSH_BROKER_CREDPROXY_H
#define HUSH_BROKER_CREDPROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

struct request;
struct credproxy_ask;

/* For a session just registered (ps: its SESSION_OPEN): starts the proxy
 * when needed and fills out->env and out->ca_pem when some credential's
 * secret is in the vault, or the session is PROXY_ONLY (its tunnels then
 * reach only ps->allow_hosts and the credentials' hosts); nothing when
 * NO_PROXY, or no credential can be served to an open session. 0, or a
 * HUSH_E* code with why[n] (the session is then served without it). */
int credproxy_session_open(uint64_t id, const struct proto_session *ps,
			   struct proto_session_reply *out, char *why, size_t n);
/* Ends the proxy's part of sessions no longer in the registry. */
void credproxy_sync(void);

/* The fd that becomes readable when the proxy posted asks (-1 while the
 * proxy is not running), and what the main loop does then. */
int credproxy_fd(void);
void credproxy_serve(void);

/* The decision about a credential use that waited for a human (run.c):
 * yes gives the value, no refuses; r is freed. */
void credproxy_answer(struct request *r, bool yes, const char *by);
/* An ask whose request went away undecided: refused. */
void credproxy_abandon(struct credproxy_ask *a);

/* The proxy's port, 0 while it is not running. */
uint16_t credproxy_port(void);
/* Refuses every waiting ask and stops the proxy (broker exit). */
void credproxy_stop(void);

#endif
