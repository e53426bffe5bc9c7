/* SPDX-License-Identifier: ISC */
/* Running the agent inside the sandbox: the namespaces, the init process
 * that carries out the plan and watches the masks, the agent's own
 * confinement, then exec (ns.c). */
#ifndef HUSH_SANDBOX_NS_H
#define HUSH_SANDBOX_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/hide.h"
#include "sandbox/landlock.h"
#include "sandbox/plan.h"
#include "sandbox/sockets.h"

#define SANDBOX_EXTRA_ENV_MAX (64 * 1024)

struct sandbox_spec {
	char *const *argv;           /* agent command */
	char *const *envp;           /* its complete environment */
	const char *cwd;             /* working directory (absolute) */
	const char *empty_file;      /* an empty 0444 regular file */
	const struct sandbox_masks *masks; /* watched: re-masked when replaced */
	const struct sandbox_plan *plan; /* the mounts (namespace mode) */
	bool userns;                 /* user+mount+pid namespaces and masks */
	int landlock_abi;            /* <= 0: no Landlock */
	const struct sandbox_ll_paths *ll_paths; /* allow-list mode, or NULL */
	bool share_display;          /* --allow-display */
	/* network = proxy-only (with userns only): a network namespace with
	 * loopback alone, and a forwarder from 127.0.0.1:PORT inside (PORT
	 * from the agent's HTTPS_PROXY) to this unix socket of the credential
	 * proxy; NULL = the host's network */
	const char *net_proxy_socket;
	/* unix socket allow-list (with userns only), or NULL for none */
	const struct sandbox_sock_policy *sockets;
	/* Optional: called once the sandbox exists, before the agent can run,
	 * with the pid of the sandbox's init (the agent itself without a
	 * pid namespace) and the inode of its pid namespace (0 without one);
	 * with a pid namespace, on_end after the sandbox ended. hush sandbox
	 * registers its broker session here. It may return "NAME=value"
	 * entries for the agent's environment (a malloc'd NULL-terminated
	 * array of malloc'd strings, freed by sandbox_run; at most
	 * SANDBOX_EXTRA_ENV_MAX bytes in all): each replaces the entry of
	 * envp with its name, or is added. */
	char **(*on_start)(void *arg, pid_t pid, uint64_t pidns);
	void (*on_end)(void *arg);
	void *hook_arg;
};

/* Probes unprivileged user namespaces by forking a child that unshares a
 * user+mount+pid namespace and maps its uid. 0 when they work, else a
 * HUSH_E* code with a reason in why[n]. */
int sandbox_userns_probe(char *why, size_t n);

/* Runs the agent as described and waits for it. Signals SIGTERM, SIGHUP,
 * SIGUSR1 and SIGUSR2 are forwarded; terminal signals reach the agent
 * directly. On success returns 0 with *status set to the agent's exit code
 * (128+N when killed by signal N). When the set-up fails before the agent
 * starts, writes what failed and why into err[n] and returns HUSH_EPERM
 * when the user or pid namespace could not be made (nothing ran: the
 * caller may retry without namespaces), HUSH_ENOENT when the agent could
 * not be executed, HUSH_EIO for any other step. */
int sandbox_run(const struct sandbox_spec *s, int *status, char *err, size_t n);

#endif
