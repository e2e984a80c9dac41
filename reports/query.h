/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * query.h — read access to one or more collector databases as one: opens the
 * first read-only, attaches the others read-only, and holds one read
 * transaction so every query sees the same snapshot while collectors keep
 * writing. Streams rows to callbacks; it does not aggregate or interpret
 * them (model.c does) and never writes (prune.c does, in its own mode).
 */
#ifndef LOTSE_QUERY_H
#define LOTSE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* SQLite's default attach limit is 10 databases, the main one included. */
#define QUERY_MAX_DB 10

/* A text column: s is NULL for SQL NULL; valid only during the callback. */
struct qstr {
	const char *s;
	size_t n;
};

/*
 * One stored event: the columns query.c reads (its table of reads names
 * each column's row of fields.def and its member here); integers are
 * EVENT_NO_INT when NULL.
 */
struct query_row {
	unsigned db;             /* which database: 0 = the first --db */
	int64_t time_ms;
	enum event_type type;
	int has_visit;
	uint64_t visit;
	struct qstr site, path, device, service, flow, step_name, field, error, q, href, message, target;
	int64_t step, results, rating, ms;
};

/* Returns 0 to go on, -1 to stop the scan (the query then fails). */
typedef int (*query_row_fn)(void *ctx, const struct query_row *row);
typedef int (*query_engagement_fn)(void *ctx, struct qstr site, struct qstr path, int64_t ms);
typedef int (*query_reject_fn)(void *ctx, const char *reason, int64_t count);

struct sqlite3;
struct query {
	struct sqlite3 *db;
	size_t ndb;
	int in_txn;
};

/*
 * Opens paths[0..n-1] (1 <= n <= QUERY_MAX_DB) read-only and starts the read
 * transaction. Returns 0, or -1 with a one-line reason in err; on failure
 * nothing stays open.
 */
int query_open(struct query *q, const char *const *paths, size_t n, char *err, size_t errlen);

/* Ends the transaction and closes everything; safe on a failed or closed q. */
void query_close(struct query *q);

/*
 * Streams every event with from_ms <= time < to_ms (and site = site unless
 * site is NULL) database by database in rowid order, each row marked with
 * its database's index.
 * Returns 0, or -1 with err set.
 */
int query_events(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                 query_row_fn fn, void *ctx, char *err, size_t errlen);

/*
 * Streams (site, path, ms) of the period's engagement events ordered by site,
 * path and ms — sorted by SQLite, so memory stays bounded. Returns 0 or -1.
 */
int query_engagement(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                     query_engagement_fn fn, void *ctx, char *err, size_t errlen);

/*
 * Streams (reason, count) of the period's rejects (of site, unless NULL),
 * largest count first. Returns 0 or -1.
 */
int query_rejects(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                  query_reject_fn fn, void *ctx, char *err, size_t errlen);

#endif
