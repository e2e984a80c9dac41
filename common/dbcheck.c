/* SPDX-License-Identifier: EUPL-1.2 */
/* dbcheck.c — the Lotse layout check of dbcheck.h. */
#include "dbcheck.h"

#include <stdio.h>

#include "version.h"

int dbcheck_query_int64(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* dbcheck_query_int64 into an int. */
static int query_int(sqlite3 *db, const char *sql, int *v)
{
	int64_t w;

	if (dbcheck_query_int64(db, sql, &w) != 0)
		return -1;
	*v = (int)w;
	return 0;
}

int dbcheck_lotse(sqlite3 *db, const char *sn, const char *path, char *err, size_t errlen)
{
	int version;

	return dbcheck_version(db, sn, path, &version, err, errlen);
}

int dbcheck_version(sqlite3 *db, const char *sn, const char *path, int *out, char *err, size_t errlen)
{
	char sql[200];
	int version = -1, tables = 0;

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM %s.sqlite_master WHERE type = 'table' AND name IN ('events', 'rejects')",
		 sn);
	if (query_int(db, sql, &tables) != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	snprintf(sql, sizeof sql, "PRAGMA %s.user_version", sn);
	if (query_int(db, sql, &version) != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (tables != 2) {
		snprintf(err, errlen, "%s: not a Lotse database (no tables events and rejects)", path);
		return -1;
	}
	if (version > LOTSE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		         "%s: database layout version %d is newer than this Lotse %s knows (%d to %d): "
		         "upgrade Lotse, or use a backup made before the upgrade",
		         path, version, LOTSE_VERSION, LOTSE_SCHEMA_OLDEST, LOTSE_SCHEMA_VERSION);
		return -1;
	}
	if (version < LOTSE_SCHEMA_OLDEST) {
		snprintf(err, errlen, "%s: unknown database layout version %d (this Lotse knows %d to %d)", path,
		         version, LOTSE_SCHEMA_OLDEST, LOTSE_SCHEMA_VERSION);
		return -1;
	}
	*out = version;
	return 0;
}

int dbcheck_empty(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	int version = -1, tables = -1;

	if (query_int(db, "SELECT count(*) FROM main.sqlite_master", &tables) != 0 ||
	    query_int(db, "PRAGMA main.user_version", &version) != 0) {
		snprintf(err, errlen, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	return tables == 0 && version == 0;
}
