/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sqlstore.c — the SQLite store of store.h. Every value is bound, never
 * formatted into SQL. The hot path is prepared statements inside a
 * caller's transaction; events are inserted STORE_ROWS to a statement.
 * The insert's columns and each event's binds are fields.def's stored rows,
 * in table order (schema.sql declares the same columns: test_fields).
 */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbcheck.h"
#include "dbfiles.h"
#include "fields.h"
#include "migrate.h"
#include "schema_sql.h"
#include "store_impl.h"

/* Parameters of one events row: the stored columns. */
#define EVENT_PARAMS FIELDS_STORED

/*
 * A prepared insert and which of its parameters hold a value: bindings
 * survive sqlite3_reset, so a parameter that is NULL already is not bound
 * to NULL again (most of an event's columns are NULL). has_value mirrors
 * SQLite's bindings, so nothing here calls sqlite3_clear_bindings; it is
 * sized for the largest statement (368 bytes, of which the reject insert
 * uses 5).
 */
struct insert {
	sqlite3_stmt *st;
	unsigned char has_value[STORE_ROWS * EVENT_PARAMS];
};

struct sqlstore {
	struct store base;     /* first: store.c's head */
	sqlite3 *db;
	struct insert one;     /* one events row */
	struct insert many;    /* STORE_ROWS events rows in one statement */
	struct insert reject;
	sqlite3_stmt *begin;
	sqlite3_stmt *commit;
	sqlite3_stmt *rollback;
	/* Events given but not yet inserted; see store_insert_batch. */
	const struct event *pending[STORE_ROWS];
	size_t n_pending;
};

static const char sql_insert_reject[] =
	"INSERT INTO rejects (time, reason, site, type, path) VALUES (?,?,?,?,?)";

/* How long a write waits for another process's lock (a prune batch, a migration) at most. */
#define STORE_BUSY_MS 2000

/*
 * SQLite busy handler: retry every millisecond for up to STORE_BUSY_MS.
 * SQLite's own (sqlite3_busy_timeout) sleeps longer and longer, up to 100 ms
 * at a time, so a beacon could wait that long for a lock that was free
 * after a few; the prune's batches are short and pause between them.
 */
static int busy_poll(void *unused, int tries)
{
	struct timespec ms = { 0, 1000000L };

	(void)unused;
	if (tries >= STORE_BUSY_MS)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * Creates the schema in an empty database; any other must be a Lotse
 * database of a layout this build knows, and one older than this build's is
 * upgraded (migrate.h).
 */
static int check_schema(struct sqlstore *s, const char *path, char *err, size_t errlen)
{
	int empty = dbcheck_empty(s->db, path, err, errlen), version;

	if (empty < 0)
		return -1;
	if (!empty) {
		if (dbcheck_version(s->db, "main", path, &version, err, errlen) != 0)
			return -1;
		return migrate_run(s->db, version, path, err, errlen);
	}
	if (exec(s->db, schema_sql) != 0) {
		snprintf(err, errlen, "%s: cannot create the schema: %s", path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/*
 * Prepares an INSERT of rows events rows (1 <= rows <= STORE_ROWS):
 * "INSERT INTO events (time, site, …) VALUES (?,?,…),(?,?,…)…".
 */
static int prepare_events(sqlite3 *db, int rows, sqlite3_stmt **st)
{
	char sql[512 + STORE_ROWS * (2 * EVENT_PARAMS + 3)];
	size_t n;

	memcpy(sql, "INSERT INTO events (", 20);
	if (fields_column_names(sql + 20, sizeof sql - 20) != 0)
		return SQLITE_TOOBIG;
	n = strlen(sql);
	n += (size_t)snprintf(sql + n, sizeof sql - n, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		sql[n++] = r > 0 ? ',' : ' ';
		sql[n++] = '(';
		for (int p = 0; p < EVENT_PARAMS; p++) {
			if (p > 0)
				sql[n++] = ',';
			sql[n++] = '?';
		}
		sql[n++] = ')';
	}
	sql[n] = '\0';
	return sqlite3_prepare_v3(db, sql, (int)n + 1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/*
 * SQLite's memory statistics take a global mutex around every allocation;
 * nothing here reads them. Only possible before SQLite initialises itself,
 * hence once, before the first open.
 */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static const struct store_ops sqlstore_ops;

static void sql_close(struct store *base);

int sqlstore_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sqlstore *s = calloc(1, sizeof *s);
	const char *path = cfg->db;
	int rc = -1, extra_flags = 0;

	pthread_once(&once, configure_sqlite);

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	s->base.ops = &sqlstore_ops;
	/* Links refused as root, new files 0640, a file of another user named with its owner (dbfiles.h). */
	if (dbfiles_prepare(path, &extra_flags, err, errlen) != 0)
		goto out;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | extra_flags,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	/* SQLite opens a file it cannot write read-only, and says so only at the first write. */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		if (dbfiles_explain_readonly(path, err, errlen) != 0)
			snprintf(err, errlen, "%s: opened read-only (not writable by the collector's user)", path);
		goto out;
	}
	sqlite3_busy_handler(s->db, busy_poll, NULL);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s->db, "PRAGMA journal_mode=WAL") != 0) {
		snprintf(err, errlen, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(s->db));
		goto out;
	}
	if (check_schema(s, path, err, errlen) != 0)
		goto out;
	if (exec(s->db, cfg->durability_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") != 0 ||
	    prepare_events(s->db, 1, &s->one.st) != SQLITE_OK ||
	    prepare_events(s->db, STORE_ROWS, &s->many.st) != SQLITE_OK ||
	    sqlite3_prepare_v3(s->db, sql_insert_reject, -1, SQLITE_PREPARE_PERSISTENT, &s->reject.st, NULL) ||
	    sqlite3_prepare_v3(s->db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &s->begin, NULL) ||
	    sqlite3_prepare_v3(s->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &s->commit, NULL) ||
	    sqlite3_prepare_v3(s->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &s->rollback, NULL)) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto out;
	}
	*out = &s->base;
	rc = 0;
out:
	if (rc != 0)
		sql_close(&s->base);
	return rc;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int sql_begin(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;

	return step_reset(s->begin);
}

static int sql_flush(struct store *base);

static int sql_commit(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;

	if (sql_flush(base) != 0)
		return -1;
	return step_reset(s->commit);
}

static void sql_rollback(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;

	s->n_pending = 0;
	if (!sqlite3_get_autocommit(s->db))
		step_reset(s->rollback);
}

static int sql_probe(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;
	char sql[64];
	int rc = -1;

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", LOTSE_SCHEMA_VERSION);
	if (sql_begin(base) != 0)
		return -1;
	if (exec(s->db, sql) == 0 && sql_commit(base) == 0)
		rc = 0;
	sql_rollback(base);
	return rc;
}

/* Parameter i (from 1) of in to NULL, unless it is NULL already. */
static void bind_null(struct insert *in, int i)
{
	if (in->has_value[i - 1]) {
		sqlite3_bind_null(in->st, i);
		in->has_value[i - 1] = 0;
	}
}

static void bind_text(struct insert *in, int i, const char *v)
{
	if (v == NULL) {
		bind_null(in, i);
		return;
	}
	sqlite3_bind_text(in->st, i, v, -1, SQLITE_STATIC);
	in->has_value[i - 1] = 1;
}

static void bind_int64(struct insert *in, int i, int64_t v)
{
	sqlite3_bind_int64(in->st, i, v);
	in->has_value[i - 1] = 1;
}

/* An optional integer: EVENT_NO_INT is NULL. */
static void bind_int(struct insert *in, int i, int64_t v)
{
	if (v == EVENT_NO_INT)
		bind_null(in, i);
	else
		bind_int64(in, i, v);
}

/* The visit key, NULL with --visit-key off. */
static void bind_visit(struct insert *in, int i, const struct event *ev)
{
	if (ev->has_visit)
		bind_int64(in, i, (int64_t)ev->visit);
	else
		bind_null(in, i);
}

/*
 * Binds ev to the EVENT_PARAMS parameters of in from i on: one bind per
 * stored row of fields.def, in table order, chosen by its storage class.
 * The table is expanded here rather than walked in a loop: this is the
 * insert's hot path, and the expansion compiles to one call per column.
 */
#define BIND_FS_NONE(member)
#define BIND_FS_TIME(member) bind_int64(in, i++, ev->member);
#define BIND_FS_KEY(member) bind_text(in, i++, ev->member);
#define BIND_FS_TYPE(member) bind_text(in, i++, event_type_name(ev->member));
#define BIND_FS_TEXT(member) bind_text(in, i++, ev->member);
#define BIND_FS_VISIT(member) bind_visit(in, i++, ev);
#define BIND_FS_U8(member) bind_int(in, i++, ev->member);
#define BIND_FS_U32(member) bind_int(in, i++, ev->member);
#define BIND_FS_I64(member) bind_int(in, i++, ev->member);

static void bind_event(struct insert *in, int i, const struct event *ev)
{
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) BIND_##store(member)
#include "fields.def"
#undef EVENT_FIELD
}

/*
 * Inserts the pending events: STORE_ROWS of them in one statement (about
 * half the work per row of single-row inserts), fewer one by one.
 */
static int sql_flush(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;
	size_t n = s->n_pending;

	s->n_pending = 0;
	if (n == STORE_ROWS) {
		for (size_t r = 0; r < n; r++)
			bind_event(&s->many, (int)r * EVENT_PARAMS + 1, s->pending[r]);
		return step_reset(s->many.st);
	}
	for (size_t r = 0; r < n; r++) {
		bind_event(&s->one, 1, s->pending[r]);
		if (step_reset(s->one.st) != 0)
			return -1;
	}
	return 0;
}

/* Queues ev (see store_insert_batch), writing STORE_ROWS at once when that many wait. */
static int insert_event(struct sqlstore *s, const struct event *ev)
{
	s->pending[s->n_pending++] = ev;
	return s->n_pending == STORE_ROWS ? sql_flush(&s->base) : 0;
}

static int insert_reject(struct sqlstore *s, int64_t time_ms, const struct beacon_reject *r)
{
	struct insert *in = &s->reject;

	bind_int64(in, 1, time_ms);
	bind_text(in, 2, r->error);
	bind_text(in, 3, r->site);
	bind_text(in, 4, r->type);
	bind_text(in, 5, r->path);
	return step_reset(in->st);
}

static int sql_insert_batch(struct store *base, const struct beacon_batch *batch, int64_t reject_time_ms)
{
	struct sqlstore *s = (struct sqlstore *)base;

	for (size_t i = 0; i < batch->n_events; i++)
		if (insert_event(s, &batch->events[i]) != 0)
			return -1;
	for (size_t i = 0; i < batch->n_rejects; i++)
		if (insert_reject(s, reject_time_ms, &batch->rejects[i]) != 0)
			return -1;
	return 0;
}

static const char *sql_error(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;

	return sqlite3_errmsg(s->db);
}

static void sql_close(struct store *base)
{
	struct sqlstore *s = (struct sqlstore *)base;

	sqlite3_finalize(s->one.st);
	sqlite3_finalize(s->many.st);
	sqlite3_finalize(s->reject.st);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_finalize(s->rollback);
	sqlite3_close(s->db);
	free(s);
}

static const struct store_ops sqlstore_ops = {
	.begin = sql_begin,
	.insert_batch = sql_insert_batch,
	.flush = sql_flush,
	.commit = sql_commit,
	.rollback = sql_rollback,
	.probe = sql_probe,
	.error = sql_error,
	.close = sql_close,
};
