/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * publish.c — the atomic swap of publish.h: renameat2(RENAME_EXCHANGE)
 * trades the new folder with the old one in one step (a reader sees the old
 * report or the new one, never a mix), then the old one, now under the
 * temporary name, is deleted. "latest" is replaced by renaming a fresh
 * symbolic link over it.
 */
#define _GNU_SOURCE
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int publish_begin(const char *dir, char *tmp, size_t tmplen, char *err, size_t errlen)
{
	/*
	 * mkdir, not mkdtemp (0700, and chmod would drop the set-group-ID bit
	 * for a user outside DIR's group): the folder gets 0777 less the umask
	 * and keeps the bit it inherits from DIR, which hands DIR's group (the
	 * web server's) to every file of the report.
	 */
	for (unsigned i = 0; i < 1000; i++) {
		int n = snprintf(tmp, tmplen, "%s/.tmp-%ld-%u", dir, (long)getpid(), i);

		if (n < 0 || (size_t)n >= tmplen) {
			snprintf(err, errlen, "--publish: folder name too long");
			return -1;
		}
		if (mkdir(tmp, 0777) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	snprintf(err, errlen, "%s: cannot create a folder there: %s", dir, strerror(errno));
	return -1;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

void publish_abort(const char *tmp)
{
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Points dir/latest at name: a new link under a temporary name, renamed over the old. */
static int point_latest(const char *dir, const char *name, char *err, size_t errlen)
{
	char link[4200], latest[4200];

	snprintf(link, sizeof link, "%s/.latest-%ld", dir, (long)getpid());
	snprintf(latest, sizeof latest, "%s/latest", dir);
	unlink(link);
	if (symlink(name, link) != 0 || rename(link, latest) != 0) {
		snprintf(err, errlen, "%s: %s", latest, strerror(errno));
		unlink(link);
		return -1;
	}
	return 0;
}

int publish_commit(const char *dir, const char *name, const char *tmp, char *err, size_t errlen)
{
	char final[4200];
	int fd;

	snprintf(final, sizeof final, "%s/%s", dir, name);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
		publish_abort(tmp); /* the earlier report of this period, now under tmp */
	} else if (errno != ENOENT || rename(tmp, final) != 0) {
		snprintf(err, errlen, "%s: cannot put the report in place: %s", final, strerror(errno));
		publish_abort(tmp);
		return -1;
	}
	if (point_latest(dir, name, err, errlen) != 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
