/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * publish.c — the "latest" link of publish.h: a new symbolic link under a
 * temporary name, renamed over the old one (rename replaces atomically, so
 * a reader always finds a link), then the folder synced.
 */
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int publish_latest(const char *dir, const char *name, char *err, size_t errlen)
{
	char link[4200], latest[4200];
	int fd;

	snprintf(link, sizeof link, "%s/.latest-%ld", dir, (long)getpid());
	snprintf(latest, sizeof latest, "%s/latest", dir);
	unlink(link);
	if (symlink(name, link) != 0 || rename(link, latest) != 0) {
		snprintf(err, errlen, "%s: %s", latest, strerror(errno));
		unlink(link);
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
