/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dbfiles.h — the database's files on disk (PATH and SQLite's PATH-wal,
 * PATH-shm, PATH-journal) before SQLite opens them and when --user takes
 * them over: no symbolic link is followed as root, new files are mode 0640
 * (SQLite gives -wal and -shm the database's mode), "other" permission bits
 * of existing files are taken away, and a file the process cannot write, or
 * one that belongs to a third user, is refused with a message naming its
 * owner instead of SQLite's "attempt to write a readonly database". Knows
 * nothing of SQL.
 */
#ifndef LOTSE_DBFILES_H
#define LOTSE_DBFILES_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Checks and prepares path before SQLite opens it. As root: refuses path
 * or its -wal/-shm/-journal when one is a symbolic link or has a second
 * name (a hard link). Creates path mode 0640 when absent; takes the "other"
 * bits from existing files of this user. Not as root: refuses a file the
 * process cannot write, naming its owner. Returns 0, or -1 with a one-line
 * reason naming the file in err. Sets *sqlite_flags to the extra
 * sqlite3_open_v2 flags to use (SQLITE_OPEN_NOFOLLOW as root: no component
 * of path may then be a link, which also closes the race between this
 * check and SQLite's open).
 */
int dbfiles_prepare(const char *path, int *sqlite_flags, char *err, size_t errlen);

/*
 * Explains why SQLite found path (or its -wal/-shm) read-only: a one-line
 * reason naming the file, its owner and mode and the user the process runs
 * as, in err. Returns 0 when it found such a file, else -1 (err untouched).
 */
int dbfiles_explain_readonly(const char *path, char *err, size_t errlen);

/*
 * Hands path and its -wal/-shm to uid/gid (--user NAME): each is opened
 * without following a link and must be a regular file with one link,
 * owned by root (this process made it) or already by uid; then fchown.
 * Returns 0, or -1 with a reason naming the file in err.
 */
int dbfiles_hand_over(const char *path, uid_t uid, gid_t gid, const char *name, char *err, size_t errlen);

#endif
