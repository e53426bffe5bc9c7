/* SPDX-License-Identifier: ISC */
/* hush scan: walk files, find secrets and credential files, and say who can
 * see them (git exposure, sandbox visibility).
 *
 * scan_paths() walks each path (never following symlinks below a root),
 * skips configured directory names, binary files and files over the size
 * cap, scans the rest on a small thread pool and returns the findings
 * sorted by file and line. Findings carry a masked preview and a
 * fingerprint, never the secret itself. */
#ifndef HUSH_SCAN_SCAN_H
#define HUSH_SCAN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/match.h"
#include "scan/ruleset.h"

enum scan_exposure {
	SCAN_EXP_NOT_GIT = 0, /* not inside a git work tree */
	SCAN_EXP_TRACKED,     /* tracked by git: in history, pushed with the repo */
	SCAN_EXP_IGNORED,     /* ignored by .gitignore */
	SCAN_EXP_UNTRACKED,   /* in a work tree, neither tracked nor ignored */
};

struct scan_finding {
	char *path;            /* as displayed (root as given + relative part) */
	int line;
	const char *rule;      /* static */
	const char *title;     /* static */
	enum scan_conf conf;
	enum scan_check check;
	char preview[40];      /* first few chars + "…" + length; never the value */
	size_t secret_len;
	char fingerprint[33];  /* hex of a hash of path, rule and the secret's hash */
	enum scan_exposure exposure;
	bool sandbox_hidden;   /* hidden by the sandbox's hide globs / dirs */
	bool credfile;         /* the file is a credential file by its name */
};

struct scan_problem {
	char *path;
	const char *why;       /* static text */
};

struct scan_result {
	struct scan_finding *v;
	size_t n, cap;
	struct scan_problem *problems;
	size_t nproblems, problems_cap;
	size_t files_scanned;
	size_t files_skipped;  /* binary, too big, symlink, special, allowlisted */
	size_t files_allowed;  /* of those, skipped by a --rules allowlist path */
	uint64_t bytes;
	struct scan_ruleset *rules; /* scan_job_run()'s --rules, which the findings' names
				       point into: freed with the result */
};

typedef void (*scan_progress_fn)(void *ctx, size_t done, size_t total);

struct scan_opts {
	size_t max_file;                 /* bytes; 0 = 4 MiB */
	char *const *skip_dirs;          /* directory names never entered */
	size_t nskip;
	char *const *hide;               /* sandbox hide globs ("!" negates) */
	size_t nhide;
	char *const *hide_dirs;          /* absolute directories the sandbox hides */
	size_t nhide_dirs;
	bool no_git;                     /* do not ask git about exposure */
	int threads;                     /* 0 = number of CPUs, at most 8 */
	const struct scan_ruleset *ruleset; /* --rules (gitleaks format), or NULL */
	scan_progress_fn progress;       /* called now and then; may be NULL */
	void *progress_ctx;
};

/* Scans paths[n] (files or directories). Returns 0 (findings and per-file
 * problems in *r), HUSH_ENOENT when a root does not exist (r->problems
 * names it), or HUSH_ENOMEM. Free *r with scan_result_free(). */
int scan_paths(char *const *paths, size_t n, const struct scan_opts *o,
	       struct scan_result *r);
void scan_result_free(struct scan_result *r);

/* Scans one in-memory file (name decides the credential-file rules) and
 * appends findings to r, with no git or sandbox information. For tests and
 * the fuzzer. 0 or HUSH_ENOMEM. */
int scan_memory(const char *display, const char *data, size_t len,
		struct scan_result *r);

/* Credential-file class of a file name (basename plus parent dirs). */
enum scan_credfile {
	SCAN_CF_NONE = 0,
	SCAN_CF_DOTENV,       /* .env, .env.local, prod.env, ... */
	SCAN_CF_TEMPLATE,     /* .env.example, .env.sample, ...: normal rules */
	SCAN_CF_CONFIG,       /* .npmrc .pypirc .netrc credentials tfvars kubeconfig ... */
	SCAN_CF_PKCS12,       /* *.p12, *.pfx */
};
enum scan_credfile scan_credfile_kind(const char *path);
/* SCAN_F_* flags for scanning a file of this name: credential file,
 * .npmrc / .netrc formats, source code or documentation. */
unsigned scan_file_flags(const char *path);

/* Appends to out (no duplicates) the places in home
 * where secrets lie: rc files and their backups, history files, credential
 * files of common tools, ~/.config/<app>/ files named like tokens, and
 * .env / .envrc files in project directories (a bounded walk that skips
 * hidden directories and the names in skip). 0 or HUSH_ENOMEM. */
struct strv;
int scan_home_paths(const char *home, char *const *skip, size_t nskip, struct strv *out);
/* Appends to out the .env files of the project at dir (hush setup): three
 * directories deep at most, not in .git, node_modules, vendor, .venv or
 * venv, at most 32. 0 or HUSH_ENOMEM. */
int scan_project_dotenv(const char *dir, struct strv *out);

/* Masked preview of v[n] into out[outlen]: at most 4 leading characters
 * (fewer for short values), "…" and the length. */
void scan_mask(const char *v, size_t n, char *out, size_t outlen);
/* Fingerprint of a finding: 32 hex chars of BLAKE2b(path, rule,
 * BLAKE2b(secret)). out has 33 bytes. */
void scan_fingerprint(const char *path, const char *rule, const char *v, size_t n,
		      char out[33]);

/* True when the sandbox would hide path (absolute or relative) given the
 * hide globs and hide dirs. */
bool scan_sandbox_hides(const char *path, char *const *hide, size_t nhide,
			char *const *hide_dirs, size_t nhide_dirs);

/* Fills the exposure of every finding by asking git once per repository
 * (git ls-files, git check-ignore --stdin). 0 or HUSH_ENOMEM; git failures
 * leave SCAN_EXP_NOT_GIT. */
int scan_git_exposure(struct scan_result *r);

const char *scan_exposure_name(enum scan_exposure e);
const char *scan_conf_name(enum scan_conf c);

#endif
