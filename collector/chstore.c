/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chstore.c — the ClickHouse store of store.h. A group's events and
 * rejects are encoded as they are given (RowBinary, by fields.def's stored
 * rows in table order, so the batches may be freed at once), and the commit
 * sends each table's rows as one INSERT over the kept-alive HTTP
 * connection (clickhouse.h). ClickHouse acknowledges an INSERT (HTTP 200)
 * only when the rows are written; with insert_distributed_sync=1, set on
 * every insert, a Distributed table's acknowledgement also waits for its
 * shards. Every request is bounded by the configured timeout, so a down,
 * refusing or stalled server fails the commit within it, and the writer
 * answers 503 and tries again later (writer.h).
 *
 * Pipelined (--import): a committed group is sent by a thread of its own
 * while the next is encoded, so that parsing and ClickHouse's insert
 * overlap as parsing and SQLite's do; the importer waits for the last.
 *
 * Decisions: a group's events go before its rejects, each in one request;
 * when the events were acknowledged and the rejects fail, the commit fails
 * and the requests are answered 503: their events may come again (stored
 * twice), never lost. The probe is an INSERT of no rows: it checks that
 * the server answers and the table takes inserts, and writes nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtable.h"
#include "churl.h"
#include "clickhouse.h"
#include "fields.h"
#include "store_impl.h"

/* Bytes one group may encode at most (a full queue of large events fits many times). */
#define GROUP_BYTES_MAX ((size_t)512 << 20)
#define INSERT_SQL_MAX 1200

/*
 * A pipelined store's sending thread and the group it sends. The store's
 * thread swaps a committed group's buffers with these (under mu) and goes
 * on; only the sender uses the connection then.
 */
struct sender {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int busy;                    /* guarded by mu: a group is being sent */
	int quit;                    /* guarded by mu */
	int failed;                  /* guarded by mu: a send failed (sticky); error says why */
	char error[CLICKHOUSE_ERROR_MAX + 64];
	struct chwire_buf events, rejects;
	size_t n_events, n_rejects;
};

struct chstore {
	struct store base;           /* first: store.c's head */
	struct churl url;
	struct clickhouse *ch;
	struct sender *snd;          /* NULL unless pipelined */
	struct chwire_buf events, rejects;
	size_t n_events, n_rejects;
	char insert_events[INSERT_SQL_MAX];   /* INSERT INTO events (…) FORMAT RowBinary */
	char insert_rejects[INSERT_SQL_MAX];
	char settings[96];                    /* insert_distributed_sync=1&… */
	char error[CLICKHOUSE_ERROR_MAX + 64];
};

static const struct store_ops chstore_ops;

/* Nullable(String): NULL when absent. */
static void put_text(struct chwire_buf *b, const char *s)
{
	chwire_put_nullable_string(b, s);
}

static void put_key(struct chwire_buf *b, const char *s)
{
	chwire_put_string(b, s, strlen(s));
}

static void put_visit(struct chwire_buf *b, const struct event *ev)
{
	if (!ev->has_visit) {
		chwire_put_null(b);
		return;
	}
	chwire_put_notnull(b);
	chwire_put_uint64(b, ev->visit);
}

/*
 * A Nullable integer of bytes 1 (UInt8), 4 (UInt32) or 8 (Int64);
 * EVENT_NO_INT is NULL. The parser's bounds (fields.def lo..hi) keep each
 * value inside its ClickHouse type.
 */
static void put_int(struct chwire_buf *b, int64_t v, int bytes)
{
	if (v == EVENT_NO_INT) {
		chwire_put_null(b);
		return;
	}
	chwire_put_notnull(b);
	if (bytes == 1)
		chwire_put_uint8(b, (uint8_t)v);
	else if (bytes == 4)
		chwire_put_uint32(b, (uint32_t)v);
	else
		chwire_put_int64(b, v);
}

/*
 * Encodes ev as one RowBinary row: fields.def's stored rows in table
 * order, each by its storage class (the types of fields_clickhouse_type).
 * The table is expanded, as sqlstore.c's binds are. Returns 0, or -1
 * when the buffer is full.
 */
#define PUT_FS_NONE(member)
#define PUT_FS_TIME(member) chwire_put_int64(b, ev->member);
#define PUT_FS_KEY(member) put_key(b, ev->member);
#define PUT_FS_TYPE(member) put_key(b, event_type_name(ev->member));
#define PUT_FS_TEXT(member) put_text(b, ev->member);
#define PUT_FS_VISIT(member) put_visit(b, ev);
#define PUT_FS_U8(member) put_int(b, ev->member, 1);
#define PUT_FS_U32(member) put_int(b, ev->member, 4);
#define PUT_FS_I64(member) put_int(b, ev->member, 8);

static int put_event(struct chwire_buf *b, const struct event *ev)
{
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) PUT_##store(member)
#include "fields.def"
#undef EVENT_FIELD
	return b->failed ? -1 : 0;
}

/* Encodes a reject as a row of the rejects table (chtable_reject_columns). */
static int put_reject(struct chwire_buf *b, int64_t time_ms, const struct beacon_reject *r)
{
	chwire_put_int64(b, time_ms);
	put_key(b, r->error);
	chwire_put_nullable_string(b, r->site);
	chwire_put_nullable_string(b, r->type);
	chwire_put_nullable_string(b, r->path);
	return b->failed ? -1 : 0;
}

static void drop_group(struct chstore *s)
{
	chwire_buf_reset(&s->events);
	chwire_buf_reset(&s->rejects);
	s->n_events = s->n_rejects = 0;
}

static int ch_begin(struct store *base)
{
	drop_group((struct chstore *)base);
	return 0;
}

static int ch_insert_batch(struct store *base, const struct beacon_batch *batch, int64_t reject_time_ms)
{
	struct chstore *s = (struct chstore *)base;

	for (size_t i = 0; i < batch->n_events; i++) {
		if (put_event(&s->events, &batch->events[i]) != 0)
			goto full;
	}
	for (size_t i = 0; i < batch->n_rejects; i++) {
		if (put_reject(&s->rejects, reject_time_ms, &batch->rejects[i]) != 0)
			goto full;
	}
	s->n_events += batch->n_events;
	s->n_rejects += batch->n_rejects;
	return 0;
full:
	snprintf(s->error, sizeof s->error, "a group of more than %zu MiB (or out of memory)",
	         GROUP_BYTES_MAX >> 20);
	return -1;
}

static int ch_flush(struct store *base)
{
	(void)base; /* the rows were copied by ch_insert_batch */
	return 0;
}

/* One INSERT of body into the table of sql. Returns 0 when acknowledged, else -1 with why. */
static int send_rows(struct chstore *s, const char *sql, const struct chwire_buf *body, const char *table,
                     char *why, size_t whylen)
{
	if (clickhouse_insert(s->ch, sql, s->settings, body->p, body->len) == 0)
		return 0;
	snprintf(why, whylen, "ClickHouse insert into %s: %s", table, clickhouse_error(s->ch));
	return -1;
}

/* Sends a group: its events, then its rejects. Returns 0 or -1 with why. */
static int send_group(struct chstore *s, const struct chwire_buf *events, size_t n_events,
                      const struct chwire_buf *rejects, size_t n_rejects, char *why, size_t whylen)
{
	if (n_events > 0 && send_rows(s, s->insert_events, events, s->url.table, why, whylen) != 0)
		return -1;
	if (n_rejects > 0 && send_rows(s, s->insert_rejects, rejects, s->url.rejects, why, whylen) != 0)
		return -1;
	return 0;
}

static void *sender_main(void *arg)
{
	struct chstore *s = arg;
	struct sender *snd = s->snd;

	pthread_mutex_lock(&snd->mu);
	for (;;) {
		while (!snd->busy && !snd->quit)
			pthread_cond_wait(&snd->cond, &snd->mu);
		if (!snd->busy)
			break;
		pthread_mutex_unlock(&snd->mu);
		char why[sizeof snd->error];
		int rc = send_group(s, &snd->events, snd->n_events, &snd->rejects, snd->n_rejects, why, sizeof why);
		pthread_mutex_lock(&snd->mu);
		if (rc != 0 && !snd->failed) {
			snd->failed = 1;
			memcpy(snd->error, why, sizeof why);
		}
		snd->busy = 0;
		pthread_cond_broadcast(&snd->cond);
	}
	pthread_mutex_unlock(&snd->mu);
	return NULL;
}

/* Waits until the sender is idle; returns 0, or -1 (s->error set) when a send failed. Locks nothing after. */
static int sender_idle(struct chstore *s)
{
	struct sender *snd = s->snd;
	int rc;

	pthread_mutex_lock(&snd->mu);
	while (snd->busy)
		pthread_cond_wait(&snd->cond, &snd->mu);
	rc = snd->failed ? -1 : 0;
	if (rc != 0)
		snprintf(s->error, sizeof s->error, "%s", snd->error);
	pthread_mutex_unlock(&snd->mu);
	return rc;
}

static int ch_commit(struct store *base)
{
	struct chstore *s = (struct chstore *)base;
	struct sender *snd = s->snd;
	int rc = 0;

	if (snd == NULL) {
		rc = send_group(s, &s->events, s->n_events, &s->rejects, s->n_rejects, s->error, sizeof s->error);
		drop_group(s);
		return rc;
	}
	/* Pipelined: hand the group over once the one before it is acknowledged. */
	if (sender_idle(s) != 0) {
		drop_group(s);
		return -1;
	}
	pthread_mutex_lock(&snd->mu);
	struct chwire_buf e = snd->events, r = snd->rejects;

	snd->events = s->events;
	snd->rejects = s->rejects;
	snd->n_events = s->n_events;
	snd->n_rejects = s->n_rejects;
	s->events = e;
	s->rejects = r;
	snd->busy = 1;
	pthread_cond_broadcast(&snd->cond);
	pthread_mutex_unlock(&snd->mu);
	drop_group(s);
	return 0;
}

static int ch_wait(struct store *base)
{
	struct chstore *s = (struct chstore *)base;

	return s->snd != NULL ? sender_idle(s) : 0;
}

static void ch_rollback(struct store *base)
{
	drop_group((struct chstore *)base);
}

static int ch_probe(struct store *base)
{
	struct chstore *s = (struct chstore *)base;
	struct chwire_buf none;

	if (s->snd != NULL && sender_idle(s) != 0)
		return -1;
	chwire_buf_init(&none, 0);
	return send_rows(s, s->insert_events, &none, s->url.table, s->error, sizeof s->error);
}

static const char *ch_error(struct store *base)
{
	return ((struct chstore *)base)->error;
}

/* Stops the sender (after the group it sends) and frees it; NULL is ignored. */
static void sender_stop(struct sender *snd)
{
	if (snd == NULL)
		return;
	pthread_mutex_lock(&snd->mu);
	snd->quit = 1;
	pthread_cond_broadcast(&snd->cond);
	pthread_mutex_unlock(&snd->mu);
	pthread_join(snd->thread, NULL);
	pthread_cond_destroy(&snd->cond);
	pthread_mutex_destroy(&snd->mu);
	chwire_buf_free(&snd->events);
	chwire_buf_free(&snd->rejects);
	free(snd);
}

/* Starts the sender of a pipelined store. Returns 0 or -1. */
static int sender_start(struct chstore *s)
{
	struct sender *snd = calloc(1, sizeof *snd);

	if (snd == NULL)
		return -1;
	pthread_mutex_init(&snd->mu, NULL);
	pthread_cond_init(&snd->cond, NULL);
	chwire_buf_init(&snd->events, GROUP_BYTES_MAX);
	chwire_buf_init(&snd->rejects, GROUP_BYTES_MAX);
	s->snd = snd;
	if (pthread_create(&snd->thread, NULL, sender_main, s) != 0) {
		s->snd = NULL;
		pthread_cond_destroy(&snd->cond);
		pthread_mutex_destroy(&snd->mu);
		free(snd);
		return -1;
	}
	return 0;
}

static void ch_close(struct store *base)
{
	struct chstore *s = (struct chstore *)base;

	sender_stop(s->snd);
	clickhouse_close(s->ch);
	chwire_buf_free(&s->events);
	chwire_buf_free(&s->rejects);
	free(s);
}

int chstore_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen)
{
	struct chstore *s = calloc(1, sizeof *s);
	unsigned timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : STORE_TIMEOUT_MS;
	char why[CLICKHOUSE_ERROR_MAX + 256], cols[1024];
	int rc = -1;

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errlen, "%s: out of memory", cfg->db);
		return -1;
	}
	s->base.ops = &chstore_ops;
	chwire_buf_init(&s->events, GROUP_BYTES_MAX);
	chwire_buf_init(&s->rejects, GROUP_BYTES_MAX);
	if (churl_parse(cfg->db, strlen(cfg->db), &s->url, why, sizeof why) != 0) {
		snprintf(err, errlen, "--db: %s", why);
		goto out;
	}
	if (clickhouse_open(&s->url, (long)timeout_ms, &s->ch, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->db, why);
		goto out;
	}
	if (chtable_check(s->ch, &s->url, 1, NULL, 0, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->db, why);
		goto out;
	}
	if (fields_column_names(cols, sizeof cols) != 0)
		goto out;
	snprintf(s->insert_events, sizeof s->insert_events, "INSERT INTO %s (%s) FORMAT RowBinary", s->url.table,
	         cols);
	snprintf(s->insert_rejects, sizeof s->insert_rejects, "INSERT INTO %s (%s) FORMAT RowBinary",
	         s->url.rejects, chtable_reject_columns);
	/* Seconds, at least one: a Distributed insert waits for its shards no longer than a request may take. */
	snprintf(s->settings, sizeof s->settings, "insert_distributed_sync=1&insert_distributed_timeout=%u",
	         (timeout_ms + 999) / 1000);
	if (cfg->pipelined && sender_start(s) != 0) {
		snprintf(err, errlen, "%s: cannot start the sending thread", cfg->db);
		goto out;
	}
	*out = &s->base;
	rc = 0;
out:
	if (rc != 0)
		ch_close(&s->base);
	return rc;
}

static const struct store_ops chstore_ops = {
	.begin = ch_begin,
	.insert_batch = ch_insert_batch,
	.flush = ch_flush,
	.commit = ch_commit,
	.wait = ch_wait,
	.rollback = ch_rollback,
	.probe = ch_probe,
	.error = ch_error,
	.close = ch_close,
};
