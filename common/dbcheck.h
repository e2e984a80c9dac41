/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dbcheck.h — whether an SQLite database is a Lotse database of the layout
 * this build writes and reads (tables events and rejects, PRAGMA
 * user_version). The reporter checks every database it reads or prunes with
 * it; the collector's store.c creates the layout in an empty file and
 * checks any other with it.
 */
#ifndef LOTSE_DBCHECK_H
#define LOTSE_DBCHECK_H

#include <sqlite3.h>
#include <stddef.h>

/* The layout version (schema.sql's PRAGMA user_version). */
#define LOTSE_SCHEMA_VERSION 1

/*
 * Checks the attached schema sn ("main" or an attached name) of db. Returns
 * 0, or -1 with a one-line reason naming path in err.
 */
int dbcheck_lotse(sqlite3 *db, const char *sn, const char *path, char *err, size_t errlen);

/*
 * Whether db's main schema is empty (no table, user_version 0): a new file.
 * Returns 1 or 0, or -1 with a one-line reason naming path in err.
 */
int dbcheck_empty(sqlite3 *db, const char *path, char *err, size_t errlen);

#endif
