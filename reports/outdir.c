/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * outdir.c — the atomic replacement of outdir.h. Linux's renameat2
 * (RENAME_EXCHANGE, since 3.15; glibc 2.28) swaps two existing paths in one
 * step; tmpfs, ext4, xfs and btrfs support it. Where the file system
 * answers EINVAL (or the call is missing: ENOSYS), the old report is first
 * renamed aside, then the new one into place: a reader may then find no
 * folder for a moment, but never a mixed one. Deleting walks the tree with
 * nftw without following symbolic links (FTW_PHYS), deepest first.
 */
#define _GNU_SOURCE
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Deletes path and everything below it. Returns 0 or -1. */
static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 || errno == ENOENT ? 0 : -1;
}

/* Creates dir's parents (like mkdir -p, without dir itself). Returns 0 or -1 with err. */
static int make_parents(const char *dir, char *err, size_t errlen)
{
	char path[OUTDIR_PATH_MAX];
	size_t n = strlen(dir);

	memcpy(path, dir, n + 1);
	for (size_t i = 1; i < n; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
			return -1;
		}
		path[i] = '/';
	}
	return 0;
}

/* Whether the existing folder dir is empty or holds a report. 1, 0, or -1 with err. */
static int replaceable(const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int entries = 0, report = 0;

	if (d == NULL) {
		snprintf(err, errlen, "--out %.900s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		entries++;
		if (strcmp(e->d_name, "index.html") == 0 || strcmp(e->d_name, "services.csv") == 0)
			report = 1;
	}
	closedir(d);
	return entries == 0 || report;
}

int outdir_begin(struct outdir *d, const char *out, char *err, size_t errlen)
{
	char base[OUTDIR_PATH_MAX];
	const char *slash;
	size_t n = strlen(out);
	struct stat st;
	int len;

	memset(d, 0, sizeof *d);
	while (n > 1 && out[n - 1] == '/')
		n--; /* "bericht/" is "bericht" */
	if (n == 0 || n >= sizeof d->final - 64) {
		snprintf(err, errlen, "--out: bad directory name");
		return -1;
	}
	memcpy(d->final, out, n);
	d->final[n] = '\0';
	if (strcmp(d->final, "/") == 0 || strcmp(d->final, ".") == 0 || strcmp(d->final, "..") == 0 ||
	    (n >= 3 && strcmp(d->final + n - 3, "/..") == 0) || (n >= 2 && strcmp(d->final + n - 2, "/.") == 0)) {
		snprintf(err, errlen, "--out %.900s: name a folder of its own", out);
		return -1;
	}
	if (lstat(d->final, &st) == 0) {
		int ok;

		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--out %.900s: exists and is not a folder", d->final);
			return -1;
		}
		ok = replaceable(d->final, err, errlen);
		if (ok < 0)
			return -1;
		if (!ok) {
			snprintf(err, errlen, "--out %.900s: exists and holds no report (no index.html or services.csv); "
				 "refusing to replace it", d->final);
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "--out %.900s: %s", d->final, strerror(errno));
		return -1;
	}
	if (make_parents(d->final, err, errlen) != 0)
		return -1;
	slash = strrchr(d->final, '/');
	snprintf(base, sizeof base, "%s", slash ? slash + 1 : d->final);
	len = snprintf(d->work, sizeof d->work, "%.*s.%s.new-%ld", slash ? (int)(slash - d->final + 1) : 0,
		       d->final, base, (long)getpid());
	if (len < 0 || (size_t)len >= sizeof d->work) {
		snprintf(err, errlen, "--out: bad directory name");
		return -1;
	}
	remove_tree(d->work); /* a leftover of an earlier run with our pid */
	if (mkdir(d->work, 0755) != 0) {
		snprintf(err, errlen, "%.900s: %s", d->work, strerror(errno));
		return -1;
	}
	d->active = 1;
	return 0;
}

int outdir_commit(struct outdir *d, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(d->final, &st) != 0) {
		if (errno == ENOENT && rename(d->work, d->final) == 0) {
			d->active = 0;
			return 0;
		}
		snprintf(err, errlen, "%.900s: %s", d->final, strerror(errno));
		outdir_abort(d);
		return -1;
	}
	if (renameat2(AT_FDCWD, d->work, AT_FDCWD, d->final, RENAME_EXCHANGE) != 0) {
		char old[OUTDIR_PATH_MAX + 8];

		if (errno != EINVAL && errno != ENOSYS) {
			snprintf(err, errlen, "%.900s: %s", d->final, strerror(errno));
			outdir_abort(d);
			return -1;
		}
		snprintf(old, sizeof old, "%s.old", d->work);
		if (rename(d->final, old) != 0) {
			snprintf(err, errlen, "%.900s: %s", d->final, strerror(errno));
			outdir_abort(d);
			return -1;
		}
		if (rename(d->work, d->final) != 0) {
			snprintf(err, errlen, "%.900s: %s", d->final, strerror(errno));
			rename(old, d->final); /* the earlier report back in its place */
			outdir_abort(d);
			return -1;
		}
		remove_tree(old);
		d->active = 0;
		return 0;
	}
	/* The work name now holds the earlier report. */
	d->active = 0;
	if (remove_tree(d->work) != 0) {
		snprintf(err, errlen, "the report is written, but the earlier one at %.900s could not be deleted: %s",
			 d->work, strerror(errno));
		return -1;
	}
	return 0;
}

void outdir_abort(struct outdir *d)
{
	if (d->active)
		remove_tree(d->work);
	d->active = 0;
}
