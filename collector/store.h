/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * store.h — the collector's SQLite database: creation from the compiled-in
 * schema.sql, version check, prepared inserts for events and rejects, and
 * explicit transactions. Not thread-safe: one writer owns a store. Knows
 * nothing of HTTP or JSON.
 */
#ifndef LOTSE_STORE_H
#define LOTSE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"
#include "event.h"

struct store;

/*
 * Opens (creating when absent) the database at path in WAL mode, with
 * synchronous=FULL when durability_full, else NORMAL. A new database gets
 * schema.sql; an existing one must be a Lotse database of this layout
 * (dbcheck.h). Returns 0 and *out, or -1 with a one-line reason naming path
 * in err (corrupt file, foreign database, unknown version, cannot create).
 */
int store_open(const char *path, int durability_full, struct store **out, char *err, size_t errlen);

/* Events written per INSERT statement when that many are given. */
#define STORE_ROWS 16

/*
 * Transactions. Each returns 0, or -1 (then store_error tells why).
 * store_commit first inserts the events still pending; store_rollback drops them.
 */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/*
 * A write that changes no data (it rewrites the schema version): tells
 * whether the database can be written, e.g. after the disk was full.
 * Returns 0 or -1.
 */
int store_probe(struct store *s);

/*
 * Gives every event of batch (all fields, as reduced) to be inserted and
 * inserts every reject, as received at reject_time_ms. Events are written
 * STORE_ROWS to a statement, so batch's events are read until the next
 * store_flush or store_commit returns (or store_rollback drops them): they
 * must stay valid and unchanged until then. Returns 0, or -1 when a write
 * failed (pending events of earlier batches possibly among them); the
 * caller rolls back.
 */
int store_insert_batch(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms);

/* Inserts the events given and not yet written. Returns 0 or -1. */
int store_flush(struct store *s);

/* The last SQLite error message of s (static until the next call on s). */
const char *store_error(struct store *s);

/* Closes s; NULL is ignored. */
void store_close(struct store *s);

#endif
