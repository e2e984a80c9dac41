/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * copydb.h — lotse-collector --import-db: copies the events and rejects of a
 * Lotse SQLite database, as they are stored (reduced, with their visit
 * keys), into the store of --db: how existing data moves to ClickHouse
 * (or several collectors' files into one). Reads the source read-only, in
 * one snapshot, and changes nothing in it; nothing is validated or
 * reduced again (it was, when it was stored).
 */
#ifndef LOTSE_COPYDB_H
#define LOTSE_COPYDB_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Rows given to the store between two commits. */
#define COPYDB_COMMIT_EVERY 50000

struct copydb_counts {
	uint64_t events, rejects;
	uint64_t skipped;        /* events of a type this build does not know (a newer collector's) */
};

/*
 * Copies every event and reject of the Lotse database at path into store,
 * committing every COPYDB_COMMIT_EVERY rows and at the end. Returns 0, or
 * -1 with a one-line reason in err (what was committed before stays).
 */
int copydb_run(const char *path, struct store *store, struct copydb_counts *counts, char *err, size_t errlen);

#endif
