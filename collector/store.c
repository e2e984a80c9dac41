/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * store.c — SQLite behind store.h. Every value is bound, never formatted into
 * SQL. The hot path is two prepared statements inside a caller's transaction.
 */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_sql.h"

struct store {
	sqlite3 *db;
	sqlite3_stmt *ins_event;
	sqlite3_stmt *ins_reject;
	sqlite3_stmt *begin;
	sqlite3_stmt *commit;
	sqlite3_stmt *rollback;
};

static const char sql_insert_event[] =
	"INSERT INTO events (time, site, type, path, ref, visit, device, browser, os,"
	" service, flow, step, step_name, field, error, q, results, href, rating, reason,"
	" ms, message, target)"
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char sql_insert_reject[] =
	"INSERT INTO rejects (time, reason, site, type, path) VALUES (?,?,?,?,?)";

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*out = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Creates the schema in a new database, or checks an existing one's version. */
static int check_schema(struct store *s, const char *path, char *err, size_t errlen)
{
	int64_t version = 0, tables = 0;

	if (query_int(s->db, "PRAGMA user_version", &version) != 0 ||
	    query_int(s->db, "SELECT count(*) FROM sqlite_master", &tables) != 0) {
		snprintf(err, errlen, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(s->db));
		return -1;
	}
	if (version == 0 && tables == 0) {
		if (exec(s->db, schema_sql) != 0) {
			snprintf(err, errlen, "%s: cannot create the schema: %s", path, sqlite3_errmsg(s->db));
			return -1;
		}
		return 0;
	}
	if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: not a Lotse database of schema version %d (user_version is %lld)",
		         path, STORE_SCHEMA_VERSION, (long long)version);
		return -1;
	}
	return 0;
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

int store_open(const char *path, int durability_full, struct store **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *s = calloc(1, sizeof *s);
	int rc = -1;

	pthread_once(&once, configure_sqlite);

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 2000);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s->db, "PRAGMA journal_mode=WAL") != 0) {
		snprintf(err, errlen, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(s->db));
		goto out;
	}
	if (check_schema(s, path, err, errlen) != 0)
		goto out;
	if (exec(s->db, durability_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") != 0 ||
	    sqlite3_prepare_v3(s->db, sql_insert_event, -1, SQLITE_PREPARE_PERSISTENT, &s->ins_event, NULL) ||
	    sqlite3_prepare_v3(s->db, sql_insert_reject, -1, SQLITE_PREPARE_PERSISTENT, &s->ins_reject, NULL) ||
	    sqlite3_prepare_v3(s->db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &s->begin, NULL) ||
	    sqlite3_prepare_v3(s->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &s->commit, NULL) ||
	    sqlite3_prepare_v3(s->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &s->rollback, NULL)) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto out;
	}
	*out = s;
	rc = 0;
out:
	if (rc != 0)
		store_close(s);
	return rc;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_begin(struct store *s)
{
	return step_reset(s->begin);
}

int store_commit(struct store *s)
{
	return step_reset(s->commit);
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		step_reset(s->rollback);
}

int store_probe(struct store *s)
{
	char sql[64];
	int rc = -1;

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_begin(s) != 0)
		return -1;
	if (exec(s->db, sql) == 0 && store_commit(s) == 0)
		rc = 0;
	store_rollback(s);
	return rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	if (v != EVENT_NO_INT)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int store_insert_event(struct store *s, const struct event *ev)
{
	sqlite3_stmt *st = s->ins_event;
	int i = 1;

	sqlite3_bind_int64(st, i++, ev->time_ms);
	bind_text(st, i++, ev->site);
	bind_text(st, i++, event_type_name(ev->type));
	bind_text(st, i++, ev->path);
	bind_text(st, i++, ev->ref);
	if (ev->has_visit)
		sqlite3_bind_int64(st, i++, (int64_t)ev->visit);
	else
		sqlite3_bind_null(st, i++);
	bind_text(st, i++, ev->device);
	bind_text(st, i++, ev->browser);
	bind_text(st, i++, ev->os);
	bind_text(st, i++, ev->service);
	bind_text(st, i++, ev->flow);
	bind_int(st, i++, ev->step);
	bind_text(st, i++, ev->step_name);
	bind_text(st, i++, ev->field);
	bind_text(st, i++, ev->error);
	bind_text(st, i++, ev->q);
	bind_int(st, i++, ev->results);
	bind_text(st, i++, ev->href);
	bind_int(st, i++, ev->rating);
	bind_text(st, i++, ev->reason);
	bind_int(st, i++, ev->ms);
	bind_text(st, i++, ev->message);
	bind_text(st, i++, ev->target);
	return step_reset(st);
}

int store_insert_reject(struct store *s, int64_t time_ms, const struct beacon_reject *r)
{
	sqlite3_stmt *st = s->ins_reject;

	sqlite3_bind_int64(st, 1, time_ms);
	bind_text(st, 2, r->error);
	bind_text(st, 3, r->site);
	bind_text(st, 4, r->type);
	bind_text(st, 5, r->path);
	return step_reset(st);
}

int store_insert_batch(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms)
{
	for (size_t i = 0; i < batch->n_events; i++)
		if (store_insert_event(s, &batch->events[i]) != 0)
			return -1;
	for (size_t i = 0; i < batch->n_rejects; i++)
		if (store_insert_reject(s, reject_time_ms, &batch->rejects[i]) != 0)
			return -1;
	return 0;
}

const char *store_error(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_reject);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_finalize(s->rollback);
	sqlite3_close(s->db);
	free(s);
}
