/* SPDX-License-Identifier: ISC */
/* hushd control requests (token-checked): status, lock, unlock, stop,
 * pending, approve, deny, sandbox sessions; and the HELLO answer. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker/approval.h"
#include "broker/credproxy.h"
#include "broker/audit.h"
#include "broker/confirm.h"
#include "broker/grant.h"
#include "broker/keycache.h"
#include "broker/mask.h"
#include "broker/session.h"
#include "broker/spawn.h"
#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/vault.h"
#include "broker/daemon_int.h"

/* --- control requests --- */

static struct request *find_request(uint64_t id, struct conn *c)
{
	struct request *only = NULL;
	size_t count = 0;
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		if (!S.reqs[i])
			continue;
		if (id && S.reqs[i]->id == id)
			return S.reqs[i];
		only = S.reqs[i];
		count++;
	}
	if (id) {
		char what[64];
		snprintf(what, sizeof(what), "no pending request %llu", (unsigned long long)id);
		conn_reply_error(c, 1, what, "list them with: hush pending");
		return NULL;
	}
	if (count == 1)
		return only;
	conn_reply_error(c, count ? 2 : 1,
		    count ? "several requests are pending: name one" : "no request is pending",
		    count ? "list them with: hush pending" : NULL);
	return NULL;
}

static void reply_status(struct conn *c)
{
	uint64_t now = time_mono_ms();
	struct proto_status st = {
		.pid = (uint32_t)getpid(), .locked = keycache_have() ? 0 : 1,
		.approvals = approval_count(now), .running = S.running,
		.sessions = (uint32_t)session_prune(),
		.uptime = (uint64_t)(time_now() - S.started), .proxy_port = credproxy_port(),
	};
	for (size_t i = 0; i < MAX_REQUESTS; i++)
		if (S.reqs[i])
			st.pending++;
	conn_send_scratch(c, proto_enc_status(conn_scratch(), &st));
}

static void reply_pending(struct conn *c)
{
	struct proto_pending_item items[MAX_REQUESTS];
	struct proto_pending p = { .items = items };
	uint64_t now = time_mono_ms();
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		struct request *r = S.reqs[i];
		if (!r)
			continue;
		items[p.n++] = (struct proto_pending_item){
			.id = r->id, .grant = r->g->name, .command = r->exe, .argv = r->run.argv + 1,
			.argc = r->run.argc - 1, .cwd = r->cwd, .pid = (uint32_t)r->pid,
			.exe = r->peer_exe, .age = (now - r->created) / 1000,
		};
	}
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_pending(&b, &p))
		conn_send(c, &b);
	else
		conn_reply_error(c, 1, "pending list too large", NULL);
	buf_free(&b);
}

static void reply_session_open(struct conn *c, const struct proto_session *ps)
{
	uint64_t id;
	int e = session_open(ps, &id);
	if (e) {
		conn_reply_error(c, e == HUSH_ETOOBIG ? 1 : 2,
			    e == HUSH_ETOOBIG   ? "too many sandbox sessions are registered"
			    : e == HUSH_ENOENT ? "cannot register the session: no such process"
					       : "cannot register the session: its process or pid "
						 "namespace does not match",
			    NULL);
		return;
	}
	struct proto_session_reply sr = { .id = id };
	char why[512] = "";
	int pe = credproxy_session_open(id, ps, &sr, why, sizeof(why));
	char note[640] = "";
	if (pe)
		snprintf(note, sizeof(note), "the credential proxy does not serve this session: %s",
			 why);
	sr.note = note;
	conn_send_scratch(c, proto_enc_session_reply(conn_scratch(), &sr));
	sr.note = NULL;
	proto_session_reply_free(&sr);
}

/* Answers a HELLO: proves to the client that we hold the control token,
 * bound to the client's pid as the kernel reports it to us. Returns true
 * when c was closed. */
bool control_hello(struct conn *c, const uint8_t *body, size_t blen)
{
	uint8_t ch[PROTO_CHALLENGE_BYTES], proof[PROTO_PROOF_BYTES];
	if (proto_dec_hello(body, blen, ch)) {
		conn_reply_error(c, 2, "malformed hello", NULL);
		conn_close(c);
		return true;
	}
	proto_hello_proof(S.token, ch, (uint32_t)c->pid, proof);
	conn_send_scratch(c, proto_enc_hello_reply(conn_scratch(), proof));
	sodium_memzero(proof, sizeof(proof));
	c->hello = true;
	return false;
}

/* Returns true when c was closed. */
bool control_request(struct conn *c, uint8_t type, const uint8_t *body, size_t blen)
{
	struct proto_control ctl;
	if (proto_dec_control(type, body, blen, &ctl)) {
		conn_reply_error(c, 2, "malformed control request", NULL);
		conn_close(c);
		return true;
	}
	if (sodium_memcmp(ctl.token, S.token, PROTO_TOKEN_BYTES) != 0) {
		proto_control_free(&ctl);
		conn_reply_error(c, 77, "control request refused: wrong token", NULL);
		conn_close(c);
		return true;
	}
	struct request *r;
	switch (type) {
	case MSG_STATUS:
		reply_status(c);
		break;
	case MSG_STOP:
		conn_reply_ok(c, "stopping");
		S.stop = true;
		break;
	case MSG_LOCK:
		keycache_drop();
		approval_clear();
		conn_reply_ok(c, "locked; approvals dropped");
		break;
	case MSG_UNLOCK: {
		struct vault_info info;
		int e = vault_probe(S.vault_path, &info);
		char why[256] = "";
		if (!e && info.source == VAULT_KEY_KEYRING) {
			keycache_drop();
			e = daemon_ensure_key(why, sizeof(why));
		} else if (!e) {
			e = keycache_unlock_pass(ctl.pass, ctl.passlen);
		}
		if (!e) {
			S.last_use = time_mono_ms();
			conn_reply_ok(c, "unlocked");
		} else if (e == HUSH_EAUTH) {
			conn_reply_error(c, 1, "cannot unlock: wrong passphrase", NULL);
		} else {
			char what[512];
			snprintf(what, sizeof(what), "cannot unlock: %s%s%s", hush_strerror(e),
				 why[0] ? ": " : "", why);
			conn_reply_error(c, 1, what, e == HUSH_ENOENT ? "create a vault with: hush init" : NULL);
		}
		break;
	}
	case MSG_PENDING:
		reply_pending(c);
		break;
	case MSG_APPROVE:
		if (!(r = find_request(ctl.id, c)))
			break;
		if (ctl.for_secs)
			approval_add(r->g->name, r->akey, ctl.for_secs, time_mono_ms());
		if (r->confirm_pid > 0)
			kill(-r->confirm_pid, SIGKILL);
		conn_reply_ok(c, "approved");
		request_decided(r, true, "terminal");
		break;
	case MSG_SESSION_OPEN:
		reply_session_open(c, &ctl.session);
		break;
	case MSG_SESSION_CLOSE:
		if (session_close(ctl.id))
			conn_reply_error(c, 1, "no such session", NULL);
		else
			conn_reply_ok(c, "session ended");
		credproxy_sync();
		break;
	case MSG_DENY:
		if (!(r = find_request(ctl.id, c)))
			break;
		if (r->confirm_pid > 0)
			kill(-r->confirm_pid, SIGKILL);
		conn_reply_ok(c, "denied");
		request_decided(r, false, "terminal");
		break;
	}
	proto_control_free(&ctl);
	return false;
}

