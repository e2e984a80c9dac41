/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * clickhouse.h — one connection to ClickHouse's HTTP interface (libcurl,
 * kept alive between requests): run a query and stream its TabSeparated
 * answer to a row callback, or POST an INSERT body. Every request is
 * bounded in time; a refusal leaves the HTTP status and ClickHouse's own
 * message. Knows nothing of Lotse's tables (the stores do). Not
 * thread-safe: one thread uses a connection at a time.
 */
#ifndef LOTSE_CLICKHOUSE_H
#define LOTSE_CLICKHOUSE_H

#include <stddef.h>

#include "churl.h"
#include "chwire.h"

/* The environment variable that holds the password of the URL's user. */
#define CLICKHOUSE_PASSWORD_ENV "LOTSE_CLICKHOUSE_PASSWORD"
#define CLICKHOUSE_PASSWORD_MAX 512
#define CLICKHOUSE_ERROR_MAX 512

struct clickhouse;

/*
 * Prepares a connection to url's server and database (nothing is sent
 * yet: the first request connects). The user is url->user (ClickHouse's
 * "default" when empty) with the password from CLICKHOUSE_PASSWORD_ENV
 * (none when unset or empty; refused when longer than CLICKHOUSE_PASSWORD_MAX).
 * timeout_ms > 0. Each request may take at most timeout_ms in all
 * (connecting at most that or 5 s, whichever is less). Returns 0 and *out,
 * or -1 with a reason in err (out of memory, libcurl unusable).
 */
int clickhouse_open(const struct churl *url, long timeout_ms, struct clickhouse **out, char *err, size_t errlen);

/* Closes the connection; NULL is ignored. */
void clickhouse_close(struct clickhouse *c);

/*
 * Runs sql (sent as the request body; it should end in FORMAT
 * TabSeparated when it returns rows) and passes each row of the answer to
 * fn (may be NULL when no rows are expected). settings (may be NULL) are
 * extra URL parameters "name=value&name=value" of ClickHouse settings,
 * from the program's constants only. The answer is buffered by the server
 * until the query has ended (wait_end_of_query=1), so an error in the
 * middle of a query is a refusal, never half an answer. Returns 0, or -1
 * (clickhouse_error tells why; rows passed on before may be among them
 * when the callback stopped).
 */
int clickhouse_query(struct clickhouse *c, const char *sql, const char *settings, chwire_row_fn fn, void *ctx);

/*
 * POSTs body (len bytes, e.g. RowBinary rows) to the statement sql (e.g.
 * "INSERT INTO events FORMAT RowBinary", sent in the URL). Returns 0 when
 * ClickHouse acknowledged it (HTTP 200), or -1 (clickhouse_error tells
 * why; when the connection broke after sending, the insert may or may
 * not have happened).
 */
int clickhouse_insert(struct clickhouse *c, const char *sql, const char *settings, const void *body, size_t len);

/* Returns 0 when the server answers /ping with "Ok.", else -1. */
int clickhouse_ping(struct clickhouse *c);

/*
 * The reason of the last failure, one line: "HTTP 404: Code: 60, …" with
 * ClickHouse's message, or libcurl's ("Couldn't connect to server: …",
 * "Timeout was reached: …"). Valid until the next request on c.
 */
const char *clickhouse_error(const struct clickhouse *c);

/* The HTTP status of the last answer, 0 when none arrived. */
long clickhouse_status(const struct clickhouse *c);

#endif
