/* SPDX-License-Identifier: ISC */
/* The config hush setup writes: see starter.h. */
#include "config/starter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

struct text {
	char s[8192];
	size_t len;
	bool over;
};

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(t->s) - t->len)
		t->over = true;
	else
		t->len += (size_t)w;
}

int config_write_starter(const char *path, const char *const *agents, size_t n, bool desktop)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return HUSH_EEXIST;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (path_ensure_private_dir(dir) != 0)
			return HUSH_EIO;
	}
	struct text t = { .len = 0 };
	addf(&t, "; hush config, written by hush setup. Every key: man hush-config\n"
	    "; (or docs/config.md). Check it with: hush config check\n\n"
	    "[broker]\n"
	    "; How a human approves a granted command: desktop | terminal | command:/path\n"
	    "confirm = %s\n"
	    "; An approval of a `confirm = ttl` grant lasts this long.\n"
	    ";approval_ttl = 15m\n\n"
	    "[sandbox]\n"
	    "; Added to the built-in lists (.env, *.pem, ~/.ssh, ~/.aws, ...).\n"
	    ";hide = *.secret\n"
	    ";hide_dirs = ~/.config/op\n\n",
	    desktop ? "desktop" : "terminal");
	addf(&t, "; Grants: the commands that may get secrets, and which. Examples:\n"
	    ";\n"
	    ";[grant gh]\n"
	    ";command = /usr/bin/gh\n"
	    ";secrets = GITHUB_TOKEN\n"
	    ";confirm = ttl\n"
	    ";\n"
	    ";[grant deploy-test]\n"
	    ";command = /usr/local/bin/nctl\n"
	    ";args = * --organization=test-org *\n"
	    ";secrets = NCTL_TOKEN\n"
	    ";confirm = always\n\n");
	addf(&t, "; Agents found on this machine%s. A [profile NAME] section\n"
	    "; (hush sandbox --profile NAME -- AGENT) changes what the agent may see\n"
	    "; and keep, e.g.\n", n ? "" : ": none");
	for (size_t i = 0; i < n; i++)
		addf(&t, ";   hush sandbox -- %s\n", agents[i]);
	addf(&t, ";\n;[profile myagent]\n;allow_env = MY_AGENT_HOME\n;allow_write = ~/.cache/myagent\n");
	if (t.over)
		return HUSH_ETOOBIG;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? HUSH_EEXIST : HUSH_EIO;
	if (write_all(fd, t.s, t.len) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return HUSH_EIO;
	}
	return close(fd) < 0 ? HUSH_EIO : 0;
}
