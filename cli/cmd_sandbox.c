/* SPDX-License-Identifier: ISC */
/* hush sandbox: the command line of a sandbox session (sandbox/session.h
 * does the work): options, what the session says, its plan for --explain,
 * the exit status. hush doctor is in cmd_doctor.c. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/client.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/proc.h"
#include "common/util.h"
#include "config/config.h"
#include "sandbox/net.h"
#include "sandbox/session.h"

static const struct option options[] = {
	CLI_ARG("profile", 'p'),      CLI_ARG("allow-env", 'e'),    CLI_ARG("allow-socket", 'A'),
	CLI_FLAG("no-shim", 'S'),     CLI_FLAG("no-userns", 'U'),   CLI_FLAG("no-landlock", 'L'),
	CLI_FLAG("verbose", 'v'),     CLI_FLAG("partial-masks", 'P'), CLI_FLAG("explain", 'X'),
	CLI_FLAG("allow-display", 'D'), CLI_FLAG("no-proxy", 'N'),  CLI_ARG("network", 'n'),
	CLI_ARG("root", 'R'),         CLI_ARG("allow-host", 'O'),   CLI_ARG("home", 'H'),
	CLI_END,
};
static const struct cli_cmd cmd = { "sandbox", cli_help_sandbox, "+v", options };

struct opts {
	const char *profile, *network;
	struct strv allow_env, allow_socket, allow_host;
	struct sandbox_request rq;
};

/* Adds each item of a comma-separated list; valid() checks each (opt and
 * what name the option and what an item must be in the error). */
static void add_csv(struct strv *to, const char *csv, const char *opt, bool (*valid)(const char *),
		    const char *what)
{
	char bad[256];
	int r = strv_push_csv(to, csv, valid, bad, sizeof(bad));
	if (r == HUSH_EINVAL)
		die_usage("sandbox", "%s: '%s' is not %s", opt, bad, what);
	if (r)
		die("out of memory");
}

/* "visible" or "allow-list" for --home and --root, else exit 2. */
static const char *mode_arg(const char *opt, const char *arg)
{
	if (strcmp(arg, "visible") && strcmp(arg, "allow-list"))
		die_usage("sandbox", "%s: expected allow-list or visible", opt);
	return arg;
}

/* The options into o; returns the index of the agent command. */
static int parse_or_exit(struct opts *o, int argc, char **argv)
{
	struct sandbox_request *rq = &o->rq;
	int c;
	while ((c = cli_getopt_or_exit(&cmd, argc, argv)) != -1) {
		switch (c) {
		case 'p': o->profile = optarg; break;
		case 'e': add_csv(&o->allow_env, optarg, "--allow-env", env_name_valid, "a variable name"); break;
		case 'A':
			if (optarg[0] != '/')
				die_usage("sandbox", "--allow-socket: '%s' is not an absolute path", optarg);
			if (strv_push(&o->allow_socket, optarg) < 0)
				die("out of memory");
			break;
		case 'S': rq->no_shim = true; break;
		case 'U': rq->no_userns = true; break;
		case 'L': rq->no_landlock = true; break;
		case 'v': rq->verbose = true; break;
		case 'P': rq->partial_masks = true; break;
		case 'X': rq->explain = true; break;
		case 'D': rq->allow_display = true; break;
		case 'N': rq->no_proxy = true; break;
		case 'n':
			if (strcmp(optarg, "open") && strcmp(optarg, "proxy-only"))
				die_usage("sandbox", "--network: expected open or proxy-only");
			o->network = optarg;
			break;
		case 'R': rq->root_mode = mode_arg("--root", optarg); break;
		case 'O': add_csv(&o->allow_host, optarg, "--allow-host", sandbox_host_pattern_valid, "a host[:port]"); break;
		case 'H': rq->home_mode = mode_arg("--home", optarg); break;
		}
	}
	if (optind >= argc)
		die_usage("sandbox", "no agent command given");
	return optind;
}

/* Runs the session rq describes; the exit status. */
static int session(const struct sandbox_request *rq)
{
	struct sandbox_failure f = { 0 };
	struct sandbox_session *s;
	if (sandbox_session_prepare(rq, &s, &f) < 0)
		return sandbox_fail_write(stderr, &f);
	int status = 0;
	if (rq->explain || rq->verbose)
		sandbox_plan_write(stderr, sandbox_session_plan(s));
	if (!rq->explain && sandbox_session_run(s, &status, &f) < 0)
		status = sandbox_fail_write(stderr, &f);
	sandbox_session_end(s);
	sandbox_session_free(s);
	return status;
}

int cmd_sandbox(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sandbox_request *rq = &o.rq;
	rq->argv = &argv[parse_or_exit(&o, argc, argv)];
	const char *inside = getenv("HUSH_SANDBOX");
	if (inside && !strcmp(inside, "1"))
		die_status(1, "run hush sandbox from a terminal outside the sandbox",
			   "sandbox: already inside a hush sandbox (HUSH_SANDBOX=1)");
	struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	rq->cfg = &cfg;
	if (o.profile && !(rq->profile = config_profile(&cfg, o.profile)))
		die_status(2, "built-in profiles: claude, opencode, codex, aider, gemini; others are "
			   "[profile NAME] sections of the config",
			   "sandbox: no profile named '%s'", o.profile);
	if (!o.profile)
		rq->profile = config_profile_for_command(&cfg, rq->argv[0]);
	rq->allow_display |= cfg.allow_display;
	rq->proxy_only = o.network ? !strcmp(o.network, "proxy-only") : cfg.network_proxy_only;
	if (rq->proxy_only && rq->no_proxy)
		die_usage("sandbox", "--network proxy-only needs the proxy: drop --no-proxy");

	char self[PATH_MAX], shim[PATH_MAX], csock[PATH_MAX];
	if (proc_self_path(self, sizeof(self)) < 0)
		die("sandbox: cannot find the hush executable: %s", strerror(errno));
	rq->self = self;
	rq->shim = proc_find_shim(self, shim, sizeof(shim)) == 0 ? shim : NULL;
	rq->client_sock = client_socket_path(false, csock, sizeof(csock)) == 0 ? csock : NULL;
	rq->allow_env = &o.allow_env;
	rq->allow_socket = &o.allow_socket;
	rq->allow_host = &o.allow_host;
	rq->notes = (struct sandbox_notes){ .fn = sandbox_note_write, .arg = stderr };
	int status = session(rq);
	STRV_FREE(&o.allow_env, &o.allow_socket, &o.allow_host);
	config_free(&cfg);
	return status;
}
