/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * store.h — where the collector's events go, behind one small interface:
 * a SQLite file (sqlstore.c) or ClickHouse (chstore.c), chosen by --db
 * (a path, or clickhouse://HOST:PORT/DATABASE?… as in churl.h). A group of
 * batches is begun, appended to and committed (or rolled back) as one:
 * a SQLite transaction, or one INSERT per table that ClickHouse has
 * acknowledged. Not thread-safe: one writer owns a store. Knows nothing
 * of HTTP or JSON.
 */
#ifndef LOTSE_STORE_H
#define LOTSE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"
#include "event.h"

struct store;

/* The bound of one request to ClickHouse when the caller gives none. */
#define STORE_TIMEOUT_MS 5000

struct store_config {
	const char *db;          /* a SQLite path, or a clickhouse:// URL */
	int durability_full;     /* SQLite: synchronous=FULL, else NORMAL */
	unsigned timeout_ms;     /* ClickHouse: the most one request may take; 0: STORE_TIMEOUT_MS */
	int pipelined;           /* ClickHouse (--import): see store_wait */
};

/*
 * Opens the store cfg->db names. SQLite: opens (creating when absent) the
 * database file in WAL mode; a new database gets schema.sql, an existing
 * one must be a Lotse database of this layout or an older one, which is
 * upgraded (migrate.h). ClickHouse: connects, creates the events and
 * rejects tables when absent, and refuses tables whose columns are not
 * those of fields.def (chtable.h). Returns 0 and *out, or -1 with a
 * one-line reason naming the database in err.
 */
int store_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen);

/* Events written per SQLite INSERT statement when that many are given. */
#define STORE_ROWS 16

/*
 * A group: store_begin, then store_insert_batch for each batch, then
 * store_commit — or store_rollback, which drops everything since
 * store_begin. Each returns 0, or -1 (then store_error tells why, and the
 * caller rolls back). store_commit returns 0 only when everything of the
 * group is durable: SQLite committed it, or ClickHouse acknowledged every
 * insert (a failed commit may still have stored part of the group, which
 * its requests then send again: stored twice, never lost).
 */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/*
 * A pipelined ClickHouse store (store_config.pipelined, for --import)
 * sends a committed group from a thread of its own while the next group
 * is given: store_commit then returns 0 once the group is handed over
 * (and waits for the group before it, returning -1 when that one failed).
 * store_wait waits until every group handed over is acknowledged: 0, or
 * -1 when one failed (store_error tells why). Without pipelining (and for
 * SQLite) store_commit returns when the group is durable and store_wait
 * returns 0 at once.
 */
int store_wait(struct store *s);

/*
 * Gives every event of batch (all fields, as reduced) and every reject, as
 * received at reject_time_ms, to the group. SQLite writes events
 * STORE_ROWS to a statement, so batch's events are read until the next
 * store_flush or store_commit returns (or store_rollback drops them): they
 * must stay valid and unchanged until then. Returns 0, or -1 when a write
 * failed (pending events of earlier batches possibly among them).
 */
int store_insert_batch(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms);

/*
 * Takes what store_insert_batch was given so far, so that the batches may
 * be freed: SQLite inserts the events still pending, ClickHouse has copied
 * them already. Returns 0 or -1.
 */
int store_flush(struct store *s);

/*
 * A write that changes no data: tells whether the store can be written,
 * e.g. after the disk was full or ClickHouse was down. Returns 0 or -1.
 */
int store_probe(struct store *s);

/* Why the last operation on s failed, one line (valid until the next call on s). */
const char *store_error(struct store *s);

/* Closes s; NULL is ignored. */
void store_close(struct store *s);

#endif
