/* SPDX-License-Identifier: ISC */
/* The environment policy: see envpolicy.h. */
#include "common/envpolicy.h"

#include <string.h>

#include "common/util.h"

static const struct envpolicy_entry table[] = {
	{ "LD_", true, "the dynamic loader: preload or audit libraries, change the search path" },
	{ "DYLD_", true, "the macOS loader, for tools that honour it elsewhere" },
	{ "GLIBC_TUNABLES", false, "glibc tunables (memory allocator behaviour)" },
	{ "MALLOC_", true, "glibc allocator checks and tracing to a file" },
	{ "GCONV_PATH", false, "glibc loads character-set modules from there" },
	{ "GETCONF_DIR", false, "getconf runs helpers from there" },
	{ "LOCPATH", false, "locale data from there" },
	{ "NLSPATH", false, "message catalogues from there" },
	{ "TZDIR", false, "time-zone files from there" },
	{ "HOSTALIASES", false, "host name aliases read from a file" },
	{ "LOCALDOMAIN", false, "the resolver's search domain" },
	{ "RES_OPTIONS", false, "resolver options" },
	{ "RESOLV_", true, "resolver configuration files" },
	{ "NIS_PATH", false, "NIS+ lookups" },
	{ "TMPDIR", false, "where programs create (and trust) temporary files" },
	{ "PATH", false, "which program a name runs (a grant sets its own)" },
	{ "HOME", false, "which startup files, .gitconfig, usercustomize.py ... load (the broker's own)" },
	{ "XDG_", true, "where programs read config and data (git reads $XDG_CONFIG_HOME/git/config)" },
	{ "CDPATH", false, "where cd in a script goes" },
	{ "IFS", false, "how a shell splits words" },
	{ "BASH_ENV", false, "a file bash runs at start" },
	{ "ENV", false, "a file sh runs at start" },
	{ "BASH_FUNC_", true, "bash functions imported from the environment" },
	{ "SHELLOPTS", false, "bash options (xtrace with PS4 runs code)" },
	{ "BASHOPTS", false, "bash options" },
	{ "PS4", false, "expanded (and run) by bash -x" },
	{ "PROMPT_COMMAND", false, "run by an interactive bash" },
	{ "ZDOTDIR", false, "where zsh reads its startup files" },
	{ "NODE_OPTIONS", false, "node options: --require loads code" },
	{ "NODE_PATH", false, "where node finds modules" },
	{ "NODE_REPL_EXTERNAL_MODULE", false, "a module node's REPL loads" },
	{ "NPM_CONFIG_", true, "npm settings: scripts, registries, node-options" },
	{ "npm_config_", true, "npm settings (lower case)" },
	{ "PYTHON", true, "PYTHONPATH, PYTHONSTARTUP, PYTHONHOME ...: code python loads" },
	{ "PERL5", true, "PERL5LIB, PERL5OPT: modules and options perl loads" },
	{ "PERLLIB", false, "where perl finds modules" },
	{ "PERL_", true, "PERL_MB_OPT, PERL_MM_OPT ...: options of perl's build tools" },
	{ "RUBY", true, "RUBYOPT, RUBYLIB: code ruby loads" },
	{ "GEM_", true, "where gems are found and installed" },
	{ "BUNDLE_", true, "bundler settings, BUNDLE_GEMFILE among them" },
	{ "LUA_", true, "LUA_PATH, LUA_INIT: code lua loads" },
	{ "TCLLIBPATH", false, "where tcl finds packages" },
	{ "PHPRC", false, "php.ini: auto_prepend_file runs code" },
	{ "PHP_INI_SCAN_DIR", false, "more php.ini files" },
	{ "R_PROFILE", false, "R startup code" },
	{ "R_PROFILE_USER", false, "R startup code" },
	{ "JAVA_TOOL_OPTIONS", false, "JVM options: -javaagent loads code" },
	{ "_JAVA_OPTIONS", false, "JVM options" },
	{ "JDK_JAVA_OPTIONS", false, "JVM options" },
	{ "CLASSPATH", false, "where Java finds classes" },
	{ "GIT_", true, "GIT_SSH_COMMAND, GIT_EXEC_PATH, GIT_CONFIG_* ...: programs git runs" },
	{ "EDITOR", false, "run by git, crontab, ..." },
	{ "VISUAL", false, "run like EDITOR" },
	{ "PAGER", false, "run by git, man, ..." },
	{ "BROWSER", false, "run by tools that open a URL" },
	{ "SSH_ASKPASS", false, "run by ssh for a passphrase" },
	{ "SUDO_ASKPASS", false, "run by sudo for a password" },
	{ "HUSH_", true, "hush's own settings: config, confirmation and passphrase programs" },
};

const struct envpolicy_entry *envpolicy_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

bool envpolicy_runs_code(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		const struct envpolicy_entry *e = &table[i];
		if (e->prefix ? strncmp(name, e->name, strlen(e->name)) == 0 : strcmp(name, e->name) == 0)
			return true;
	}
	return false;
}

bool envpolicy_glob_runs_code(const char *prefix)
{
	size_t pl = strlen(prefix);
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		const struct envpolicy_entry *e = &table[i];
		size_t el = strlen(e->name);
		/* the glob passes an entry's names when they start with it; a
		 * listed prefix also covers a longer glob */
		if (strncmp(e->name, prefix, pl) == 0 || (e->prefix && pl >= el && strncmp(prefix, e->name, el) == 0))
			return true;
	}
	return false;
}
