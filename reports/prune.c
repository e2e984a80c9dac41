/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * prune.c — deletes old rows with two bound DELETE statements inside
 * BEGIN IMMEDIATE, waiting up to 30 s for a busy collector. It does not
 * VACUUM: SQLite reuses the freed pages for new events.
 */
#include "prune.h"

#include <sqlite3.h>
#include <stdio.h>

#include "dbcheck.h"
#include "tz.h"

static int delete_before(sqlite3 *db, const char *sql, int64_t cutoff, uint64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, cutoff) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	*n = (uint64_t)sqlite3_changes(db);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int prune_run(const char *path, int retain_days, int64_t now_ms, uint64_t *events,
              uint64_t *rejects, int64_t *cutoff_day, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1, in_txn = 0;
	int64_t cutoff;

	*events = *rejects = 0;
	*cutoff_day = tz_local_day(now_ms) - retain_days;
	cutoff = tz_day_start_ms(*cutoff_day);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(db, 30000);
	if (dbcheck_lotse(db, "main", path, err, errlen) != 0)
		goto out;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	in_txn = 1;
	if (delete_before(db, "DELETE FROM events WHERE time < ?1", cutoff, events) != 0 ||
	    delete_before(db, "DELETE FROM rejects WHERE time < ?1", cutoff, rejects) != 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	in_txn = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != 0)
		*events = *rejects = 0;
	sqlite3_close(db);
	return rc;
}
