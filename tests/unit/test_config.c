/* SPDX-License-Identifier: ISC */
/* Unit tests for config/: every value type, every error (with file and
 * line), the docs/design.md sketch, defaults, the key table against
 * docs/config.md. (Grant argument matching: test_grant.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include <sodium.h>

#include "config/config.h"
#include "config/loader.h"
#include "broker/grant.h"
#include "common/envpolicy.h"
#include "broker/spawn.h"
#include "t.h"

static char err[1024];

static int load(struct config *c, const char *text)
{
	return config_load_buffer(c, "test.ini", text, strlen(text), err, sizeof(err));
}

/* Loads text expecting an error on line `line` whose message contains
 * `needle`. */
static void bad(const char *text, int line, const char *needle, const char *what)
{
	struct config c;
	int r = load(&c, text);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "test.ini:%d: ", line);
	bool good = r == HUSH_ECONFIG && !strncmp(err, prefix, strlen(prefix)) &&
		    strstr(err, needle) != NULL;
	ok(good, "%s -> %s", what, err);
	if (!good)
		printf("#   rc=%d, wanted prefix '%s' and '%s'\n", r, prefix, needle);
	ok(c.grants == NULL && c.hide.v == NULL, "%s: config freed on error", what);
	config_free(&c);
}

static void test_defaults(void)
{
	struct config c;
	config_defaults(&c);
	ok(c.confirm == CONFIRM_UI_DESKTOP, "default confirm desktop");
	ok(c.approval_ttl == 900, "default approval_ttl 15m");
	ok(c.request_timeout == 120, "default request_timeout 2m");
	ok(c.idle_lock == 1800, "default idle_lock 30m");
	ok(c.autostart && c.mask, "default autostart and mask on");
	ok(c.scan_max_file == 4u << 20, "default scan max_file 4 MiB");
	ok(strv_has(&c.hide, ".env") && strv_has(&c.hide, ".env.*") &&
	   strv_has(&c.hide, "!.env.example") && strv_has(&c.hide, "*.pem") &&
	   strv_has(&c.hide, "id_ed25519*") && strv_has(&c.hide, ".git-credentials") &&
	   strv_has(&c.hide, "terraform.tfvars"), "default hide globs");
	char ssh[4096];
	path_expand_home("~/.ssh", ssh, sizeof(ssh));
	ok(strv_has(&c.hide_dirs, ssh) && c.hide_dirs.v[0][0] == '/',
	   "default hide_dirs expanded (%s)", c.hide_dirs.n ? c.hide_dirs.v[0] : "-");
	ok(strv_has(&c.allow_env, "PATH") && strv_has(&c.allow_env, "LC_*"),
	   "default allow_env has PATH and LC_*");
	ok(!strv_has(&c.allow_env, "SSH_AUTH_SOCK") &&
	   !strv_has(&c.allow_env, "DBUS_SESSION_BUS_ADDRESS") &&
	   !strv_has(&c.allow_env, "XDG_RUNTIME_DIR"),
	   "default allow_env has no agent or bus sockets");
	ok(strv_has(&c.scan_skip, "node_modules") && strv_has(&c.scan_skip, ".git"),
	   "default scan skip");
	ok(c.ngrants == 0 && c.path == NULL, "no grants by default");
	ok(c.nprofiles == 5 && config_profile(&c, "claude") && config_profile(&c, "opencode") &&
	   config_profile(&c, "codex") && config_profile(&c, "aider") && config_profile(&c, "gemini"),
	   "five built-in agent profiles");
	ok(config_profile_for_command(&c, "/usr/local/bin/claude") == config_profile(&c, "claude") &&
	   config_profile_for_command(&c, "codex") == config_profile(&c, "codex") &&
	   config_profile_for_command(&c, "bash") == NULL, "a profile is chosen by the command name");
	char cj[4096];
	path_expand_home("~/.claude.json", cj, sizeof(cj));
	const struct sandbox_profile *cp = config_profile(&c, "claude");
	ok(cp && cp->builtin && strv_has(&cp->state_files, cj) &&
	   !strv_has(&cp->allow_env, "ANTHROPIC_API_KEY"),
	   "claude: state file ~/.claude.json, no API key passed");
	char brc[4096];
	path_expand_home("~/.bashrc", brc, sizeof(brc));
	ok(strv_has(&c.never_write, brc) && strv_has(&c.never_write, ".mcp.json") &&
	   strv_has(&c.never_write, ".envrc"), "never_write defaults: rc files and project files");
	ok(strv_has(&c.never_write, ".npmrc") && strv_has(&c.never_write, ".yarnrc") &&
	   strv_has(&c.never_write, "bunfig.toml"),
	   "never_write defaults: the package managers' project config");
	config_free(&c);

	ok(load(&c, "") == 0 && c.approval_ttl == 900, "empty file loads with defaults");
	config_free(&c);
	ok(load(&c, "; only\n# comments\n\n   \n") == 0, "comment-only file loads");
	config_free(&c);
	ok(config_load_buffer(&c, NULL, NULL, 0, err, sizeof(err)) == 0 && c.mask,
	   "NULL buffer of length 0 loads defaults");
	config_free(&c);
}

static const char design_sketch[] =
	"[broker]\n"
	"confirm = desktop          ; desktop | terminal | command:/path | none\n"
	"approval_ttl = 15m\n"
	"idle_lock = 30m\n"
	"\n"
	"[sandbox]\n"
	"hide = .env, .env.*, !.env.example, *.pem, id_rsa*, .npmrc, .pypirc, .netrc\n"
	"hide_dirs = ~/.ssh, ~/.aws, ~/.kube, ~/.docker, ~/.gnupg, ~/.config/gcloud\n"
	"allow_env = PATH, HOME, USER, SHELL, TERM, LANG, LC_*, EDITOR\n"
	"\n"
	"[grant deploy-test]\n"
	"command = /usr/local/bin/nctl\n"
	"args = * --organization=test-org *\n"
	"secrets = NCTL_TOKEN\n"
	"confirm = always\n"
	"ttl = 10m\n";

static void test_design_sketch(void)
{
	struct config c;
	int r = load(&c, design_sketch);
	ok(r == 0, "docs/design.md sketch loads (%s)", err);
	if (r)
		return;
	ok(c.confirm == CONFIRM_UI_DESKTOP && c.approval_ttl == 900 && c.idle_lock == 1800,
	   "sketch broker values");
	const struct grant *g = config_grant(&c, "deploy-test");
	ok(g != NULL, "grant deploy-test found");
	if (g) {
		ok(!strcmp(g->command, "/usr/local/bin/nctl"), "command");
		ok(g->nargs == 1 && g->args[0].n == 3 && !strcmp(g->args[0].v[1],
		   "--organization=test-org"), "args pattern tokens");
		ok(g->nsecrets == 1 && !strcmp(g->secrets[0].env, "NCTL_TOKEN") &&
		   !strcmp(g->secrets[0].secret, "NCTL_TOKEN"), "secret NAME maps to itself");
		ok(g->policy == CONFIRM_POLICY_ALWAYS && g->ui == CONFIRM_UI_DEFAULT,
		   "confirm = always sets the policy, UI stays the broker's");
		ok(g->ttl == 600, "ttl 10m");
		ok(g->line == 11, "grant header line recorded (%d)", g->line);
		char *ok_args[] = { "deploy", "--organization=test-org", "--yes" };
		ok(grant_args_match(g, ok_args, 3), "sketch grant allows test-org");
		char *bad_args[] = { "deploy", "--organization=prod-org" };
		ok(!grant_args_match(g, bad_args, 2), "sketch grant refuses prod-org");
	}
	ok(config_grant(&c, "nope") == NULL, "unknown grant is NULL");
	config_free(&c);
}

static void test_types(void)
{
	struct config c;
	int r = load(&c,
		     "[vault]\n"
		     "askpass = ~/bin/askpass\n"
		     "kdf_memory = 256MiB\n"
		     "kdf_ops = 3\n"
		     "[broker]\n"
		     "confirm = command:/usr/bin/my-confirm\n"
		     "approval_ttl = 1h30m\n"
		     "request_timeout = 45s\n"
		     "idle_lock = never\n"
		     "autostart = no\n"
		     "mask = Off\n"
		     "[scan]\n"
		     "skip = third_party, !vendor\n"
		     "max_file = 512K\n");
	ok(r == 0, "all scalar types load (%s)", err);
	if (r)
		return;
	char home[4096];
	path_expand_home("~/bin/askpass", home, sizeof(home));
	ok(c.askpass && !strcmp(c.askpass, home), "askpass ~ expanded (%s)", c.askpass);
	ok(c.kdf_memory == 256ull << 20 && c.kdf_ops == 3, "kdf size and ops");
	ok(c.confirm == CONFIRM_UI_COMMAND && !strcmp(c.confirm_command, "/usr/bin/my-confirm"),
	   "confirm = command:/path");
	ok(c.approval_ttl == 5400 && c.request_timeout == 45, "durations");
	ok(c.idle_lock == 0, "idle_lock never = 0");
	ok(!c.autostart && !c.mask, "booleans no / Off");
	ok(strv_has(&c.scan_skip, "third_party") && !strv_has(&c.scan_skip, "vendor") &&
	   strv_has(&c.scan_skip, "node_modules"), "scan skip adds and removes defaults");
	ok(c.scan_max_file == 512 * 1024, "max_file 512K");
	config_free(&c);

	ok(load(&c, "[broker]\nidle_lock = 0\nconfirm = terminal\n") == 0 && c.idle_lock == 0 &&
	   c.confirm == CONFIRM_UI_TERMINAL, "idle_lock 0 and confirm terminal");
	config_free(&c);
	ok(load(&c, "[broker]\nconfirm = none\n[vault]\nkdf_memory = 64M\nkdf_ops = auto\n") == 0 &&
	   c.confirm == CONFIRM_UI_NONE && c.kdf_memory == 64ull << 20 && c.kdf_ops == 0,
	   "confirm none, 64M, auto");
	config_free(&c);
	ok(load(&c, "[vault]\nkdf_memory = 1g\n") == 0 && c.kdf_memory == 1ull << 30, "size 1g");
	config_free(&c);
	ok(load(&c, "[vault]\nkdf_memory = 67108864\n") == 0 && c.kdf_memory == 64ull << 20,
	   "size in bytes");
	config_free(&c);

	bool b;
	ok(config_parse_bool("YES", &b) == 0 && b, "bool YES");
	ok(config_parse_bool("0", &b) == 0 && !b, "bool 0");
	ok(config_parse_bool("maybe", &b) == HUSH_EINVAL, "bool maybe rejected");
	ok(config_parse_bool("", &b) == HUSH_EINVAL, "bool empty rejected");
}

static void test_lists(void)
{
	struct strv l;
	ok(config_parse_list(" a ,b,, c ,", &l) == 0 && l.n == 3 && !strcmp(l.v[0], "a") &&
	   !strcmp(l.v[1], "b") && !strcmp(l.v[2], "c"), "list trims and skips empties");
	ok(strv_has(&l, "b") && !strv_has(&l, "d"), "list_has");
	strv_free(&l);
	ok(l.v == NULL && l.n == 0, "list freed");
	ok(config_parse_list("", &l) == 0 && l.n == 0, "empty list");
	strv_free(&l);
	ok(config_parse_list("x, x, y", &l) == 0 && l.n == 2, "duplicates collapse");
	strv_free(&l);
	char big[CONFIG_MAX_LIST * 4 + 64];
	size_t off = 0;
	for (int i = 0; i <= CONFIG_MAX_LIST; i++)
		off += (size_t)snprintf(big + off, sizeof(big) - off, "%d,", i);
	ok(config_parse_list(big, &l) == HUSH_EINVAL && l.v == NULL, "list over cap rejected");

	struct config c;
	int r = load(&c,
		     "[sandbox]\n"
		     "hide = *.secret, !.env.local\n"
		     "hide = more.txt\n"
		     "hide_dirs = ~/.vault-data, !~/.docker\n"
		     "allow_env = MY_APP_*, !EDITOR\n"
		     "allow_write = /srv/data\n"
		     "[profile claude]\n"
		     "hide = notes.private\n"
		     "hide_dirs = /opt/keys\n"
		     "allow_env = ANTHROPIC_API_KEY\n"
		     "allow_write = ~/.claude\n"
		     "[profile codex]\n"
		     "allow_env = OPENAI_API_KEY\n");
	ok(r == 0, "sandbox and profile lists load (%s)", err);
	if (r)
		return;
	ok(strv_has(&c.hide, "*.secret") && strv_has(&c.hide, "more.txt") &&
	   strv_has(&c.hide, ".env"), "hide adds to defaults over repeated lines");
	ok(strv_has(&c.hide, "!.env.local"), "hide keeps '!' exceptions");
	char dock[4096], vd[4096];
	path_expand_home("~/.docker", dock, sizeof(dock));
	path_expand_home("~/.vault-data", vd, sizeof(vd));
	ok(!strv_has(&c.hide_dirs, dock) && strv_has(&c.hide_dirs, vd),
	   "hide_dirs: '!' removes a default, new dir expanded");
	ok(strv_has(&c.allow_env, "MY_APP_*") && !strv_has(&c.allow_env, "EDITOR"),
	   "allow_env adds a glob and removes a default");
	ok(c.allow_write.n == 1 && !strcmp(c.allow_write.v[0], "/srv/data"), "allow_write");
	ok(c.nprofiles == 5, "two sections extend built-in profiles, no new ones");
	const struct sandbox_profile *p = config_profile(&c, "claude");
	char claude_dir[4096];
	path_expand_home("~/.claude", claude_dir, sizeof(claude_dir));
	ok(p && !p->builtin && strv_has(&p->hide, "notes.private") &&
	   strv_has(&p->hide_dirs, "/opt/keys") &&
	   strv_has(&p->allow_env, "ANTHROPIC_API_KEY") &&
	   strv_has(&p->allow_write, claude_dir) && p->hide.n == 1,
	   "a profile section adds to the built-in one, ~ expanded");
	const struct sandbox_profile *cx = config_profile(&c, "codex");
	ok(cx && !cx->builtin && strv_has(&cx->allow_env, "OPENAI_API_KEY") &&
	   config_profile(&c, "aider") && config_profile(&c, "aider")->builtin, "profile lookup");
	config_free(&c);
}

static void test_grants(void)
{
	struct config c;
	int r = load(&c,
		     "[grant gh]\n"
		     "command = /usr/bin/gh\n"
		     "sha256 = ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\n"
		     "args = pr list *\n"
		     "args = issue view ?*\n"
		     "args = 'two words' \"say \\\"hi\\\"\" x\n"
		     "args =\n"
		     "cwd = ~/src/\n"
		     "secrets = GH_TOKEN=github_token, OTHER\n"
		     "secrets = GITHUB_TOKEN = github_token\n"
		     "ui = terminal\n"
		     "confirm = never\n"
		     "ttl = 0\n"
		     "allow_no_mask = true\n"
		     "path = /usr/bin:/bin\n"
		     "env_keep = GH_HOST, GH_DEBUG\n"
		     "[grant other]\n"
		     "command = /bin/true\n"
		     "confirm = command:/usr/local/bin/ask\n");
	ok(r == 0, "full grant loads (%s)", err);
	if (r)
		return;
	const struct grant *g = config_grant(&c, "gh");
	ok(g && g->sha256 && !strcmp(g->sha256,
	   "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"), "sha256 lowercased");
	ok(g->nargs == 4, "args repeat: four patterns");
	ok(g->args[2].n == 3 && !strcmp(g->args[2].v[0], "two words") &&
	   !strcmp(g->args[2].v[1], "say \"hi\""), "quoted tokens");
	ok(g->args[3].n == 0, "empty args = no-argument pattern");
	char src[4096];
	path_expand_home("~/src", src, sizeof(src));
	ok(g->cwd && !strcmp(g->cwd, src), "cwd expanded, trailing slash dropped (%s)", g->cwd);
	ok(g->nsecrets == 3 && !strcmp(g->secrets[0].env, "GH_TOKEN") &&
	   !strcmp(g->secrets[0].secret, "github_token") && !strcmp(g->secrets[1].env, "OTHER") &&
	   !strcmp(g->secrets[2].env, "GITHUB_TOKEN") &&
	   !strcmp(g->secrets[2].secret, "github_token"), "secrets ENV=NAME and NAME, repeated");
	ok(g->ui == CONFIRM_UI_TERMINAL && g->policy == CONFIRM_POLICY_NEVER, "ui + confirm policy");
	ok(g->ttl == 0 && g->allow_no_mask, "ttl 0, allow_no_mask");
	ok(g->path && !strcmp(g->path, "/usr/bin:/bin"), "path");
	ok(g->env_keep.n == 2, "env_keep");
	const struct grant *o = config_grant(&c, "other");
	ok(o && o->ui == CONFIRM_UI_COMMAND && !strcmp(o->confirm_command, "/usr/local/bin/ask") &&
	   o->policy == CONFIRM_POLICY_TTL && o->nargs == 0 && !o->sha256,
	   "confirm = command:/path on a grant; defaults");
	char *none[] = { NULL };
	ok(grant_args_match(o, none, 0), "grant without args patterns allows no arguments");
	char *any[] = { "anything", "at", "all" };
	ok(grant_args_match(o, any, 3), "grant without args patterns allows any arguments");
	ok(grant_args_match(g, none, 0), "empty pattern matches no arguments");
	char *one[] = { "pr" };
	ok(!grant_args_match(g, one, 1), "'pr' alone matches no pattern");
	char *tw[] = { "two words", "say \"hi\"", "x" };
	ok(grant_args_match(g, tw, 3), "quoted tokens match arguments with spaces");
	char *tw2[] = { "two", "words", "say \"hi\"", "x" };
	ok(!grant_args_match(g, tw2, 4), "quoted token does not match split arguments");
	char *iv[] = { "issue", "view", "" };
	ok(!grant_args_match(g, iv, 3), "?* needs a non-empty argument");
	config_free(&c);

	ok(load(&c, "[grant a]\ncommand=/bin/x\n[grant b]\ncommand=/bin/y\n") == 0 && c.ngrants == 2,
	   "two grants");
	config_free(&c);
}

/* Configs that must not load: each with the line of its error, what the
 * message says, what the case is. */
static const struct {
	const char *text;
	int line;
	const char *needle, *what;
} bad_configs[] = {
	{ "[bogus]\n",
	  1, "unknown section [bogus]", "unknown section" },
	{ "[broker]\n\n[grantx foo]\n",
	  3, "unknown section [grantx foo]", "unknown section later" },
	{ "[broker]\nconfirmm = desktop\n",
	  2, "unknown key 'confirmm' in [broker]", "unknown key" },
	{ "[grant a]\ncommand = /bin/true\nsecret = X\n",
	  3, "unknown key 'secret' in [grant a]", "unknown grant key" },
	{ "[profile p]\nhide = x\nconfirm = none\n",
	  3, "unknown key 'confirm' in [profile p]", "unknown profile key" },
	{ "[broker]\napproval_ttl = 5m\napproval_ttl = 6m\n",
	  3, "duplicate key 'approval_ttl' (first set on line 2)", "duplicate scalar" },
	{ "[broker]\nmask = yes\n[vault]\n[broker]\nmask = no\n",
	  5, "duplicate key 'mask'", "duplicate across repeated sections" },
	{ "[grant a]\ncommand = /bin/a\ncommand = /bin/b\n",
	  3, "duplicate key 'command'", "duplicate grant command" },
	{ "[grant a]\nargs = x\n",
	  1, "grant 'a' has no command", "grant without command" },
	{ "[broker]\n[grant a]\ncommand = bin/true\n",
	  3, "not an absolute path", "relative command" },
	{ "[grant a]\ncommand =\n",
	  2, "empty value", "empty command" },
	{ "[grant a]\ncommand = /bin/true\nsecrets = 1BAD\n",
	  3, "bad entry '1BAD'", "bad secret name" },
	{ "[grant a]\ncommand = /bin/true\nsecrets = OK=bad-name\n",
	  3, "bad entry", "bad secret vault name" },
	{ "[grant a]\ncommand = /bin/true\nsecrets = A=X, A=Y\n",
	  3, "variable A is given twice", "duplicate secret variable" },
	{ "[grant a]\ncommand = /bin/true\nsha256 = abc\n",
	  3, "64 hexadecimal", "short sha256" },
	{ "[grant a]\ncommand = /bin/true\nsha256 = zz00000000000000000000000000000000000000000000000000000000000000\n",
	  3, "64 hexadecimal", "non-hex sha256" },
	{ "[broker]\napproval_ttl = 15 minutes\n",
	  2, "bad duration '15 minutes'", "bad duration" },
	{ "[broker]\nidle_lock = forever\n",
	  2, "or never", "bad idle_lock" },
	{ "[broker]\napproval_ttl = never\n",
	  2, "bad duration", "never only for idle_lock" },
	{ "[broker]\napproval_ttl = 400d\n",
	  2, "too long", "duration cap" },
	{ "[broker]\nrequest_timeout = 0\n",
	  2, "longer than 0s", "zero request_timeout" },
	{ "[broker]\nautostart = maybe\n",
	  2, "bad boolean 'maybe'", "bad boolean" },
	{ "[broker]\nconfirm = popup\n",
	  2, "expected desktop, terminal, command:/path or none", "bad confirm" },
	{ "[broker]\nconfirm = command:relative\n",
	  2, "not an absolute path", "relative confirm command" },
	{ "[vault]\nkdf_memory = lots\n",
	  2, "bad size 'lots'", "bad size" },
	{ "[vault]\nkdf_memory = 32M\n",
	  2, "out of range (64M to 4G)", "size too small" },
	{ "[vault]\nkdf_memory = 5G\n",
	  2, "out of range", "size too large" },
	{ "[vault]\nkdf_memory = 99999999999999999999999\n",
	  2, "bad size", "size overflow" },
	{ "[vault]\nkdf_ops = 0\n",
	  2, "kdf_ops: bad value", "kdf_ops zero" },
	{ "[vault]\nkdf_ops = -1\n",
	  2, "kdf_ops: bad value", "kdf_ops negative" },
	{ "[vault]\naskpass = ask.sh\n",
	  2, "not an absolute path", "relative askpass" },
	{ "[scan]\nmax_file = 0\n",
	  2, "out of range", "max_file zero" },
	{ "[scan]\nskip = a/b\n",
	  2, "not a directory name", "skip with slash" },
	{ "[sandbox]\nhide = secrets/x.txt\n",
	  2, "contains '/'", "hide with slash" },
	{ "[sandbox]\nhide_dirs = relative/dir\n",
	  2, "not an absolute path", "relative hide_dir" },
	{ "[sandbox]\nallow_env = *\n",
	  2, "every variable", "allow_env star" },
	{ "[sandbox]\nallow_env = 9LIVES\n",
	  2, "not a variable name", "bad allow_env" },
	{ "[sandbox]\nnever_write = !~/.bashrc\n",
	  2, "use 'unprotect = PATH'", "'!' in never_write" },
	{ "[sandbox]\nnever_write = ../up\n",
	  2, "must not leave the project", "never_write leaving the project" },
	{ "[sandbox]\nhome = open\n",
	  2, "expected visible or allow-list", "bad home mode" },
	{ "key = value\n",
	  1, "outside any section", "key before section" },
	{ "[broker]\njust words\n",
	  2, "expected 'key = value'", "line without =" },
	{ "[broker]\n= value\n",
	  2, "unknown key ''", "empty key" },
	{ "[broker\n",
	  1, "without ']'", "unterminated header" },
	{ "[broker] trailing\n",
	  1, "unexpected text", "text after header" },
	{ "[grant]\n",
	  1, "needs a name", "grant without name" },
	{ "[grant bad/name]\ncommand=/bin/x\n",
	  1, "bad grant name", "bad grant name" },
	{ "[vault extra]\n",
	  1, "takes no name", "named vault section" },
	{ "[grant a]\ncommand=/bin/x\n[grant a]\ncommand=/bin/y\n",
	  3, "defined twice (first on line 1)", "duplicate grant" },
	{ "[profile a]\n[profile a]\n",
	  2, "defined twice", "duplicate profile" },
	{ "[grant a]\ncommand=/bin/x\nargs = 'open\n",
	  3, "unterminated single quote", "unterminated quote" },
	{ "[grant a]\ncommand=/bin/x\nconfirm = sometimes\n",
	  3, "expected always, ttl, never", "bad grant confirm" },
	{ "[grant a]\ncommand=/bin/x\nconfirm = desktop\nui = terminal\n",
	  4, "already chosen by 'confirm' on line 3", "confirm UI and ui conflict" },
	{ "[grant a]\ncommand=/bin/x\nui = always\n",
	  3, "ui: bad value", "ui = always" },
	{ "[grant a]\ncommand=/bin/x\npath = /usr/bin::/bin\n",
	  3, "absolute directory", "empty PATH entry" },
	{ "[grant a]\ncommand=/bin/x\npath = bin\n",
	  3, "absolute directory", "relative PATH" },
	{ "[grant a]\ncommand=/bin/x\nenv_keep = LD_PRELOAD\n",
	  3, "LD_PRELOAD can make", "env_keep dangerous" },
	{ "[grant a]\ncommand=/bin/x\nenv_keep = NODE_*\n",
	  3, "NODE_* can make", "env_keep dangerous glob" },
	{ "[grant a]\ncommand=/bin/x\nsecrets = TOKEN\nenv_keep = TOKEN\n",
	  1, "replace the secret variable TOKEN", "env_keep over a secret" },
	{ "[grant a]\ncommand=/bin/x\ncwd = src\n",
	  3, "not an absolute path", "relative cwd" },
	{ "[grant a]\ncommand=/bin/x\nttl = soon\n",
	  3, "bad duration", "bad grant ttl" },
	{ "[grant a]\ncommand=/bin/x\nallow_no_mask = sure\n",
	  3, "bad boolean", "bad allow_no_mask" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < ARRAY_LEN(bad_configs); i++)
		bad(bad_configs[i].text, bad_configs[i].line, bad_configs[i].needle,
		    bad_configs[i].what);

	char longline[400];
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "[sandbox]\nhide = ", 17);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = 0;
	bad(longline, 2, "line longer than", "overlong line");
	/* 199 characters on a last line without a newline: over the documented
	 * 198 as well (inih's buffer let it through) */
	char lastline[16 + 200];
	memcpy(lastline, "[sandbox]\n", 10);
	memset(lastline + 10, 'x', 199);
	memcpy(lastline + 10, "hide = ", 7);
	lastline[10 + 199] = 0;
	bad(lastline, 2, "line longer than 198", "overlong last line without a newline");
	memcpy(lastline + 10 + 198, "", 1);
	struct config c198;
	ok(load(&c198, lastline) == 0, "198 characters on the last line are fine (%s)", err);
	config_free(&c198);

	struct config c;
	const char nul[] = "[broker]\nmask = y\0es\n";
	ok(config_load_buffer(&c, "n.ini", nul, sizeof(nul) - 1, err, sizeof(err)) == HUSH_ECONFIG &&
	   !strncmp(err, "n.ini:2: NUL", 12), "NUL byte rejected with line (%s)", err);
	ok(load(&c, "[broker]\nmask = yes\n\n[nope]\nx = 1\n[also]\n") == HUSH_ECONFIG &&
	   !strncmp(err, "test.ini:4:", 11), "first error is the one reported (%s)", err);

	/* Many grants: the cap holds. */
	size_t cap = (CONFIG_MAX_GRANTS + 2) * 40;
	char *many = malloc(cap);
	size_t off = 0;
	for (int i = 0; i <= CONFIG_MAX_GRANTS; i++)
		off += (size_t)snprintf(many + off, cap - off, "[grant g%d]\ncommand = /bin/true\n", i);
	ok(load(&c, many) == HUSH_ECONFIG && strstr(err, "too many grants"),
	   "grant cap (%s)", err);
	free(many);
}

static void test_files(void)
{
	char dir[] = "/tmp/hush-cfgtest.XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp dir");
	char path[256], link[256];
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	snprintf(link, sizeof(link), "%s/link.ini", dir);
	struct config c;
	ok(config_load(&c, path, true, err, sizeof(err)) == 0 && c.path == NULL &&
	   c.approval_ttl == 900, "missing file allowed: defaults");
	config_free(&c);
	ok(config_load(&c, path, false, err, sizeof(err)) == HUSH_ENOENT && strstr(err, path),
	   "missing file refused when required (%s)", err);
	FILE *f = fopen(path, "w");
	fputs("[broker]\napproval_ttl = 20m\n", f);
	fclose(f);
	ok(config_load(&c, path, false, err, sizeof(err)) == 0 && c.approval_ttl == 1200 &&
	   c.path && !strcmp(c.path, path), "file loads, path kept");
	config_free(&c);
	ok(symlink(path, link) == 0, "symlink");
	ok(config_load(&c, link, false, err, sizeof(err)) == 0 && c.approval_ttl == 1200,
	   "symlinked config followed");
	config_free(&c);
	f = fopen(path, "w");
	fputs("[broker]\n\napproval_ttl = 20\n[x]\n", f);
	fclose(f);
	char want[300];
	snprintf(want, sizeof(want), "%s:4: unknown section [x]", path);
	ok(config_load(&c, path, false, err, sizeof(err)) == HUSH_ECONFIG &&
	   !strncmp(err, want, strlen(want)), "file error names file and line (%s)", err);
	ok(config_load(&c, dir, false, err, sizeof(err)) == HUSH_ECONFIG &&
	   strstr(err, "not a regular file"), "directory refused (%s)", err);
	f = fopen(path, "w");
	for (int i = 0; i < 70000; i++)
		fputs("; padding line\n", f);
	fclose(f);
	ok(config_load(&c, path, false, err, sizeof(err)) == HUSH_ECONFIG &&
	   strstr(err, "larger than"), "file over 1 MiB refused (%s)", err);
	setenv("HUSH_CONFIG", path, 1);
	ok(config_load_default(&c, err, sizeof(err)) == HUSH_ECONFIG, "load_default uses HUSH_CONFIG");
	unlink(path);
	ok(config_load_default(&c, err, sizeof(err)) == 0 && c.path == NULL,
	   "load_default: missing file is fine");
	config_free(&c);
	unsetenv("HUSH_CONFIG");
	unlink(link);
	rmdir(dir);
}

static void test_env_dangerous(void)
{
	ok(envpolicy_runs_code("LD_PRELOAD") && envpolicy_runs_code("BASH_ENV") &&
	   envpolicy_runs_code("PYTHONPATH") && envpolicy_runs_code("NODE_OPTIONS") &&
	   envpolicy_runs_code("GIT_SSH_COMMAND"), "injection variables are dangerous");
	ok(!envpolicy_runs_code("GH_HOST") && !envpolicy_runs_code("AWS_REGION"),
	   "ordinary variables are not");
	ok(envpolicy_glob_runs_code("PY") && envpolicy_glob_runs_code("PYTHONX") &&
	   envpolicy_glob_runs_code("NODE_") && !envpolicy_glob_runs_code("GH_"),
	   "a glob overlapping the list is refused, a disjoint one is not");
}

/* The whole table: for every entry the config check refuses it in env_keep
 * and the spawner drops it from what a requester passes, even when a
 * grant's env_keep names it; a harmless name passes both (the control). */
static void test_env_policy_agrees(void)
{
	size_t n;
	const struct envpolicy_entry *t = envpolicy_table(&n);
	size_t cfg_refused = 0, run_dropped = 0;
	const char *probe[] = { NULL, "GH_HOST" };
	for (size_t i = 0; i <= n; i++) {
		char name[128];
		bool control = i == n;
		snprintf(name, sizeof(name), "%s%s", control ? probe[1] : t[i].name,
			 !control && t[i].prefix ? "X" : "");
		char text[512];
		snprintf(text, sizeof(text), "[grant g]\ncommand = /bin/true\nenv_keep = %s\n", name);
		struct config c;
		char lerr[512] = "";
		int r = config_load_buffer(&c, "t.ini", text, strlen(text), lerr, sizeof(lerr));
		bool refused = r != 0 && strstr(lerr, "cannot be passed");
		if (r == 0)
			config_free(&c);
		struct grant g = { 0 };
		char *keep[] = { name };
		g.env_keep.v = keep;
		g.env_keep.n = 1;
		char entry[160];
		snprintf(entry, sizeof(entry), "%s=1", name);
		char *req[] = { entry };
		struct spawn_env e;
		bool dropped = spawn_env_build(&e, &g, req, 1) == 0 && !spawn_env_get(&e, name);
		/* PATH (the grant's) and HOME (the broker's) are always set:
		 * dropped means the requester's value did not win */
		bool own = !strcmp(name, "PATH") || !strcmp(name, "HOME");
		const char *got = spawn_env_get(&e, name);
		if (own)
			dropped = !got || strcmp(got, "1") != 0;
		spawn_env_free(&e);
		if (control) {
			ok(!refused && !dropped, "control: %s passes the config check and reaches the command", name);
			continue;
		}
		cfg_refused += refused;
		run_dropped += dropped;
		if (!refused || !dropped)
			ok(0, "%s: config check %s, run time %s", name, refused ? "refuses" : "ACCEPTS",
			   dropped ? "drops" : "PASSES");
	}
	/* docs/protocol.md lists every entry */
	char docp[4096];
	const char *src = getenv("HUSH_SRC");
	snprintf(docp, sizeof(docp), "%s/docs/protocol.md", src ? src : ".");
	FILE *f = fopen(docp, "r");
	static char doc[1 << 17];
	size_t dl = f ? fread(doc, 1, sizeof(doc) - 1, f) : 0;
	if (f)
		fclose(f);
	doc[dl] = 0;
	size_t documented = 0;
	for (size_t i = 0; i < n; i++) {
		char want[128];
		snprintf(want, sizeof(want), "| `%s%s` |", t[i].name, t[i].prefix ? "*" : "");
		if (strstr(doc, want))
			documented++;
		else
			ok(0, "docs/protocol.md lists %s", want);
	}
	ok(dl > 0 && documented == n, "docs/protocol.md lists all %zu entries (%zu)", n, documented);
	ok(cfg_refused == n && run_dropped == n,
	   "all %zu entries: refused by hush config check (%zu) and dropped at run time (%zu)", n,
	   cfg_refused, run_dropped);
}

/* The key table (config/keys.c) and docs/config.md list the same keys in
 * the same sections, and the defaults the table applies are the ones the
 * docs show. */
/* The requester's locale, language, terminal and zone names reach the
 * command only when they name no file of the requester's. */
static void test_env_values(void)
{
	const struct { const char *entry; bool kept; } t[] = {
		{ "LANG=C.UTF-8", true },          { "LANGUAGE=sr_RS@latin:en", true },
		{ "LC_ALL=en_US.UTF-8", true },    { "TERM=xterm-256color", true },
		{ "TZ=Europe/Paris", true },       { "TZ=UTC", true },
		{ "LANGUAGE=../../../tmp/x", false }, { "LANG=/tmp/loc", false },
		{ "LC_MESSAGES=../x", false },     { "TERM=../../tmp/t", false },
		{ "TZ=/tmp/zone", false },         { "TZ=:/tmp/zone", false },
		{ "TZ=../../tmp/zone", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char entry[128], name[64];
		snprintf(entry, sizeof(entry), "%s", t[i].entry);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(entry, "="), entry);
		char *req[] = { entry };
		struct spawn_env e;
		const char *got = spawn_env_build(&e, NULL, req, 1) == 0 ? spawn_env_get(&e, name) : NULL;
		bool kept = got && !strcmp(got, strchr(t[i].entry, '=') + 1);
		ok(kept == t[i].kept, "%s: %s", t[i].entry, kept ? "passed" : "dropped");
		spawn_env_free(&e);
	}
}

static void test_docs_keys(void)
{
	size_t nk;
	const struct config_key *keys = config_key_table(&nk);
	bool documented[CONFIG_MAX_KEYS] = { false };
	char path[4096];
	const char *src = getenv("HUSH_SRC");
	snprintf(path, sizeof(path), "%s/docs/config.md", src ? src : ".");
	FILE *f = fopen(path, "r");
	ok(f != NULL, "docs/config.md opens (%s)", path);
	if (!f)
		return;
	char line[4096];
	enum config_section sec = SEC_NONE;
	bool in_table = false;
	size_t rows = 0, bad_rows = 0, bad_defaults = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			const char *b = strstr(line, "`[");
			if (!b)
				continue;
			char word[32];
			size_t n = strcspn(b + 2, " ]`");
			snprintf(word, sizeof(word), "%.*s", (int)n, b + 2);
			sec = SEC_NONE;
			for (int s = SEC_VAULT; s < SEC_COUNT; s++)
				if (config_section_word(s) && !strcmp(config_section_word(s), word))
					sec = s;
			ok(sec != SEC_NONE, "docs heading names a section: [%s]", word);
			continue;
		}
		if (!strncmp(line, "| key |", 7)) {
			in_table = true;
			continue;
		}
		if (line[0] != '|') {
			in_table = false;
			continue;
		}
		if (!in_table || !strncmp(line, "|---", 4))
			continue;
		/* | `a`, `b` | type | default | meaning | */
		char *c1 = line + 1, *c2 = strstr(c1, " | ");
		char *c3 = c2 ? strstr(c2 + 3, " | ") : NULL;
		char *c4 = c3 ? strstr(c3 + 3, " | ") : NULL;
		if (!c4) {
			ok(0, "docs key row has four cells: %s", line);
			continue;
		}
		*c2 = 0;
		*c4 = 0;
		char *def = c3 + 3;
		for (char *p = strchr(c1, '`'); p; p = strchr(p, '`')) {
			char *e = strchr(p + 1, '`');
			if (!e)
				break;
			*e = 0;
			const char *name = p + 1;
			p = e + 1;
			rows++;
			const struct config_key *k = config_key_find(sec, name);
			if (!k) {
				bad_rows++;
				ok(0, "docs/config.md's [%s] %s is in the key table",
				   config_section_word(sec), name);
				continue;
			}
			documented[k - keys] = true;
			char want[256];
			if (k->def) {
				snprintf(want, sizeof(want), "`%s`", k->def);
				if (strcmp(def, want)) {
					bad_defaults++;
					ok(0, "[%s] %s: docs default '%s', table '%s'",
					   config_section_word(sec), name, def, want);
				}
			}
			if (k->list_def && strncmp(def, "see ", 4)) {
				size_t ticks = 0;
				for (const char *t = def; *t; t++)
					ticks += *t == '`';
				bool all = ticks == 2 * k->nlist_def;
				for (size_t i = 0; i < k->nlist_def; i++) {
					snprintf(want, sizeof(want), "`%s`", k->list_def[i]);
					all = all && strstr(def, want);
				}
				if (!all) {
					bad_defaults++;
					ok(0, "[%s] %s: docs list the %zu built-in items: %s",
					   config_section_word(sec), name, k->nlist_def, def);
				}
			}
		}
	}
	fclose(f);
	size_t missing = 0;
	for (size_t i = 0; i < nk; i++) {
		if (documented[i])
			continue;
		missing++;
		ok(0, "key [%s] %s is in docs/config.md", config_section_word(keys[i].sec),
		   keys[i].name);
	}
	ok(rows > 0 && bad_rows == 0 && missing == 0,
	   "docs/config.md and the key table list the same %zu keys (%zu rows read)", nk, rows);
	ok(bad_defaults == 0, "docs/config.md shows the defaults the key table applies");

	/* a grant's defaults are the table's */
	struct config c;
	ok(load(&c, "[grant a]\ncommand = /bin/true\n") == 0 &&
	   c.grants[0].policy == CONFIRM_POLICY_TTL && !c.grants[0].allow_no_mask &&
	   !c.grants[0].ssh_agent && c.grants[0].ui == CONFIRM_UI_DEFAULT,
	   "grant defaults: confirm = ttl, allow_no_mask and ssh_agent off");
	config_free(&c);
}

T_MAIN(test_env_policy_agrees, test_defaults, test_design_sketch, test_types, test_lists,
       test_grants, test_errors, test_files, test_env_dangerous, test_env_values, test_docs_keys)
