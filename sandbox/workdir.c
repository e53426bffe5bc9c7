/* SPDX-License-Identifier: ISC */
/* The paths of a sandbox session and its temporary directory. */
#include "sandbox/workdir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker/client.h"
#include "common/util.h"

int sandbox_workdir_paths(struct sandbox_workdir *w)
{
	memset(w, 0, sizeof(*w));
	if (path_home(w->home, sizeof(w->home)) < 0 || path_data(w->data, sizeof(w->data)) < 0 ||
	    path_runtime(w->runtime, sizeof(w->runtime)) < 0 ||
	    path_config(w->cfgpath, sizeof(w->cfgpath)) < 0 || path_vault(w->vault, sizeof(w->vault)) < 0)
		return HUSH_ENOENT;
	return getcwd(w->cwd, sizeof(w->cwd)) ? 0 : HUSH_EIO;
}

static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");
	if (t && t[0] == '/')
		return t;
	struct stat st;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
	    (st.st_mode & S_IWOTH))
		return "/dev/shm";
	return "/tmp";
}

static int write_new(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return HUSH_EIO;
	int r = write_all(fd, text, len);
	if (fchmod(fd, mode) != 0)
		r = -1;
	int e = errno;
	close(fd);
	errno = e;
	return r == 0 ? 0 : HUSH_EIO;
}

int sandbox_workdir_make(struct sandbox_workdir *w, const struct config *cfg, const char *self,
			 char *err, size_t n)
{
	const char *base = tmp_base();
	if (xsnprintf(w->dir, sizeof(w->dir), "%s/hush-sandbox.XXXXXX", base) < 0 || !mkdtemp(w->dir)) {
		snprintf(err, n, "temporary directory in %s: %s", base, strerror(errno));
		w->dir[0] = '\0';
		return HUSH_EIO;
	}
	snprintf(w->bin, sizeof(w->bin), "%s/bin", w->dir);
	snprintf(w->rules, sizeof(w->rules), "%s/shim.conf", w->dir);
	snprintf(w->empty, sizeof(w->empty), "%s/empty", w->dir);
	if (mkdir(w->bin, 0700) != 0 || write_new(w->empty, "", 0, 0444) < 0) {
		snprintf(err, n, "preparing %s: %s", w->dir, strerror(errno));
		sandbox_workdir_remove(w);
		return HUSH_EIO;
	}
	char lerr[512] = "";
	if (shims_create(cfg, w->bin, self, lerr, sizeof(lerr)) < 0) {
		snprintf(err, n, "creating command links in %s: %s", w->bin, lerr);
		sandbox_workdir_remove(w);
		return HUSH_EIO;
	}
	return 0;
}

int sandbox_workdir_write_rules(const struct sandbox_workdir *w, const char *text, size_t len)
{
	return write_new(w->rules, text, len, 0444);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void sandbox_workdir_remove(struct sandbox_workdir *w)
{
	if (w->dir[0])
		nftw(w->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	w->dir[0] = '\0';
}
