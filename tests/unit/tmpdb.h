/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * tmpdb.h — a database path in a fresh temporary folder for the store
 * tests: in memory (/dev/shm) where there is one, as they fsync hundreds of
 * times. Header-only, for test programs only.
 */
#ifndef LOTSE_TMPDB_H
#define LOTSE_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Creates the folder and sets path (cap bytes) to NAME.db in it. Returns 0 or -1. */
static inline int tmpdb_make(const char *name, char *path, size_t cap)
{
	char dir[64];

	snprintf(dir, sizeof dir, "%s/lotse-%s-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
	         name);
	if (mkdtemp(dir) == NULL) {
		printf("%s: mkdtemp failed\n", name);
		return -1;
	}
	snprintf(path, cap, "%s/%s.db", dir, name);
	return 0;
}

/* Removes the database at path with its -wal, -shm and -journal files. */
static inline void tmpdb_remove(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[300];

	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* Removes the database and the folder tmpdb_make made for it. */
static inline void tmpdb_cleanup(const char *path)
{
	char dir[256];
	const char *slash = strrchr(path, '/');

	tmpdb_remove(path);
	if (slash != NULL && (size_t)(slash - path) < sizeof dir) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		rmdir(dir);
	}
}

#endif
