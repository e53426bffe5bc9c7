/* SPDX-License-Identifier: ISC */
/* hush-proxy: the credential proxy run on its own, for tests and
 * bench/proxy, with the embedder's part (values, confirmation, audit) done
 * the simplest way: values from a file descriptor, confirmation by a
 * command, audit lines appended to a file.
 *
 *   hush-proxy --config FILE --secrets-fd N [--sessions N] [--ca-out FILE]
 *              [--audit FILE] [--confirm CMD] [--connect-to ADDR]
 *              [--head-timeout MS] [--idle-timeout MS] [--env-dir DIR]
 *
 * The secrets fd carries dotenv text (NAME=value), read into sodium_malloc
 * memory and never put in argv or the environment. On stdout: "port N",
 * then for each session "session ID token TOKEN" and one line
 * "session ID CREDENTIAL ENV PLACEHOLDER" per credential, then "ready".
 * With --env-dir, DIR/ca-bundle.pem (system CAs + the session CA) and
 * DIR/session-ID.env (the agent's variables, NAME=value per line, for the
 * credentials whose secret was given) are written as hush sandbox would.
 * Commands on stdin: "end ID" ends a session; end of input stops. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/dotenv.h"
#include "common/json.h"
#include "common/util.h"
#include "config/credential.h"
#include "proxy/proxy.h"

#define MAX_SECRETS 64

struct secret {
	char name[HUSH_MAX_NAME + 1];
	uint8_t *value;
	size_t len;
};

struct state {
	struct secret secrets[MAX_SECRETS];
	size_t nsecrets;
	const char *confirm;
	FILE *audit;
	pthread_mutex_t lock;
	/* confirm = ttl: approved (session, credential) pairs */
	struct { uint64_t s; const struct credential *c; } approved[256];
	size_t napproved;
};

static int on_secret(void *ctx, const struct dotenv_entry *e)
{
	struct state *st = ctx;
	if (st->nsecrets >= MAX_SECRETS)
		return HUSH_ETOOBIG;
	struct secret *s = &st->secrets[st->nsecrets];
	if (xsnprintf(s->name, sizeof(s->name), "%s", e->name))
		return HUSH_ENAME;
	s->value = sodium_malloc(e->value_len ? e->value_len : 1);
	if (!s->value)
		return HUSH_ENOMEM;
	memcpy(s->value, e->value, e->value_len);
	s->len = e->value_len;
	st->nsecrets++;
	return 0;
}

/* Runs the confirmation command with the use described in HUSH_CONFIRM_*
 * variables; exit 0 approves. */
static bool ask(const struct state *st, const struct proxy_use *u)
{
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		setenv("HUSH_CONFIRM_CREDENTIAL", u->cred->name, 1);
		setenv("HUSH_CONFIRM_HOST", u->host, 1);
		setenv("HUSH_CONFIRM_METHOD", u->method, 1);
		setenv("HUSH_CONFIRM_PATH", u->path, 1);
		execl("/bin/sh", "sh", "-c", st->confirm, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int authorize(void *ctx, const struct proxy_use *u, uint8_t **value, size_t *len)
{
	struct state *st = ctx;
	if (u->cred->confirm != CONFIRM_POLICY_NEVER) {
		bool ok = false;
		pthread_mutex_lock(&st->lock);
		for (size_t i = 0; i < st->napproved; i++)
			ok |= st->approved[i].s == u->session && st->approved[i].c == u->cred;
		pthread_mutex_unlock(&st->lock);
		if (!ok || u->cred->confirm == CONFIRM_POLICY_ALWAYS) {
			if (!st->confirm || !ask(st, u))
				return HUSH_EREFUSED;
			pthread_mutex_lock(&st->lock);
			if (u->cred->confirm == CONFIRM_POLICY_TTL && st->napproved < 256) {
				st->approved[st->napproved].s = u->session;
				st->approved[st->napproved++].c = u->cred;
			}
			pthread_mutex_unlock(&st->lock);
		}
	}
	for (size_t i = 0; i < st->nsecrets; i++) {
		const struct secret *s = &st->secrets[i];
		if (strcmp(s->name, u->cred->secret))
			continue;
		*value = sodium_malloc(s->len ? s->len : 1);
		if (!*value)
			return HUSH_ENOMEM;
		memcpy(*value, s->value, s->len);
		*len = s->len;
		return 0;
	}
	return HUSH_ENOENT;
}

static void field(FILE *f, const char *k, const char *v, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", k);
	json_write_str(f, v);
}

static void on_audit(void *ctx, const struct proxy_event *ev)
{
	struct state *st = ctx;
	if (!st->audit)
		return;
	pthread_mutex_lock(&st->lock);
	FILE *f = st->audit;
	fprintf(f, "{\"time\":%lld,\"session\":%llu", (long long)time(NULL),
		(unsigned long long)ev->session);
	field(f, "kind", ev->kind, true);
	field(f, "credential", ev->credential, true);
	field(f, "host", ev->host, true);
	field(f, "method", ev->method, true);
	field(f, "path", ev->path, true);
	fprintf(f, ",\"status\":%d,\"bytes_up\":%llu,\"bytes_down\":%llu", ev->status,
		(unsigned long long)ev->bytes_up, (unsigned long long)ev->bytes_down);
	field(f, "reason", ev->reason, true);
	fprintf(f, "}\n");
	fflush(f);
	pthread_mutex_unlock(&st->lock);
}

/* DIR/session-ID.env: what hush sandbox would put in the agent's
 * environment, for the credentials whose secret is there. */
static void write_env(const struct state *st, const struct config *cfg, struct proxy *p,
		      uint64_t id, const char *dir, const char *bundle)
{
	size_t n = cfg->creds->n;
	char (*ph)[PROXY_TOKEN_LEN + 1] = calloc(n + 1, sizeof(*ph));
	const char **present = calloc(n + 1, sizeof(char *));
	if (!ph || !present)
		die("out of memory");
	for (size_t i = 0; i <= n; i++) {
		if (proxy_session_placeholder(p, id, i, ph[i], sizeof(ph[i])))
			die("no placeholder");
		for (size_t k = 0; i < n && k < st->nsecrets; k++)
			if (!strcmp(st->secrets[k].name, cfg->creds->v[i].secret))
				present[i] = ph[i];
	}
	char **env;
	if (proxy_env_build(cfg->creds->v, n, present, ph[n], proxy_port(p), bundle, &env))
		die("cannot build the environment");
	char path[4096];
	if (xsnprintf(path, sizeof(path), "%s/session-%llu.env", dir, (unsigned long long)id))
		die("path too long");
	FILE *f = fopen(path, "w");
	for (size_t i = 0; f && env[i]; i++)
		fprintf(f, "%s\n", env[i]);
	if (!f || fclose(f))
		die("cannot write %s", path);
	proxy_env_free(env);
	free(present);
	free(ph);
}

static void usage(void)
{
	printf("usage: hush-proxy --config FILE --secrets-fd N [--sessions N] [--ca-out FILE]\n"
	       "                  [--audit FILE] [--confirm CMD] [--connect-to ADDR]\n"
	       "                  [--head-timeout MS] [--idle-timeout MS] [--env-dir DIR]\n"
	       "Runs the credential proxy alone (tests, bench/proxy). Values come as dotenv\n"
	       "text on the secrets fd; placeholders and tokens are printed on stdout.\n");
}

int main(int argc, char **argv)
{
	msg_set_progname("hush-proxy");
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
	signal(SIGPIPE, SIG_IGN);
	const char *config = NULL, *ca_out = NULL, *audit_path = NULL, *override = NULL;
	const char *env_dir = NULL;
	int sfd = -1;
	unsigned long sessions = 1, head_ms = 0, idle_ms = 0;
	static struct state st = { .lock = PTHREAD_MUTEX_INITIALIZER };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage();
			return 0;
		}
		if (!v)
			die_status(2, "hush-proxy --help", "%s needs a value", a);
		i++;
		if (!strcmp(a, "--config"))
			config = v;
		else if (!strcmp(a, "--secrets-fd"))
			sfd = atoi(v);
		else if (!strcmp(a, "--sessions"))
			sessions = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--ca-out"))
			ca_out = v;
		else if (!strcmp(a, "--audit"))
			audit_path = v;
		else if (!strcmp(a, "--confirm"))
			st.confirm = v;
		else if (!strcmp(a, "--connect-to"))
			override = v;
		else if (!strcmp(a, "--head-timeout"))
			head_ms = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--env-dir"))
			env_dir = v;
		else if (!strcmp(a, "--idle-timeout"))
			idle_ms = strtoul(v, NULL, 10);
		else
			die_status(2, "hush-proxy --help", "unknown option %s", a);
	}
	if (!config || sfd < 0 || sessions < 1 || sessions > PROXY_MAX_SESSIONS)
		die_status(2, "hush-proxy --help", "--config and --secrets-fd are needed");
	char err[1024];
	struct config cfg;
	if (config_load(&cfg, config, false, err, sizeof(err)))
		die("%s", err);

	char *text = NULL;
	size_t tlen = 0, tcap = 0;
	for (;;) {
		if (tlen + 4096 > tcap) {
			char *n = sodium_malloc(tcap + 65536);
			if (!n)
				die("out of memory");
			if (text) {
				memcpy(n, text, tlen);
				sodium_free(text);
			}
			text = n;
			tcap += 65536;
		}
		ssize_t r = read(sfd, text + tlen, tcap - tlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("cannot read the secrets fd: %s", strerror(errno));
		if (r == 0)
			break;
		tlen += (size_t)r;
	}
	close(sfd);
	int r = dotenv_parse(text ? text : "", tlen, on_secret, NULL, &st);
	if (text)
		sodium_free(text);
	if (r)
		die("cannot read the secrets: %s", hush_strerror(r));

	if (audit_path && !(st.audit = fopen(audit_path, "a")))
		die("cannot open %s: %s", audit_path, strerror(errno));
	const char *ca_files[3];
	size_t nca = 0;
	if (getenv("SSL_CERT_FILE") && *getenv("SSL_CERT_FILE"))
		ca_files[nca++] = getenv("SSL_CERT_FILE");
	if (cfg.creds->ca_file)
		ca_files[nca++] = cfg.creds->ca_file;
	ca_files[nca] = NULL;
	struct proxy_config pc = {
		.creds = cfg.creds->v, .ncreds = cfg.creds->n, .ca_files = ca_files,
		.head_timeout_ms = (unsigned)head_ms, .idle_timeout_ms = (unsigned)idle_ms,
		.connect_override = override, .authorize = authorize, .audit = on_audit, .ctx = &st,
	};
	struct proxy *p;
	r = proxy_start(&pc, &p, err, sizeof(err));
	if (r)
		die("cannot start the proxy: %s", err);
	if (ca_out) {
		FILE *f = fopen(ca_out, "w");
		if (!f || fputs(proxy_ca_pem(p), f) < 0 || fclose(f))
			die("cannot write %s", ca_out);
	}
	char bundle[4096];
	if (env_dir) {
		if (xsnprintf(bundle, sizeof(bundle), "%s/ca-bundle.pem", env_dir) ||
		    proxy_bundle_write(bundle, NULL, proxy_ca_pem(p)))
			die("cannot write %s/ca-bundle.pem", env_dir);
	}
	printf("port %u\n", proxy_port(p));
	for (uint64_t id = 1; id <= sessions; id++) {
		char ph[PROXY_TOKEN_LEN + 1];
		if (proxy_session_add(p, id) ||
		    proxy_session_placeholder(p, id, cfg.creds->n, ph, sizeof(ph)))
			die("cannot add session %llu", (unsigned long long)id);
		printf("session %llu token %s\n", (unsigned long long)id, ph);
		for (size_t i = 0; i < cfg.creds->n; i++) {
			if (proxy_session_placeholder(p, id, i, ph, sizeof(ph)))
				die("no placeholder");
			printf("session %llu %s %s %s\n", (unsigned long long)id, cfg.creds->v[i].name,
			       cfg.creds->v[i].env ? cfg.creds->v[i].env : "-", ph);
		}
		if (env_dir)
			write_env(&st, &cfg, p, id, env_dir, bundle);
	}
	printf("ready\n");
	fflush(stdout);
	char line[128];
	while (fgets(line, sizeof(line), stdin)) {
		unsigned long long id;
		if (sscanf(line, "end %llu", &id) == 1) {
			proxy_session_remove(p, id);
			printf("ended %llu\n", id);
			fflush(stdout);
		}
	}
	proxy_stop(p);
	for (size_t i = 0; i < st.nsecrets; i++)
		sodium_free(st.secrets[i].value);
	if (st.audit)
		fclose(st.audit);
	config_free(&cfg);
	return 0;
}
