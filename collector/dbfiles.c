/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dbfiles.c — permissions, owners and links of the database's files (see
 * dbfiles.h). SQLite's unix VFS (3.40) opens every file O_NOFOLLOW itself,
 * and with SQLITE_OPEN_NOFOLLOW refuses a database path that resolves
 * through a link: a link planted after the checks here is not followed
 * either (tests/unit/test_dbfiles.c holds SQLite to that).
 */
#include "dbfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define NAME_MAX_LEN 4096

/* SQLite's files beside the database, "" being the database itself. */
static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
#define N_SUFFIXES (sizeof suffixes / sizeof suffixes[0])

/* --- owners -------------------------------------------------------------- */

static void user_name(uid_t uid, char *out, size_t outlen)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(out, outlen, "%s", pw->pw_name);
	else
		snprintf(out, outlen, "uid %u", (unsigned)uid);
}

/*
 * err: why name (st) cannot be written by this process (access(2) said
 * errno e): a read-only file system, or whose it is.
 */
static void describe_owner(const char *name, const struct stat *st, int e, char *err, size_t errlen)
{
	char owner[64], self[64];

	if (e != EACCES && e != EPERM) {
		snprintf(err, errlen, "%s: cannot be written: %s", name, strerror(e));
		return;
	}

	user_name(st->st_uid, owner, sizeof owner);
	user_name(geteuid(), self, sizeof self);
	snprintf(err, errlen,
	         "%s belongs to %s (uid %u, mode %04o) and cannot be written by %s (uid %u), whom the collector "
	         "runs as: hand it over (chown %s %s) or run the collector as its owner",
	         name, owner, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777), self, (unsigned)geteuid(),
	         self, name);
}

static void file_name(const char *path, size_t i, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s", path, suffixes[i]);
}

/* Takes the "other" permission bits from an existing file of ours (a database made before 0640). */
static void tighten(const char *name, int root)
{
	struct stat st;
	int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (root ? O_NOFOLLOW : 0));

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 0007) != 0 &&
	    fchmod(fd, st.st_mode & 07770) == 0)
		log_msg("%s: mode %04o gave other users access; now %04o", name, (unsigned)(st.st_mode & 07777),
		        (unsigned)(st.st_mode & 07770));
	close(fd);
}

int dbfiles_prepare(const char *path, int *sqlite_flags, char *err, size_t errlen)
{
	int root = geteuid() == 0;
	char name[NAME_MAX_LEN + 16];
	struct stat st;
	int fd;

	*sqlite_flags = 0;
	if (strlen(path) >= NAME_MAX_LEN) {
		snprintf(err, errlen, "%.80s...: path too long", path);
		return -1;
	}
	for (size_t i = 0; root && i < N_SUFFIXES; i++) {
		file_name(path, i, name, sizeof name);
		if (lstat(name, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "%s is a symbolic link: running as root, the collector follows no link "
			         "to its database files (--db)", name);
			return -1;
		}
		if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
			snprintf(err, errlen, "%s is not a regular file with one name: running as root, the collector "
			         "writes no file that has another name elsewhere (--db)", name);
			return -1;
		}
	}
	if (root)
		*sqlite_flags = SQLITE_OPEN_NOFOLLOW;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | (root ? O_NOFOLLOW : 0), 0640);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EEXIST) {
		char dir[NAME_MAX_LEN];
		int e = errno;
		snprintf(dir, sizeof dir, "%s", path);
		snprintf(err, errlen, "%s: cannot create: %s%s%s%s", path, strerror(e),
		         e == EACCES ? " (the directory " : "", e == EACCES ? dirname(dir) : "",
		         e == EACCES ? " is not writable by the collector's user)" : "");
		return -1;
	}
	for (size_t i = 0; i < N_SUFFIXES; i++) {
		file_name(path, i, name, sizeof name);
		if (stat(name, &st) != 0)
			continue;
		if (!root && access(name, R_OK | W_OK) != 0) {
			describe_owner(name, &st, errno, err, errlen);
			return -1;
		}
		tighten(name, root);
	}
	return 0;
}

int dbfiles_explain_readonly(const char *path, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 16];
	struct stat st;

	for (size_t i = 0; i < N_SUFFIXES; i++) {
		file_name(path, i, name, sizeof name);
		if (stat(name, &st) == 0 && access(name, W_OK) != 0) {
			describe_owner(name, &st, errno, err, errlen);
			return 0;
		}
	}
	return -1;
}

int dbfiles_hand_over(const char *path, uid_t uid, gid_t gid, const char *user, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 16];
	struct stat st;

	for (size_t i = 0; i < N_SUFFIXES; i++) {
		int fd, rc = -1;

		file_name(path, i, name, sizeof name);
		fd = open(name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			snprintf(err, errlen, "--user: cannot hand %s to %s: %s", name, user,
			         errno == ELOOP ? "it is a symbolic link" : strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) != 0)
			snprintf(err, errlen, "--user: cannot hand %s to %s: %s", name, user, strerror(errno));
		else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
			snprintf(err, errlen, "--user: %s is not a regular file with one name: not handed to %s", name,
			         user);
		else if (st.st_uid != 0 && st.st_uid != uid)
			snprintf(err, errlen, "--user: %s belongs to uid %u, neither root nor %s: not handed over", name,
			         (unsigned)st.st_uid, user);
		else if (fchown(fd, uid, gid) != 0)
			snprintf(err, errlen, "--user: cannot hand %s to %s: %s", name, user, strerror(errno));
		else
			rc = 0;
		close(fd);
		if (rc != 0)
			return -1;
	}
	return 0;
}
