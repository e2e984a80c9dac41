/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dbcheck.h — whether an SQLite database is a Lotse database of a layout
 * this build reads (tables events and rejects, PRAGMA user_version from
 * LOTSE_SCHEMA_OLDEST to LOTSE_SCHEMA_VERSION). The reporter checks every
 * database it reads or prunes with it; the collector's store.c creates the
 * layout in an empty file, checks any other with it and upgrades an older
 * one (migrate.h). The layouts' history: docs/schema.md.
 */
#ifndef LOTSE_DBCHECK_H
#define LOTSE_DBCHECK_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* The layout version this build writes (schema.sql's PRAGMA user_version). */
#define LOTSE_SCHEMA_VERSION 2
/* The oldest released layout it still reads, and the collector upgrades. */
#define LOTSE_SCHEMA_OLDEST 1

/*
 * Checks the attached schema sn ("main" or an attached name) of db: a Lotse
 * database of a layout from LOTSE_SCHEMA_OLDEST to LOTSE_SCHEMA_VERSION.
 * Returns 0, or -1 with a one-line reason naming path in err (a database of
 * a newer layout is refused: "upgrade Lotse").
 */
int dbcheck_lotse(sqlite3 *db, const char *sn, const char *path, char *err, size_t errlen);

/*
 * dbcheck_lotse, and sets *version (OUT) to the layout version of schema sn.
 * Returns 0, or -1 with err set (*version is then undefined).
 */
int dbcheck_version(sqlite3 *db, const char *sn, const char *path, int *version, char *err, size_t errlen);

/* The single integer the query sql returns, into *v (OUT). Returns 0, or -1 (no row, an SQL error). */
int dbcheck_query_int64(sqlite3 *db, const char *sql, int64_t *v);

/*
 * Whether db's main schema is empty (no table, user_version 0): a new file.
 * Returns 1 or 0, or -1 with a one-line reason naming path in err.
 */
int dbcheck_empty(sqlite3 *db, const char *path, char *err, size_t errlen);

#endif
