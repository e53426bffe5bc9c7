/* SPDX-License-Identifier: ISC */
/* Launching confirmation programs: see confirm.h. */
#include "broker/confirm.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/spawn.h"
#include "common/err.h"
#include "common/util.h"

static void join_args(char *const *argv, size_t argc, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < argc && o + 1 < n; i++) {
		char shown[1024];
		str_display(argv[i], shown, sizeof(shown));
		int w = snprintf(out + o, n - o, "%s%s", i ? " " : "", shown);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (o >= n && n > 4)
		memcpy(out + n - 4, "...", 4);
}

void confirm_describe(const struct confirm_info *ci, char *out, size_t n)
{
	/* Arguments, cwd and exe come from the requester: shown escaped, so
	 * they cannot fake lines, escape sequences or markup in the prompt. */
	char args[1024], cwd[1024], exe[1024];
	join_args(ci->argv, ci->argc, args, sizeof(args));
	str_display(ci->cwd, cwd, sizeof(cwd));
	str_display(ci->exe && *ci->exe ? ci->exe : "unknown", exe, sizeof(exe));
	if (ci->credential) {
		char what[1024];
		str_display(ci->command, what, sizeof(what));
		snprintf(out, n, "Allow the credential '%s' (secret %s) on %s, from %s?",
			 ci->credential, ci->secrets && *ci->secrets ? ci->secrets : "none", what, cwd);
		return;
	}
	snprintf(out, n,
		 "Allow grant '%s' to run %s%s%s in %s, requested by pid %ld (%s), with secrets: %s?",
		 ci->grant, ci->command, ci->argc ? " " : "", args, cwd, (long)ci->pid, exe,
		 ci->secrets && *ci->secrets ? ci->secrets : "none");
}

static int which(const char *name, char *out, size_t n)
{
	const char *dirs[] = { "/usr/local/bin", "/usr/bin", "/bin" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		if (xsnprintf(out, n, "%s/%s", dirs[i], name))
			continue;
		if (access(out, X_OK) == 0)
			return 0;
	}
	return HUSH_ENOENT;
}

int confirm_find_desktop(char *path, size_t n, const char **kind)
{
	const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	if ((!d || !*d) && (!w || !*w))
		return HUSH_ENOENT;
	/* an SSH_ASKPASS set in the broker's environment is the user's own
	 * choice of dialog, as for ssh: it comes first */
	const char *sa = getenv("SSH_ASKPASS");
	if (sa && sa[0] == '/' && access(sa, X_OK) == 0 && !xsnprintf(path, n, "%s", sa)) {
		*kind = "askpass";
		return 0;
	}
	if (!which("zenity", path, n)) {
		*kind = "zenity";
		return 0;
	}
	if (!which("kdialog", path, n)) {
		*kind = "kdialog";
		return 0;
	}
	const char *known[] = { "/usr/bin/ssh-askpass", "/usr/lib/ssh/ssh-askpass",
				"/usr/lib/openssh/gnome-ssh-askpass", "/usr/libexec/openssh/ssh-askpass" };
	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		if (access(known[i], X_OK) == 0 && !xsnprintf(path, n, "%s", known[i])) {
			*kind = "askpass";
			return 0;
		}
	}
	return HUSH_ENOENT;
}

int confirm_launch(const char *kind, const char *program, const struct confirm_info *ci,
		   pid_t *pid)
{
	char desc[2048], args[4096], pidbuf[32];
	confirm_describe(ci, desc, sizeof(desc));
	join_args(ci->argv, ci->argc, args, sizeof(args));
	snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)ci->pid);
	pid_t p = fork();
	if (p < 0)
		return HUSH_EIO;
	if (p > 0) {
		*pid = p;
		return 0;
	}
	/* child: a fresh process group, quiet stdio, the description in env */
	setpgid(0, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
	}
	int *keep[] = { 0 };
	spawn_keep_fds(keep, 0);
	setenv("HUSH_CONFIRM_GRANT", ci->grant, 1);
	setenv("HUSH_CONFIRM_COMMAND", ci->command, 1);
	setenv("HUSH_CONFIRM_ARGS", args, 1);
	setenv("HUSH_CONFIRM_CWD", ci->cwd, 1);
	setenv("HUSH_CONFIRM_PID", pidbuf, 1);
	setenv("HUSH_CONFIRM_EXE", ci->exe ? ci->exe : "", 1);
	setenv("HUSH_CONFIRM_SECRETS", ci->secrets ? ci->secrets : "", 1);
	if (ci->credential)
		setenv("HUSH_CONFIRM_CREDENTIAL", ci->credential, 1);
	if (!strcmp(kind, "zenity")) {
		execl(program, program, "--question", "--title=hush", "--width=640", "--no-markup", "--text", desc,
		      (char *)NULL);
	} else if (!strcmp(kind, "kdialog")) {
		execl(program, program, "--title", "hush", "--yesno", desc, (char *)NULL);
	} else if (!strcmp(kind, "askpass")) {
		setenv("SSH_ASKPASS_PROMPT", "confirm", 1);
		execl(program, program, desc, (char *)NULL);
	} else {
		execl(program, program, desc, ci->grant, ci->command, ci->cwd, (char *)NULL);
	}
	_exit(126);
}
