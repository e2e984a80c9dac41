/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * query.c — the SQLite side of the reporter. Every statement is prepared
 * once per call with bound parameters; schema names are the generated
 * identifiers main, db1 … db9, never user text. Database paths reach SQLite
 * only as bound ATTACH parameters in percent-encoded "file:" URIs.
 */
#include "query.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dbcheck.h"
#include "fields.h"

/*
 * The columns the report reads, each into its member of struct query_row
 * (a struct qstr for text, an int64_t for integers, by the storage class
 * of its row in fields.def). Reporting a new field: its member in
 * query.h and a line here.
 */
struct column_read {
	enum field_id field;
	size_t offset;           /* in struct query_row; unused for the type and the visit key */
};

#define READ(column, member) { FIELD_##column, offsetof(struct query_row, member) }
static const struct column_read reads[] = {
	READ(time, time_ms), READ(type, type), READ(visit, visit), READ(site, site), READ(path, path),
	READ(device, device), READ(service, service), READ(flow, flow), READ(step_name, step_name),
	READ(field, field), READ(error, error), READ(q, q), READ(href, href), READ(step, step),
	READ(results, results), READ(rating, rating), READ(ms, ms), READ(message, message), READ(target, target),
};
#undef READ
#define NREADS (sizeof reads / sizeof reads[0])

/* "time, type, visit, …": the columns of reads, in order. */
static int read_columns(char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < NREADS; i++) {
		int n = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "", fields_table[reads[i].field].column);

		if (n < 0 || (size_t)n >= outlen - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}

static void schema_name(size_t i, char *out, size_t outlen)
{
	if (i == 0)
		snprintf(out, outlen, "main");
	else
		snprintf(out, outlen, "db%zu", i);
}

/* Percent-encodes path into a read-only SQLite URI. Returns 0 or -1 when too long. */
static int uri_of(const char *path, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	int n = snprintf(out, outlen, "file:");

	if (n < 0 || (size_t)n >= outlen)
		return -1;
	o = (size_t)n;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL;

		if (o + 4 >= outlen)
			return -1;
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	n = snprintf(out + o, outlen - o, "?mode=ro");
	if (n < 0 || (size_t)n >= outlen - o)
		return -1;
	return 0;
}

static int exec(struct query *q, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(q->db));
		return -1;
	}
	return 0;
}

int query_open(struct query *q, const char *const *paths, size_t n, char *err, size_t errlen)
{
	char uri[4200];
	sqlite3_stmt *st = NULL;

	memset(q, 0, sizeof *q);
	if (n == 0 || n > QUERY_MAX_DB) {
		snprintf(err, errlen, "between 1 and %d databases", QUERY_MAX_DB);
		return -1;
	}
	if (uri_of(paths[0], uri, sizeof uri) != 0) {
		snprintf(err, errlen, "database path too long");
		return -1;
	}
	if (sqlite3_open_v2(uri, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", paths[0], q->db ? sqlite3_errmsg(q->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(q->db, 10000);
	q->ndb = 1;
	for (size_t i = 1; i < n; i++) {
		char sql[40];

		if (uri_of(paths[i], uri, sizeof uri) != 0) {
			snprintf(err, errlen, "database path too long");
			goto fail;
		}
		snprintf(sql, sizeof sql, "ATTACH DATABASE ?1 AS db%zu", i);
		if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, uri, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errlen, "%s: %s", paths[i], sqlite3_errmsg(q->db));
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
		q->ndb++;
	}
	if (exec(q, "BEGIN", err, errlen) != 0)
		goto fail;
	q->in_txn = 1;
	/* The first read of each schema fixes its snapshot: take them all now. */
	for (size_t i = 0; i < n; i++) {
		char sn[24];

		schema_name(i, sn, sizeof sn);
		if (dbcheck_lotse(q->db, sn, paths[i], err, errlen) != 0)
			goto fail;
	}
	return 0;
fail:
	sqlite3_finalize(st);
	query_close(q);
	return -1;
}

void query_close(struct query *q)
{
	if (q->db != NULL) {
		if (q->in_txn)
			sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(q->db);
	}
	memset(q, 0, sizeof *q);
}

static struct qstr col_str(sqlite3_stmt *st, int i)
{
	struct qstr s = { NULL, 0 };

	if (sqlite3_column_type(st, i) != SQLITE_NULL) {
		s.s = (const char *)sqlite3_column_text(st, i);
		s.n = (size_t)sqlite3_column_bytes(st, i);
		if (s.s == NULL)
			s.n = 0;
	}
	return s;
}

static int64_t col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return EVENT_NO_INT;
	return sqlite3_column_int64(st, i);
}

static int bind_period(sqlite3_stmt *st, int64_t from_ms, int64_t to_ms, const char *site)
{
	if (sqlite3_bind_int64(st, 1, from_ms) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, to_ms) != SQLITE_OK)
		return -1;
	if (site != NULL && sqlite3_bind_text(st, 3, site, -1, SQLITE_STATIC) != SQLITE_OK)
		return -1;
	return 0;
}

/* The period (and site) condition bound by bind_period, after cond when cond is not NULL. */
static void period_where(char *out, size_t outlen, const char *cond, const char *site)
{
	snprintf(out, outlen, "%s%stime >= ?1 AND time < ?2%s", cond ? cond : "", cond ? " AND " : "",
	         site != NULL ? " AND site = ?3" : "");
}

/*
 * Reads the columns of reads from st's row into r. Returns 0, or -1 for a
 * row the report does not count: a type from a newer collector, no site.
 */
static int read_row(sqlite3_stmt *st, struct query_row *r)
{
	for (size_t i = 0; i < NREADS; i++) {
		const struct field_def *f = &fields_table[reads[i].field];
		char *member = (char *)r + reads[i].offset;
		int col = (int)i;

		switch (f->store) {
		case FS_TYPE: {
			struct qstr type = col_str(st, col);

			if (type.s == NULL || event_type_from_name(type.s, type.n, &r->type) != 0)
				return -1;
			break;
		}
		case FS_VISIT:
			r->has_visit = sqlite3_column_type(st, col) != SQLITE_NULL;
			r->visit = r->has_visit ? (uint64_t)sqlite3_column_int64(st, col) : 0;
			break;
		case FS_KEY:
		case FS_TEXT: {
			struct qstr v = col_str(st, col);

			memcpy(member, &v, sizeof v);
			break;
		}
		case FS_TIME:
		case FS_U8:
		case FS_U32:
		case FS_I64: {
			int64_t v = col_int(st, col);

			memcpy(member, &v, sizeof v);
			break;
		}
		case FS_NONE:
			break;
		}
	}
	return r->site.s != NULL ? 0 : -1;
}

int query_events(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                 query_row_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char cols[512];
	int rc = -1;

	if (read_columns(cols, sizeof cols) != 0) {
		snprintf(err, errlen, "reading events: too many columns");
		return -1;
	}
	for (size_t i = 0; i < q->ndb; i++) {
		char sn[24], where[200], sql[900];
		int step;

		schema_name(i, sn, sizeof sn);
		period_where(where, sizeof where, NULL, site);
		snprintf(sql, sizeof sql, "SELECT %s FROM %s.events WHERE %s ORDER BY rowid", cols, sn, where);
		if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
		    bind_period(st, from_ms, to_ms, site) != 0) {
			snprintf(err, errlen, "reading events: %s", sqlite3_errmsg(q->db));
			goto out;
		}
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct query_row r;

			r.db = (unsigned)i;
			if (read_row(st, &r) != 0)
				continue;
			if (fn(ctx, &r) != 0) {
				snprintf(err, errlen, "out of memory while aggregating events");
				goto out;
			}
		}
		if (step != SQLITE_DONE) {
			snprintf(err, errlen, "reading events: %s", sqlite3_errmsg(q->db));
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Builds "SELECT cols FROM main.T WHERE w UNION ALL SELECT … FROM db1.T WHERE w …". */
static int union_sql(const struct query *q, const char *cols, const char *table, const char *where,
                     char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < q->ndb; i++) {
		char sn[24];
		int n;

		schema_name(i, sn, sizeof sn);
		n = snprintf(out + o, outlen - o, "%sSELECT %s FROM %s.%s WHERE %s",
			     i ? " UNION ALL " : "", cols, sn, table, where);
		if (n < 0 || (size_t)n >= outlen - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}

/*
 * Prepares "head (union) tail", the union being every database's "SELECT
 * cols FROM table WHERE cond AND <period>", and binds the period. Returns 0,
 * or -1 with err naming what.
 */
static int prepare_union(struct query *q, const char *cols, const char *table, const char *cond,
                         const char *head, const char *tail, int64_t from_ms, int64_t to_ms,
                         const char *site, sqlite3_stmt **st, const char *what, char *err, size_t errlen)
{
	char where[200], inner[2400], sql[2600];

	period_where(where, sizeof where, cond, site);
	if (union_sql(q, cols, table, where, inner, sizeof inner) != 0) {
		snprintf(err, errlen, "reading %s: too many databases", what);
		return -1;
	}
	snprintf(sql, sizeof sql, "%s (%s) %s", head, inner, tail);
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK ||
	    bind_period(*st, from_ms, to_ms, site) != 0) {
		snprintf(err, errlen, "reading %s: %s", what, sqlite3_errmsg(q->db));
		return -1;
	}
	return 0;
}

int query_engagement(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                     query_engagement_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (prepare_union(q, "site, path, ms", "events", "type = 'engagement' AND ms IS NOT NULL",
	                  "SELECT site, path, ms FROM", "ORDER BY site, path, ms", from_ms, to_ms, site, &st,
	                  "engagement", err, errlen) != 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(ctx, col_str(st, 0), col_str(st, 1), sqlite3_column_int64(st, 2)) != 0) {
			snprintf(err, errlen, "engagement rows do not match the event scan");
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "reading engagement: %s", sqlite3_errmsg(q->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int query_rejects(struct query *q, int64_t from_ms, int64_t to_ms, const char *site,
                  query_reject_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (prepare_union(q, "reason", "rejects", NULL,
	                  "SELECT reason, count(*) AS n FROM", "GROUP BY reason ORDER BY n DESC, reason", from_ms,
	                  to_ms, site, &st, "rejects", err, errlen) != 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *reason = (const char *)sqlite3_column_text(st, 0);

		if (fn(ctx, reason ? reason : "", sqlite3_column_int64(st, 1)) != 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "reading rejects: %s", sqlite3_errmsg(q->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
