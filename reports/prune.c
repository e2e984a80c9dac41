/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * prune.c — the batched deletes of prune.h. Each batch finds its rows first,
 * outside any write transaction (a read never blocks the collector in WAL
 * mode), then deletes them in one short BEGIN IMMEDIATE … COMMIT:
 *   - events of layout 2 and later: the oldest PRUNE_BATCH_ROWS by the time
 *     index, deleted by rowid;
 *   - rejects, and events of layout 1 (no time index): a rowid range found by
 *     walking the table from where the last batch ended (old rows come first,
 *     as rows are appended in arrival order), deleted by that range.
 * Commits are synchronous=NORMAL (a power failure can only make the next run
 * delete the rows again). It does not VACUUM: SQLite reuses the freed pages.
 */
#include "prune.h"

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "dbcheck.h"
#include "tz.h"

/* How long a batch waits for the collector's write lock at most. */
#define PRUNE_BUSY_MS 30000

/* How one table's next batch is found and deleted. */
struct batch_sql {
	const char *find;   /* ?1 cutoff, ?2 after rowid, ?3 limit → rowids */
	const char *remove; /* ?1 cutoff, ?2 first rowid, ?3 last rowid (by index: ?2 the rowid) */
	int by_index;       /* rows found by the time index: delete each rowid found */
};

static const struct batch_sql rejects_by_index = {
	"SELECT rowid FROM rejects WHERE time < ?1 AND ?2 = ?2 ORDER BY time LIMIT ?3",
	"DELETE FROM rejects WHERE rowid = ?2 AND time < ?1",
	1,
};
static const struct batch_sql events_by_rowid = {
	"SELECT rowid FROM events WHERE rowid > ?2 AND time < ?1 ORDER BY rowid LIMIT ?3",
	"DELETE FROM events WHERE rowid BETWEEN ?2 AND ?3 AND time < ?1",
	0,
};
static const struct batch_sql rejects_by_rowid = {
	"SELECT rowid FROM rejects WHERE rowid > ?2 AND time < ?1 ORDER BY rowid LIMIT ?3",
	"DELETE FROM rejects WHERE rowid BETWEEN ?2 AND ?3 AND time < ?1",
	0,
};

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* SQLite busy handler: retry every millisecond for up to PRUNE_BUSY_MS. */
static int busy_poll(void *unused, int tries)
{
	(void)unused;
	if (tries >= PRUNE_BUSY_MS)
		return 0;
	pause_ms(1);
	return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * Finds the next batch: up to PRUNE_BATCH_ROWS rowids into ids, *n of them.
 * Returns 0 or -1.
 */
static int find_batch(sqlite3_stmt *find, int64_t cutoff, int64_t after, int64_t *ids, int *n)
{
	int step;

	*n = 0;
	if (sqlite3_bind_int64(find, 1, cutoff) != SQLITE_OK || sqlite3_bind_int64(find, 2, after) != SQLITE_OK ||
	    sqlite3_bind_int(find, 3, PRUNE_BATCH_ROWS) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(find)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(find, 0);
	sqlite3_reset(find);
	return step == SQLITE_DONE ? 0 : -1;
}

/* Deletes the batch ids[0..n-1] in one write transaction; adds the rows deleted to *count. Returns 0 or -1. */
static int delete_batch(sqlite3 *db, sqlite3_stmt *remove, const struct batch_sql *q, int64_t cutoff,
                        const int64_t *ids, int n, uint64_t *count)
{
	int rc = -1;

	if (exec(db, "BEGIN IMMEDIATE") != 0)
		return -1;
	for (int i = 0; i < (q->by_index ? n : 1); i++) {
		if (sqlite3_bind_int64(remove, 1, cutoff) != SQLITE_OK ||
		    sqlite3_bind_int64(remove, 2, ids[i]) != SQLITE_OK ||
		    (!q->by_index && sqlite3_bind_int64(remove, 3, ids[n - 1]) != SQLITE_OK) ||
		    sqlite3_step(remove) != SQLITE_DONE) {
			sqlite3_reset(remove);
			goto out;
		}
		sqlite3_reset(remove);
		*count += (uint64_t)sqlite3_changes(db);
	}
	if (exec(db, "COMMIT") == 0)
		rc = 0;
out:
	if (rc != 0)
		exec(db, "ROLLBACK");
	return rc;
}

/* Prunes one table batch by batch. Returns 0 or -1 with err set. */
static int prune_table(sqlite3 *db, const struct batch_sql *q, int64_t cutoff, uint64_t *count, const char *path,
                       char *err, size_t errlen)
{
	sqlite3_stmt *find = NULL, *remove = NULL;
	int64_t ids[PRUNE_BATCH_ROWS], after = 0;
	int n, rc = -1;

	if (sqlite3_prepare_v2(db, q->find, -1, &find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, q->remove, -1, &remove, NULL) != SQLITE_OK)
		goto out;
	for (;;) {
		if (find_batch(find, cutoff, after, ids, &n) != 0)
			goto out;
		if (n == 0)
			break;
		if (delete_batch(db, remove, q, cutoff, ids, n, count) != 0)
			goto out;
		after = ids[n - 1];
		/* Copy the batch into the database file now, so the WAL is reused from its start. */
		sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pause_ms(PRUNE_PAUSE_MS);
	}
	rc = 0;
out:
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	sqlite3_finalize(find);
	sqlite3_finalize(remove);
	return rc;
}

int prune_run(const char *path, int retain_days, int64_t now_ms, uint64_t *events,
              uint64_t *rejects, int64_t *cutoff_day, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = -1, version;
	int64_t cutoff;

	*events = *rejects = 0;
	*cutoff_day = tz_local_day(now_ms) - retain_days;
	cutoff = tz_day_start_ms(*cutoff_day);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	sqlite3_busy_handler(db, busy_poll, NULL);
	if (dbcheck_version(db, "main", path, &version, err, errlen) != 0)
		goto out;
	if (exec(db, "PRAGMA synchronous=NORMAL") != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	if (prune_table(db, &events_by_rowid, cutoff, events, path, err, errlen) != 0 ||
	    prune_table(db, version >= 2 ? &rejects_by_index : &rejects_by_rowid, cutoff, rejects, path, err,
	                errlen) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}
