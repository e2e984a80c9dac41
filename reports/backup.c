/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * backup.c — the online backup of backup.h with SQLite's backup API. The
 * source connection holds one read transaction from before the first step
 * to after the last: in WAL mode that is a snapshot, and it is what keeps
 * sqlite3_backup_step from starting over whenever the collector commits
 * (it restarts only when its source changes under it). The destination is
 * written without a journal (a failed copy is deleted, not rolled back) and
 * turned into an ordinary rollback-journal database at the end, so the copy
 * is one self-contained file.
 */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbcheck.h"

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Creates an empty file "DEST.tmp-XXXXXX" (mode 0640) in dest's folder; its name in tmp. Returns 0 or -1. */
static int make_temp(const char *dest, char *tmp, size_t tmplen, char *err, size_t errlen)
{
	int fd, n = snprintf(tmp, tmplen, "%s.tmp-XXXXXX", dest);

	if (n < 0 || (size_t)n >= tmplen) {
		snprintf(err, errlen, "--backup: path too long");
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a file there: %s", dest, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0640) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return 0;
}

/* fsyncs the file or folder at path. Returns 0 or -1 with err set. */
static int sync_path(const char *path, int dir, char *err, size_t errlen)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	int rc = -1;

	if (fd < 0 || fsync(fd) != 0)
		snprintf(err, errlen, "%s: cannot sync: %s", path, strerror(errno));
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The folder of path ("." when it has none) into dir. */
static void folder_of(const char *path, char *dir, size_t dirlen)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, dirlen, ".");
	else if (slash == path)
		snprintf(dir, dirlen, "/");
	else
		snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * Copies the snapshot src holds into the file tmp, step by step. Returns 0
 * or -1 with err set.
 */
static int copy_pages(sqlite3 *src, const char *tmp, struct backup_result *out, char *err, size_t errlen)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b = NULL;
	int rc = -1, step, fd = -1;

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    exec(dst, "PRAGMA journal_mode=OFF") != 0 || exec(dst, "PRAGMA synchronous=OFF") != 0) {
		snprintf(err, errlen, "%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "cannot open");
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	fd = open(tmp, O_RDWR | O_CLOEXEC);
	if (b == NULL || fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, b == NULL ? sqlite3_errmsg(dst) : strerror(errno));
		goto out;
	}
	for (unsigned n = 1;; n++) {
		step = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_OK && step != SQLITE_BUSY && step != SQLITE_LOCKED) {
			snprintf(err, errlen, "copying: %s", sqlite3_errstr(step));
			goto out;
		}
		/*
		 * Write the copy out every few MiB: a large amount of dirty page
		 * cache would make the collector's next fsync wait for it too.
		 */
		if (n % BACKUP_SYNC_STEPS == 0)
			fdatasync(fd);
		pause_ms(BACKUP_PAUSE_MS);
	}
	out->pages = (uint64_t)sqlite3_backup_pagecount(b);
	rc = 0;
out:
	if (b != NULL && sqlite3_backup_finish(b) != SQLITE_OK && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	sqlite3_close(dst);
	return rc;
}

/*
 * Makes the copy at tmp an ordinary rollback-journal database, checks it
 * (PRAGMA quick_check) and reads its largest event id. Returns 0 or -1.
 */
static int finish_copy(const char *tmp, struct backup_result *out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    exec(db, "PRAGMA journal_mode=DELETE") != 0) {
		snprintf(err, errlen, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(err, errlen, "the copy fails its check: %s",
		         st && sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
		goto out;
	}
	if (dbcheck_query_int64(db, "SELECT coalesce(max(id), 0) FROM events", &out->events_max_id) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int backup_run(const char *src_path, const char *dest, struct backup_result *out, char *err, size_t errlen)
{
	sqlite3 *src = NULL;
	char tmp[4200], dir[4200];
	struct timespec t0;
	struct stat sb;
	int rc = -1, have_tmp = 0, in_txn = 0;

	memset(out, 0, sizeof *out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", src_path, src ? sqlite3_errmsg(src) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	/* The snapshot: this read transaction stays open until every page is copied. */
	if (exec(src, "BEGIN") != 0) {
		snprintf(err, errlen, "%s: %s", src_path, sqlite3_errmsg(src));
		goto out;
	}
	in_txn = 1;
	if (dbcheck_lotse(src, "main", src_path, err, errlen) != 0)
		goto out;
	if (make_temp(dest, tmp, sizeof tmp, err, errlen) != 0)
		goto out;
	have_tmp = 1;
	if (copy_pages(src, tmp, out, err, errlen) != 0)
		goto out;
	exec(src, "COMMIT");
	in_txn = 0;
	if (finish_copy(tmp, out, err, errlen) != 0 || sync_path(tmp, 0, err, errlen) != 0)
		goto out;
	if (stat(tmp, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	out->bytes = (uint64_t)sb.st_size;
	if (rename(tmp, dest) != 0) {
		snprintf(err, errlen, "%s: cannot rename the copy into place: %s", dest, strerror(errno));
		goto out;
	}
	have_tmp = 0;
	folder_of(dest, dir, sizeof dir);
	if (sync_path(dir, 1, err, errlen) != 0)
		goto out;
	out->seconds = seconds_since(&t0);
	rc = 0;
out:
	if (in_txn)
		exec(src, "COMMIT");
	sqlite3_close(src);
	if (have_tmp) {
		unlink(tmp);
		/* SQLite's own files next to the copy, should any be left. */
		char side[4300];
		snprintf(side, sizeof side, "%s-journal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", tmp);
		unlink(side);
	}
	return rc;
}
