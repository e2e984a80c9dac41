/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * migrate.h — upgrades a Lotse database of an older layout to the one this
 * build writes (schema.sql), in place and in one transaction: either every
 * step from its version on is applied, or none. Knows the steps, not how a
 * database is opened or checked (store.c, dbcheck.h do that). The layouts'
 * history: docs/schema.md.
 */
#ifndef LOTSE_MIGRATE_H
#define LOTSE_MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>

/*
 * Upgrades db's main schema from layout version `from` (LOTSE_SCHEMA_OLDEST
 * ..LOTSE_SCHEMA_VERSION; nothing to do at the current one) to
 * LOTSE_SCHEMA_VERSION inside BEGIN IMMEDIATE … COMMIT, and logs one line
 * saying so. Returns 0, or -1 with a one-line reason naming path in err
 * (then the transaction was rolled back and the database is as it was).
 */
int migrate_run(sqlite3 *db, int from, const char *path, char *err, size_t errlen);

#endif
