/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * copydb.c — copydb.h. Each stored row becomes a struct event again, by
 * fields.def's stored rows and their storage classes (the columns of
 * schema.sql), and goes to the store as a batch of one, flushed at once:
 * the strings point into SQLite's row, valid only until the next step.
 */
#include "copydb.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "dbcheck.h"
#include "fields.h"

/* One events row into ev (strings valid until the next step). Returns 0, or -1 for an unknown type. */
static int event_of(sqlite3_stmt *st, struct event *ev)
{
	int col = 0;

	memset(ev, 0, sizeof *ev);
	for (size_t k = 0; k < FIELD_COUNT; k++) {
		const struct field_def *f = &fields_table[k];
		char *member = (char *)ev + f->offset;
		int null;

		if (f->store == FS_NONE)
			continue;
		null = sqlite3_column_type(st, col) == SQLITE_NULL;
		switch (f->store) {
		case FS_TYPE: {
			const char *t = (const char *)sqlite3_column_text(st, col);

			if (t == NULL || event_type_from_name(t, (size_t)sqlite3_column_bytes(st, col), &ev->type) != 0)
				return -1;
			break;
		}
		case FS_VISIT:
			ev->has_visit = !null;
			ev->visit = null ? 0 : (uint64_t)sqlite3_column_int64(st, col);
			break;
		case FS_KEY:
		case FS_TEXT: {
			const char *s = null ? NULL : (const char *)sqlite3_column_text(st, col);

			if (f->store == FS_KEY && s == NULL)
				s = "";
			memcpy(member, &s, sizeof s);
			break;
		}
		case FS_TIME:
		case FS_U8:
		case FS_U32:
		case FS_I64: {
			int64_t v = null ? EVENT_NO_INT : sqlite3_column_int64(st, col);

			memcpy(member, &v, sizeof v);
			break;
		}
		case FS_NONE:
			break;
		}
		col++;
	}
	return 0;
}

/* Gives one batch to the store, committing every COPYDB_COMMIT_EVERY rows. Returns 0 or -1. */
static int give(struct store *store, const struct beacon_batch *b, int64_t reject_time, uint64_t *in_txn)
{
	if (store_insert_batch(store, b, reject_time) != 0 || store_flush(store) != 0)
		return -1;
	if (++*in_txn < COPYDB_COMMIT_EVERY)
		return 0;
	*in_txn = 0;
	return store_commit(store) == 0 && store_begin(store) == 0 ? 0 : -1;
}

int copydb_run(const char *path, struct store *store, struct copydb_counts *counts, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char cols[1024], sql[1200];
	uint64_t in_txn = 0;
	int rc = -1, step, began = 0;

	memset(counts, 0, sizeof *counts);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	/* One read transaction: events and rejects of one snapshot while a collector may write. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || dbcheck_lotse(db, "main", path, err, errlen) != 0)
		goto out;
	if (fields_column_names(cols, sizeof cols) != 0)
		goto out;
	snprintf(sql, sizeof sql, "SELECT %s FROM events ORDER BY rowid", cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto sqlite_fail;
	if (store_begin(store) != 0)
		goto store_fail;
	began = 1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct event ev;
		struct beacon_batch b = { .events = &ev, .n_events = 1 };

		if (event_of(st, &ev) != 0) {
			counts->skipped++;
			continue;
		}
		if (give(store, &b, 0, &in_txn) != 0)
			goto store_fail;
		counts->events++;
	}
	if (step != SQLITE_DONE)
		goto sqlite_fail;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT time, reason, site, type, path FROM rejects ORDER BY rowid", -1, &st,
	                       NULL) != SQLITE_OK)
		goto sqlite_fail;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct beacon_reject rj = {
			.site = (const char *)sqlite3_column_text(st, 2),
			.type = (const char *)sqlite3_column_text(st, 3),
			.path = (const char *)sqlite3_column_text(st, 4),
		};
		struct beacon_batch b = { .rejects = &rj, .n_rejects = 1 };

		const char *reason = (const char *)sqlite3_column_text(st, 1);

		snprintf(rj.error, sizeof rj.error, "%s", reason != NULL ? reason : "");
		if (give(store, &b, sqlite3_column_int64(st, 0), &in_txn) != 0)
			goto store_fail;
		counts->rejects++;
	}
	if (step != SQLITE_DONE)
		goto sqlite_fail;
	/* A pipelined store may still be sending: done only when every group is acknowledged. */
	if (store_commit(store) != 0 || store_wait(store) != 0)
		goto store_fail;
	began = 0;
	rc = 0;
	goto out;
sqlite_fail:
	snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	goto out;
store_fail:
	snprintf(err, errlen, "--db: %s", store_error(store));
out:
	if (began)
		store_rollback(store);
	sqlite3_finalize(st);
	if (db != NULL) {
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	return rc;
}
