/* SPDX-License-Identifier: ISC */
/* Human confirmation launched by the broker (never by the client).
 *
 * A confirmation program (HUSH_CONFIRM / confirm = command:/path, or a
 * desktop dialog: zenity, kdialog, or an ssh-askpass-style program with
 * SSH_ASKPASS_PROMPT=confirm) is started as a child of the broker; its exit
 * status decides (0 approves). It gets the request description as arguments
 * and in HUSH_CONFIRM_* variables, never a secret value. */
#ifndef HUSH_BROKER_CONFIRM_H
#define HUSH_BROKER_CONFIRM_H

#include <stddef.h>
#include <sys/types.h>

struct confirm_info {
	const char *grant;
	const char *command;     /* resolved executable */
	char *const *argv;       /* arguments after the command */
	size_t argc;
	const char *cwd;
	pid_t pid;               /* requesting process */
	const char *exe;         /* its executable, or "" */
	const char *secrets;     /* comma-separated names */
	/* A use of a credential by the credential proxy: its name; command is
	 * then "METHOD https://host/path" and cwd the sandbox session. */
	const char *credential;
};

/* Writes the one-line description shown to the human into out[n]. */
void confirm_describe(const struct confirm_info *ci, char *out, size_t n);

/* Finds a desktop dialog program: $SSH_ASKPASS when it is an absolute
 * executable path, else zenity, kdialog, or a known ssh-askpass. Returns 0
 * with the program kind and path, or HUSH_ENOENT when there is no display
 * or no program. kind is "zenity", "kdialog" or "askpass". */
int confirm_find_desktop(char *path, size_t n, const char **kind);

/* Starts program (kind "command", "zenity", "kdialog" or "askpass") for the
 * request; *pid is the child to wait for. 0 or HUSH_EIO. */
int confirm_launch(const char *kind, const char *program, const struct confirm_info *ci,
		   pid_t *pid);

#endif
