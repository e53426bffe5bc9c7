/* SPDX-License-Identifier: ISC */
/* Tree walk and per-file scanning for hush scan: lstat-based walk that
 * never follows symlinks below a root (so no loops), skip lists, size cap,
 * binary detection, credential files by name, a small thread pool, and
 * deterministic ordering of the findings. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/err.h"
#include "common/glob.h"
#include "common/util.h"
#include "sandbox/sandbox.h"
#include "scan/rules.h"
#include "scan/ruleset.h"
#include "scan/scan.h"

#define SCAN_DEFAULT_MAX (4u * 1024 * 1024)
#define SCAN_MAX_DEPTH 128
#define SCAN_MAX_FILES 10000000

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* True when path has a directory component equal to dir. */
static bool in_dir_named(const char *path, const char *dir)
{
	size_t l = strlen(dir);
	for (const char *p = path; (p = strstr(p, dir)) != NULL; p++)
		if ((p == path || p[-1] == '/') && p[l] == '/')
			return true;
	return false;
}

/* Extensions of source code and documentation: there a value is only a
 * value when it is a string literal. */
static bool code_or_doc(const char *b)
{
	const char *dot = strrchr(b, '.');
	if (!dot || dot == b)
		return false;
	static const char *const ext[] = {
		"c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "m", "mm", "go", "rs", "java", "kt",
		"kts", "scala", "groovy", "gradle", "swift", "cs", "fs", "vb", "py", "pyi", "pyx", "pxd",
		"rb", "pl", "pm", "pod", "t", "php", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx",
		"vue", "svelte", "lua", "r", "jl", "ex", "exs", "erl", "hrl", "hs", "ml", "mli", "clj",
		"cljs", "dart", "td", "inc", "def", "s", "asm", "tcl", "el", "vim", "md", "markdown", "rst",
		"adoc", "html", "htm", "xhtml", "tex", "texi", "map", "d", "nim", "zig", "sol", "f90", "pp", "pas", "dpr", "lpr", "bas", "ps1", "psm1",
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcasecmp(dot + 1, ext[i]))
			return true;
	/* man pages: name.1 ... name.9, name.3pm */
	return dot[1] >= '1' && dot[1] <= '9' && (dot[2] == 0 || isalpha((unsigned char)dot[2]));
}

enum scan_credfile scan_credfile_kind(const char *path)
{
	const char *b = base_name(path);
	static const char *const tmpl[] = { ".example", ".sample", ".template", ".dist",
					    ".defaults", ".default", ".schema", ".tpl", ".in" };
	if (!strcmp(b, ".env") || !strncmp(b, ".env.", 5) || has_suffix(b, ".env") ||
	    !strncmp(b, ".env-", 5)) {
		for (size_t i = 0; i < sizeof(tmpl) / sizeof(tmpl[0]); i++)
			if (has_suffix(b, tmpl[i]))
				return SCAN_CF_TEMPLATE;
		return SCAN_CF_DOTENV;
	}
	static const char *const names[] = {
		".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass", ".my.cnf",
		"application_default_credentials.json", "credentials.json", "terraform.tfvars",
		".htpasswd", "secrets.yml", "secrets.yaml", "secrets.json", ".dockercfg",
		"kubeconfig", ".s3cfg", ".boto", "credentials.tfrc.json",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(b, names[i]))
			return SCAN_CF_CONFIG;
	if (has_suffix(b, ".tfvars") || (!strncmp(b, "kubeconfig", 10) && !code_or_doc(b)))
		return SCAN_CF_CONFIG;
	if (!strcmp(b, "credentials") && in_dir_named(path, ".aws"))
		return SCAN_CF_CONFIG;
	if (!strcmp(b, "config") && in_dir_named(path, ".kube"))
		return SCAN_CF_CONFIG;
	if (!strcmp(b, "config.json") && in_dir_named(path, ".docker"))
		return SCAN_CF_CONFIG;
	if (!strcmp(b, "hosts.yml") && in_dir_named(path, "gh"))
		return SCAN_CF_CONFIG;
	static const struct { const char *name, *dir; } in_dir[] = {
		{ "credentials.toml", ".cargo" }, { "credentials", ".cargo" },
		{ "credentials", ".gem" }, { "settings.xml", ".m2" },
		{ "settings-security.xml", ".m2" }, { "rclone.conf", "rclone" },
		{ "hub", ".config" }, { "gradle.properties", ".gradle" },
		{ "auth.json", "composer" }, { "auth.json", ".composer" },
		{ "auth.json", ".codex" }, { ".credentials.json", ".claude" },
		{ "pip.conf", "pip" }, { "pip.conf", ".pip" }, { "credentials", "git" },
		{ "accessTokens.json", ".azure" }, { "config.yaml", "doctl" },
	};
	for (size_t i = 0; i < sizeof(in_dir) / sizeof(in_dir[0]); i++)
		if (!strcmp(b, in_dir[i].name) && in_dir_named(path, in_dir[i].dir))
			return SCAN_CF_CONFIG;
	if (!strcmp(b, ".vault-token") || !strcmp(b, ".yarnrc") || !strcmp(b, ".yarnrc.yml") ||
	    !strcmp(b, ".terraformrc"))
		return SCAN_CF_CONFIG;
	size_t bl = strlen(b);
	if (bl > 4 && (!strcasecmp(b + bl - 4, ".p12") || !strcasecmp(b + bl - 4, ".pfx")))
		return SCAN_CF_PKCS12;
	return SCAN_CF_NONE;
}

unsigned scan_file_flags(const char *path)
{
	const char *b = base_name(path);
	enum scan_credfile cf = scan_credfile_kind(path);
	unsigned f = 0;
	if (cf == SCAN_CF_DOTENV || cf == SCAN_CF_CONFIG)
		f |= SCAN_F_CREDFILE;
	if (!strcmp(b, ".npmrc") || !strcmp(b, "npmrc") || has_suffix(b, ".npmrc"))
		f |= SCAN_F_NPMRC;
	if (!strcmp(b, ".netrc") || !strcmp(b, "_netrc") || !strcmp(b, "netrc"))
		f |= SCAN_F_NETRC;
	if (!f && code_or_doc(b))
		f |= SCAN_F_CODE;
	return f;
}

void scan_mask(const char *v, size_t n, char *out, size_t outlen)
{
	size_t show = n >= 16 ? 4 : n >= 8 ? 2 : 0;
	char head[8];
	size_t k = 0;
	for (size_t i = 0; i < show; i++) {
		unsigned char c = (unsigned char)v[i];
		head[k++] = (c >= 0x21 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
	}
	head[k] = 0;
	snprintf(out, outlen, "%s\xe2\x80\xa6(%zu chars)", head, n);
}

void scan_fingerprint(const char *path, const char *rule, const char *v, size_t n, char out[33])
{
	unsigned char sh[32], fp[16];
	crypto_generichash(sh, sizeof(sh), (const unsigned char *)v, n, NULL, 0);
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(fp));
	crypto_generichash_update(&st, (const unsigned char *)path, strlen(path) + 1);
	crypto_generichash_update(&st, (const unsigned char *)rule, strlen(rule) + 1);
	crypto_generichash_update(&st, sh, sizeof(sh));
	crypto_generichash_final(&st, fp, sizeof(fp));
	sodium_bin2hex(out, 33, fp, sizeof(fp));
	sodium_memzero(sh, sizeof(sh));
}

bool scan_sandbox_hides(const char *path, char *const *hide, size_t nhide,
			char *const *hide_dirs, size_t nhide_dirs)
{
	/* the sandbox's own matcher, so both agree on every name */
	struct strv globs = { .v = (char **)hide, .n = nhide, .cap = nhide };
	if (sandbox_hide_match(&globs, base_name(path)))
		return true;
	char abs[PATH_MAX];
	const char *ap = path;
	if (path[0] != '/') {
		if (!realpath(path, abs))
			return false;
		ap = abs;
	}
	for (size_t i = 0; i < nhide_dirs; i++) {
		size_t l = strlen(hide_dirs[i]);
		while (l > 1 && hide_dirs[i][l - 1] == '/')
			l--;
		if (l && !strncmp(ap, hide_dirs[i], l) && (ap[l] == '/' || ap[l] == 0))
			return true;
	}
	return false;
}

const char *scan_exposure_name(enum scan_exposure e)
{
	switch (e) {
	case SCAN_EXP_TRACKED: return "tracked";
	case SCAN_EXP_IGNORED: return "ignored";
	case SCAN_EXP_UNTRACKED: return "untracked";
	default: return "not in git";
	}
}

const char *scan_conf_name(enum scan_conf c)
{
	return c == SCAN_CONF_HIGH ? "high" : c == SCAN_CONF_MEDIUM ? "medium" : "low";
}

/* --- result helpers --- */
static int add_finding(struct scan_result *r, const struct scan_finding *f)
{
	if (array_grow(&r->v, &r->cap, r->n + 1, sizeof(*r->v), 32) < 0)
		return HUSH_ENOMEM;
	r->v[r->n++] = *f;
	return 0;
}

static int add_problem(struct scan_result *r, const char *path, const char *why)
{
	if (array_grow(&r->problems, &r->problems_cap, r->nproblems + 1, sizeof(*r->problems), 8) < 0)
		return HUSH_ENOMEM;
	char *p = strdup(path);
	if (!p)
		return HUSH_ENOMEM;
	r->problems[r->nproblems].path = p;
	r->problems[r->nproblems++].why = why;
	return 0;
}

void scan_result_free(struct scan_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i].path);
	free(r->v);
	free(r->problems);
	scan_ruleset_free(r->rules);
	memset(r, 0, sizeof(*r));
}

/* A hit of --rules that overlaps a built-in token hit is dropped (the
 * built-in rule knows the format, and its checksum); one that overlaps a
 * built-in generic hit replaces it (the team's rule names the secret). */
static int merge_custom(struct scan_hits *h, const struct scan_hits *c)
{
	size_t nb = h->n;
	for (size_t i = 0; i < c->n; i++) {
		bool dup = false;
		for (size_t k = 0; k < nb && !dup; k++) {
			struct scan_hit *b = &h->v[k];
			if (!(c->v[i].off < b->off + b->len && b->off < c->v[i].off + c->v[i].len) || !b->rule)
				continue;
			if (b->prio <= PRIO_GENERIC)
				b->rule = NULL; /* replaced below */
			else
				dup = true;
		}
		if (dup)
			continue;
		int rc = hits_push(h, c->v[i].rule, c->v[i].title, c->v[i].off, c->v[i].len, c->v[i].conf, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Line of offset off (1-based). */
static int line_of(const char *d, size_t off)
{
	int line = 1;
	for (const char *p = d; (p = memchr(p, '\n', (size_t)(d + off - p))) != NULL; p++)
		line++;
	return line;
}

/* Scans one buffer and turns hits into findings (path copied). */
static int findings_from_buffer(const char *display, const char *data, size_t len,
				enum scan_credfile cf, struct scan_result *r,
				const struct scan_ruleset *rs, struct scan_rules_scratch *sc)
{
	struct scan_hits h = { 0 }, c = { 0 };
	unsigned flags = scan_file_flags(display);
	bool builtin = scan_ruleset_builtin_enabled(rs, ""), limited = false;
	int rc = 0;
	if (rs) /* both in one literal pass */
		rc = scan_ruleset_scan_all(rs, sc, display, data, len, flags, builtin ? &h : NULL, &c, &limited);
	else
		rc = scan_buffer(data, len, flags, &h);
	if (rc == 0 && rs) {
		/* built-in hits the team's config disables or allows */
		size_t k = 0;
		for (size_t i = 0; i < h.n; i++)
			if (scan_ruleset_builtin_enabled(rs, h.v[i].rule) &&
			    !scan_ruleset_allows(rs, h.v[i].rule, display, data, len, h.v[i].off, h.v[i].len))
				h.v[k++] = h.v[i];
		h.n = k;
		rc = merge_custom(&h, &c);
		k = 0;
		for (size_t i = 0; i < h.n; i++)
			if (h.v[i].rule)
				h.v[k++] = h.v[i];
		h.n = k;
		for (size_t i = 0; rc == 0 && i < h.n; i++)
			if (h.v[i].line == 0)
				h.v[i].line = line_of(data, h.v[i].off);
		if (rc == 0 && limited)
			rc = add_problem(r, display, "a --rules regex reached its backtracking limit; its later matches in this file were not looked for");
	}
	for (size_t i = 0; rc == 0 && i < h.n; i++) {
		struct scan_finding f;
		memset(&f, 0, sizeof(f));
		f.path = strdup(display);
		if (!f.path) {
			rc = HUSH_ENOMEM;
			break;
		}
		f.line = h.v[i].line;
		f.rule = h.v[i].rule;
		f.title = h.v[i].title;
		f.conf = h.v[i].conf;
		f.check = h.v[i].check;
		f.secret_len = h.v[i].len;
		f.credfile = cf == SCAN_CF_DOTENV || cf == SCAN_CF_CONFIG;
		scan_mask(data + h.v[i].off, h.v[i].len, f.preview, sizeof(f.preview));
		scan_fingerprint(display, f.rule, data + h.v[i].off, h.v[i].len, f.fingerprint);
		if ((rc = add_finding(r, &f)) < 0)
			free(f.path);
	}
	scan_hits_free(&h);
	scan_hits_free(&c);
	return rc;
}

static int add_pkcs12(const char *display, struct scan_result *r)
{
	struct scan_finding f;
	memset(&f, 0, sizeof(f));
	f.path = strdup(display);
	if (!f.path)
		return HUSH_ENOMEM;
	f.line = 1;
	f.rule = "pkcs12-file";
	f.title = "PKCS#12 key store (private key file)";
	f.conf = SCAN_CONF_MEDIUM;
	f.credfile = true;
	snprintf(f.preview, sizeof(f.preview), "(binary file)");
	scan_fingerprint(display, f.rule, "", 0, f.fingerprint);
	int rc = add_finding(r, &f);
	if (rc < 0)
		free(f.path);
	return rc;
}

int scan_memory(const char *display, const char *data, size_t len, struct scan_result *r)
{
	enum scan_credfile cf = scan_credfile_kind(display);
	if (cf == SCAN_CF_PKCS12)
		return add_pkcs12(display, r);
	if (memchr(data, 0, len < 8192 ? len : 8192))
		return 0;
	return findings_from_buffer(display, data, len, cf, r, NULL, NULL);
}

/* --- walk --- */
struct file_list {
	char **v;
	size_t n, cap;
};

static int list_add(struct file_list *l, const char *p)
{
	if (l->n >= SCAN_MAX_FILES)
		return HUSH_ETOOBIG;
	if (array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 1024) < 0)
		return HUSH_ENOMEM;
	if (!(l->v[l->n] = strdup(p)))
		return HUSH_ENOMEM;
	l->n++;
	return 0;
}

static bool skipped_dir(const struct scan_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nskip; i++)
		if (glob_match(o->skip_dirs[i], name))
			return true;
	return false;
}

static int walk_dir(const char *dir, int depth, const struct scan_opts *o,
		    struct file_list *files, struct scan_result *r)
{
	if (depth > SCAN_MAX_DEPTH)
		return add_problem(r, dir, "directory nesting too deep, skipped");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return add_problem(r, dir, errno == EACCES ? "permission denied" : "cannot open directory");
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return add_problem(r, dir, "cannot read directory");
	}
	/* collect the names, each after a byte giving its d_type + 1 (the
	 * file system's type saves an lstat; DT_UNKNOWN still gets one) */
	struct file_list names = { 0 };
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dp)) != NULL && rc == 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char tn[sizeof(de->d_name) + 1];
		tn[0] = (char)(de->d_type + 1);
		snprintf(tn + 1, sizeof(tn) - 1, "%s", de->d_name);
		rc = list_add(&names, tn);
	}
	closedir(dp);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		const char *name = names.v[i] + 1;
		unsigned char type = (unsigned char)(names.v[i][0] - 1);
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "%s%s%s", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			rc = add_problem(r, dir, "path too long, entry skipped");
			continue;
		}
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (lstat(path, &st) != 0) {
				rc = add_problem(r, path, "cannot stat");
				continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		/* symlinks are never followed; a directory is opened with
		 * O_NOFOLLOW, a file checked again by fstat after O_NOFOLLOW */
		if (type != DT_DIR && type != DT_REG) {
			r->files_skipped++;
			continue;
		}
		if (type == DT_DIR) {
			if (!skipped_dir(o, name)) {
				rc = walk_dir(path, depth + 1, o, files, r);
			} else if (!strcmp(name, ".git")) {
				/* a skipped git directory's config still holds remote
				 * URLs with tokens in them and http.extraheader */
				char cfgp[PATH_MAX];
				struct stat st;
				if (xsnprintf(cfgp, sizeof(cfgp), "%s/config", path) == 0 &&
				    lstat(cfgp, &st) == 0 && S_ISREG(st.st_mode))
					rc = list_add(files, cfgp);
			}
			continue;
		}
		rc = list_add(files, path);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return rc;
}

/* --- thread pool --- */
struct pool {
	const struct scan_opts *o;
	struct file_list *files;
	struct scan_result *per;   /* one result per file */
	size_t next;
	size_t done;
	pthread_mutex_t mu;
	int err;
};

static void scan_one(struct pool *p, size_t idx, char **buf, size_t *cap,
		     struct scan_rules_scratch *sc)
{
	const char *path = p->files->v[idx];
	struct scan_result *r = &p->per[idx];
	const struct scan_ruleset *rs = p->o->ruleset;
	if (rs && scan_ruleset_path_allowed(rs, path)) {
		r->files_allowed++;
		r->files_skipped++;
		return;
	}
	enum scan_credfile cf = scan_credfile_kind(path);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		add_problem(r, path, errno == EACCES ? "permission denied" : "cannot open");
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		r->files_skipped++;
		return;
	}
	if (cf == SCAN_CF_PKCS12 && scan_ruleset_builtin_enabled(rs, "pkcs12-file")) {
		close(fd);
		r->files_scanned++;
		if (add_pkcs12(path, r) < 0)
			p->err = HUSH_ENOMEM;
		return;
	}
	size_t max = p->o->max_file ? p->o->max_file : SCAN_DEFAULT_MAX;
	if ((uint64_t)st.st_size > max) {
		close(fd);
		r->files_skipped++;
		add_problem(r, path, "larger than the scan size cap, skipped");
		return;
	}
	size_t want = (size_t)st.st_size;
	if (want + 1 > *cap) {
		char *nb = realloc(*buf, want + 1);
		if (!nb) {
			close(fd);
			p->err = HUSH_ENOMEM;
			return;
		}
		*buf = nb;
		*cap = want + 1;
	}
	size_t got = 0;
	while (got < want) {
		ssize_t k = read(fd, *buf + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	(*buf)[got] = 0;
	if (memchr(*buf, 0, got < 8192 ? got : 8192)) {
		r->files_skipped++;
		return;
	}
	r->files_scanned++;
	r->bytes += got;
	if (findings_from_buffer(path, *buf, got, cf, r, rs, sc) < 0)
		p->err = HUSH_ENOMEM;
	/* wipe what might be secret material before reuse */
	sodium_memzero(*buf, got);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	char *buf = NULL;
	size_t cap = 0;
	struct scan_rules_scratch *sc = NULL;
	if (p->o->ruleset && !(sc = scan_rules_scratch_new(p->o->ruleset))) {
		pthread_mutex_lock(&p->mu);
		p->err = HUSH_ENOMEM;
		p->next = p->files->n;
		pthread_mutex_unlock(&p->mu);
	}
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->files->n)
			break;
		scan_one(p, i, &buf, &cap, sc);
		pthread_mutex_lock(&p->mu);
		size_t d = ++p->done;
		pthread_mutex_unlock(&p->mu);
		if (p->o->progress && (d % 512 == 0 || d == p->files->n))
			p->o->progress(p->o->progress_ctx, d, p->files->n);
	}
	free(buf);
	scan_rules_scratch_free(sc);
	return NULL;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct scan_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

int scan_paths(char *const *paths, size_t n, const struct scan_opts *o, struct scan_result *r)
{
	if (sodium_init() < 0)
		return HUSH_ENOMEM;
	struct file_list files = { 0 };
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			add_problem(r, paths[i], errno == ENOENT ? "no such file or directory" : "cannot stat");
			rc = HUSH_ENOENT;
			break;
		}
		if (S_ISDIR(st.st_mode))
			rc = walk_dir(paths[i], 0, o, &files, r);
		else if (S_ISREG(st.st_mode)) {
			/* a root that is a symlink (dotfile managers link ~/.bashrc)
			 * is read at its target */
			struct stat lst;
			char real[PATH_MAX];
			if (lstat(paths[i], &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(paths[i], real))
				rc = list_add(&files, real);
			else
				rc = list_add(&files, paths[i]);
		}
		else
			r->files_skipped++;
	}
	if (rc == 0 && files.n) {
		struct pool p = { .o = o, .files = &files };
		pthread_mutex_init(&p.mu, NULL);
		p.per = calloc(files.n, sizeof(*p.per));
		if (!p.per) {
			rc = HUSH_ENOMEM;
		} else {
			long cpus = sysconf(_SC_NPROCESSORS_ONLN);
			/* reads dominate on cold caches: a few threads more than
			 * CPUs keep the disk busy while others scan */
			int nt = o->threads > 0 ? o->threads : (int)(cpus > 0 ? cpus : 1) * 2 + 2;
			if (nt > 8)
				nt = 8;
			if ((size_t)nt > files.n)
				nt = (int)files.n;
			pthread_t th[8];
			int started = 0;
			for (int t = 1; t < nt; t++)
				if (pthread_create(&th[started], NULL, worker, &p) == 0)
					started++;
			worker(&p);
			for (int t = 0; t < started; t++)
				pthread_join(th[t], NULL);
			rc = p.err;
			for (size_t i = 0; i < files.n; i++) {
				struct scan_result *x = &p.per[i];
				for (size_t k = 0; k < x->n; k++) {
					if (rc == 0 && add_finding(r, &x->v[k]) == 0)
						x->v[k].path = NULL;
				}
				for (size_t k = 0; k < x->nproblems; k++)
					if (rc == 0)
						add_problem(r, x->problems[k].path, x->problems[k].why);
				r->files_scanned += x->files_scanned;
				r->files_skipped += x->files_skipped;
				r->files_allowed += x->files_allowed;
				r->bytes += x->bytes;
				scan_result_free(x);
			}
			free(p.per);
		}
		pthread_mutex_destroy(&p.mu);
	}
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(r->v[0]), cmp_finding);
	if (rc == 0) {
		for (size_t i = 0; i < r->n; i++)
			r->v[i].sandbox_hidden = scan_sandbox_hides(r->v[i].path, o->hide, o->nhide,
								    o->hide_dirs, o->nhide_dirs);
		if (!o->no_git)
			rc = scan_git_exposure(r);
	}
	return rc == HUSH_ETOOBIG ? HUSH_ENOMEM : rc;
}
