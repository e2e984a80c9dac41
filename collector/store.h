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
#include "dbcheck.h"
#include "event.h"

/* The schema version this program writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION LOTSE_SCHEMA_VERSION

struct store;

/*
 * Opens (creating when absent) the database at path in WAL mode, with
 * synchronous=FULL when durability_full, else NORMAL. A new database gets
 * schema.sql; an existing one must carry STORE_SCHEMA_VERSION. Returns 0 and
 * *out, or -1 with a one-line reason naming path in err (corrupt file,
 * foreign database, unknown version, cannot create).
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
 * Gives one event (all fields, as reduced) to be inserted. Events are
 * written STORE_ROWS to a statement, so ev is read until the next
 * store_flush or store_commit returns (or store_rollback drops it): it must
 * stay valid and unchanged until then. Returns 0, or -1 when writing the
 * pending events (ev possibly among them) failed; the caller rolls back.
 */
int store_insert_event(struct store *s, const struct event *ev);

/* Inserts the events given and not yet written. Returns 0 or -1. */
int store_flush(struct store *s);

/* Inserts one reject received at time_ms, at once. Returns 0 or -1. */
int store_insert_reject(struct store *s, int64_t time_ms, const struct beacon_reject *r);

/*
 * Gives every event of batch (as store_insert_event: batch must outlive the
 * next store_flush or store_commit) and inserts every reject, as received at
 * reject_time_ms. Returns 0, or -1 at the first failure (the caller rolls back).
 */
int store_insert_batch(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms);

/* The last SQLite error message of s (static until the next call on s). */
const char *store_error(struct store *s);

/* Closes s; NULL is ignored. */
void store_close(struct store *s);

#endif
