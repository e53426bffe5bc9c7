/* SPDX-License-Identifier: ISC */
/* The client side of the broker, used by the hush commands and by
 * hush sandbox: connecting (starting the broker on demand), control
 * requests with the token, running a command through the broker, and the
 * shim links of hush shims.
 *
 * Library code: nothing here prints; messages for the user come back in
 * struct client_result or through the notify callback. */
#ifndef HUSH_BROKER_CLIENT_H
#define HUSH_BROKER_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/proto.h"
#include "config/config.h"

/* <runtime>/client.sock or <runtime>/control/sock. 0 or HUSH_ETOOBIG. */
int client_socket_path(bool control, char *out, size_t n);

/* Connects to the broker and checks who answers before anything is sent:
 * the peer's uid must be ours; outside hush sandbox the peer must answer a
 * random challenge with proto_hello_proof() made with the control token
 * (so only the process that wrote the token qualifies); inside, the peer
 * must run outside the sandbox (its pid invisible to us, or refused a
 * signal by Landlock scoping). 0 with *fd, HUSH_ENOENT when no broker
 * listens, HUSH_ENOTBROKER when someone else answers
 * (client_peer_problem() says why), HUSH_EPERM / HUSH_EIO otherwise. */
int client_connect(bool control, int *fd);

/* Why the last client_connect() returned HUSH_ENOTBROKER (static text). */
const char *client_peer_problem(void);

#define CLIENT_HELLO_TIMEOUT_MS 10000

/* Starts the broker by running "<hush_path> broker" (which detaches once its
 * sockets listen) and waits for it. NULL hush_path = this executable.
 * 0 (also when one was already running), HUSH_ECONFIG (it exited 2: its
 * configuration did not load, and it said why on stderr) or HUSH_EIO. */
int client_start_broker(const char *hush_path);

/* After a stop request: waits up to timeout_ms until the broker has removed
 * its pid file (<runtime>/hushd.pid), so that a new one can start. */
void client_wait_stopped(int timeout_ms);
/* True inside hush sandbox (HUSH_SANDBOX=1), where no broker is started. */
bool client_in_sandbox(void);

/* Makes sure a broker runs: connects, and when none listens and
 * cfg->autostart is true (cfg may be NULL: true), starts one. 0,
 * HUSH_ENOENT (none running, autostart off), HUSH_ECONFIG or HUSH_EIO. */
int client_ensure_broker(const struct config *cfg);

/* Reads one frame (blocking). *body is malloc'd (type byte removed).
 * 0, HUSH_EIO (connection closed) or HUSH_EPROTO. */
int client_read_frame(int fd, uint8_t *type, uint8_t **body, size_t *blen);

/* Sends a control request (the token is read from <runtime>/control/token)
 * and reads the reply frame. 0, HUSH_ENOENT (no broker), HUSH_EPERM (token
 * unreadable), HUSH_EIO, HUSH_EPROTO. */
int client_control(uint8_t type, struct proto_control *ctl, uint8_t *rtype, uint8_t **body,
		   size_t *blen);

struct client_result {
	int status;          /* exit status for hush run */
	char what[1024];     /* set when the broker refused or failed */
	char hint[1024];
};

/* Called for broker messages while a run waits or starts: kind is
 * "waiting" (id set, text = how the human is asked) or "notice". */
typedef void (*client_notify_fn)(const char *kind, uint64_t id, const char *text);

/* Runs argv through the broker: passes cwd, stdin, stdout, stderr,
 * forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT and window size changes, and
 * returns when the broker reports the exit status. Starts the broker when
 * autostart allows. Returns 0 with res filled (res->status = the child's
 * status, or 77/1/2 with what/hint), or HUSH_ENOENT / HUSH_EIO / HUSH_EPROTO
 * when the broker could not be reached. */
int client_run(const struct config *cfg, const char *grant, bool no_mask, char *const *argv,
	       size_t argc, client_notify_fn notify, struct client_result *res);

/* A sandbox session for the broker (broker/session.h). */
struct client_session {
	uint64_t pidns;    /* inode of the sandbox's pid namespace, 0 = none */
	pid_t pid;         /* the process whose life is the session's */
	uint64_t start;    /* its start time; 0 = read from /proc now */
	bool display;      /* the sandbox shares the X11/Wayland display */
	bool no_proxy;     /* no credential proxy for it */
	bool proxy_only;   /* network = proxy-only */
	const char *allow_hosts; /* then: comma-separated hosts its tunnels may reach */
	const char *journal;     /* its end-of-session journal, or NULL */
};

/* Registers a session over the control socket (needs the control token,
 * so only code outside the sandbox can). 0 with *out (its id, and the
 * credential proxy's variables and CA for the agent; free with
 * proto_session_reply_free), HUSH_ENOENT (no
 * broker), HUSH_EPERM (token unreadable), HUSH_EREFUSED (the broker found
 * the process or namespace wrong), HUSH_EINVAL, HUSH_EIO, HUSH_EPROTO. */
int client_session_open(const struct client_session *s, struct proto_session_reply *out);

/* Ends a session: 0, HUSH_ENOENT (unknown id) or the errors above. */
int client_session_close(uint64_t id);

/* Creates DIR/<basename of each grant's command> -> hush_path (NULL = this
 * executable) symlinks, replacing links it made before. Returns the number of
 * links made (>= 0) or a HUSH_E* code with a reason in err[errlen]. */
int shims_create(const struct config *cfg, const char *dir, const char *hush_path, char *err,
		 size_t errlen);

#endif
