/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * migrate.c — the upgrade steps of migrate.h, one SQL text per layout
 * version. A step takes layout N-1 to N; applied in order from a database's
 * version, they must give exactly what schema.sql creates (the test
 * tests/ops/test_migrate.py compares both). A step is never changed once
 * released: a later change is a new step.
 */
#include "migrate.h"

#include <assert.h>
#include <stdio.h>
#include <time.h>

#include "dbcheck.h"
#include "log.h"

/* steps[i] takes layout i + 1 to i + 2. */
static const char *const steps[] = {
	/*
	 * 1 → 2: an index on the rejects' time, so that a report reads only its
	 * period's rejects and the prune finds old ones without reading them
	 * all (docs/schema.md says why events get none).
	 */
	"CREATE INDEX rejects_time ON rejects(time);",
};

_Static_assert(sizeof steps / sizeof steps[0] == LOTSE_SCHEMA_VERSION - LOTSE_SCHEMA_OLDEST,
               "one upgrade step per layout version after the oldest");

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int migrate_run(sqlite3 *db, int from, const char *path, char *err, size_t errlen)
{
	char sql[64];
	struct timespec t0;
	int v = from;

	assert(from >= LOTSE_SCHEMA_OLDEST && from <= LOTSE_SCHEMA_VERSION);
	if (from == LOTSE_SCHEMA_VERSION)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot upgrade the database layout from version %d: %s", path, from,
		         sqlite3_errmsg(db));
		return -1;
	}
	for (; v < LOTSE_SCHEMA_VERSION; v++)
		if (sqlite3_exec(db, steps[v - LOTSE_SCHEMA_OLDEST], NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", LOTSE_SCHEMA_VERSION);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	log_msg("%s: database layout upgraded from version %d to %d in %.1f s", path, from, LOTSE_SCHEMA_VERSION,
	        seconds_since(&t0));
	return 0;
fail:
	snprintf(err, errlen, "%s: upgrading the database layout from version %d failed at step %d → %d: %s", path,
	         from, v, v + 1, sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
