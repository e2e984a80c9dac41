/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * importer.c — the --import loop: read a line, parse, ingest, store; commit in
 * large groups. Two threads share the work: this one reads, parses and
 * ingests lines into a chunk of batches while a store thread inserts the
 * previous chunk (two chunks alternate), so that parsing and SQLite (and its
 * checkpoint fsyncs) overlap on two cores. Only the store thread touches the
 * database while it runs; the order of the events is kept.
 */
#include "importer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "beacon.h"
#include "ingest.h"
#include "log.h"
#include "uacache.h"
#include "visitkey.h"

#define IMPORT_LINE_MAX (64 * 1024)
#define IMPORT_COMMIT_EVERY 50000
#define IMPORT_ERRORS_SHOWN 10
#define IMPORT_MAX_DAYS 4096
#define IMPORT_CHUNK 512 /* lines handed to the store thread at a time */

/* One parsed line that is to be stored. */
struct import_item {
	struct beacon_batch batch;
	int64_t time_ms;
};

struct import_chunk {
	struct import_item items[IMPORT_CHUNK];
	size_t n;
};

/*
 * The store thread and its hand-over slot. The reader hands a full chunk
 * over in todo and fills the other one meanwhile; the store thread marks the
 * chunk it works on busy. The reader frees a stored chunk's batches before
 * it fills the chunk again (glibc frees best in the allocating thread).
 */
struct store_worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct import_chunk *todo;        /* guarded by mu */
	struct import_chunk *busy;        /* guarded by mu */
	int finish;                       /* guarded by mu: no more chunks */
	int abort_txn;                    /* guarded by mu: the input failed; do not commit the rest */
	int failed;                       /* guarded by mu: a database error; err says which */
	struct store *store;
	uint64_t in_txn;
	char err[256];
};

/*
 * Inserts a chunk's events and rejects; commits every IMPORT_COMMIT_EVERY.
 * Returns 0 when everything is written (the reader frees the chunk next),
 * or -1: then events of c may still be pending in the store, and the
 * reader's store_rollback must come before it frees the chunk.
 */
static int store_chunk(struct store_worker *w, struct import_chunk *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const struct beacon_batch *b = &c->items[k].batch;
		if (store_insert_batch(w->store, b, c->items[k].time_ms) != 0)
			return -1;
		w->in_txn += b->n_events + b->n_rejects;
		if (w->in_txn >= IMPORT_COMMIT_EVERY) {
			if (store_commit(w->store) != 0 || store_begin(w->store) != 0)
				return -1;
			w->in_txn = 0;
		}
	}
	return store_flush(w->store);
}

static void chunk_clear(struct import_chunk *c)
{
	for (size_t k = 0; k < c->n; k++)
		beacon_batch_free(&c->items[k].batch);
	c->n = 0;
}

static void *store_main(void *arg)
{
	struct store_worker *w = arg;
	int ok = store_begin(w->store) == 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->todo == NULL && !w->finish)
			pthread_cond_wait(&w->cond, &w->mu);
		struct import_chunk *c = w->todo;
		if (c == NULL)
			break; /* finishing, and every chunk is stored */
		w->todo = NULL;
		w->busy = c;
		pthread_mutex_unlock(&w->mu);
		if (ok && store_chunk(w, c) != 0)
			ok = 0;
		pthread_mutex_lock(&w->mu);
		w->busy = NULL;
		if (!ok && !w->failed) {
			snprintf(w->err, sizeof w->err, "database: %s", store_error(w->store));
			w->failed = 1;
		}
		pthread_cond_broadcast(&w->cond);
	}
	int commit = ok && !w->abort_txn;
	pthread_mutex_unlock(&w->mu);
	/* A pipelined store (ClickHouse) may still be sending: done only when every group is acknowledged. */
	if (commit && (store_commit(w->store) != 0 || store_wait(w->store) != 0)) {
		pthread_mutex_lock(&w->mu);
		snprintf(w->err, sizeof w->err, "database: %s", store_error(w->store));
		w->failed = 1;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL; /* an open transaction is the reader's to roll back */
}

/*
 * Hands full over to the store thread and waits until next is free to fill.
 * Returns 0, or -1 when the store thread has failed.
 */
static int hand_over(struct store_worker *w, struct import_chunk *full, struct import_chunk *next)
{
	int rc;

	pthread_mutex_lock(&w->mu);
	while (w->todo != NULL && !w->failed)
		pthread_cond_wait(&w->cond, &w->mu);
	if (!w->failed) {
		w->todo = full;
		pthread_cond_broadcast(&w->cond);
	}
	while ((w->todo == next || w->busy == next) && !w->failed)
		pthread_cond_wait(&w->cond, &w->mu);
	rc = w->failed ? -1 : 0;
	pthread_mutex_unlock(&w->mu);
	if (rc == 0)
		chunk_clear(next); /* freed by the thread that allocated: no cross-thread frees */
	return rc;
}

static void line_error(const char *path, uint64_t line, const char *why, uint64_t *shown)
{
	if (*shown < IMPORT_ERRORS_SHOWN)
		log_msg("%s:%llu: %s", path, (unsigned long long)line, why);
	else if (*shown == IMPORT_ERRORS_SHOWN)
		log_msg("%s: more rejected lines not shown", path);
	(*shown)++;
}

int importer_run(const char *path, struct store *store, const struct sites *sites, int visit_keys,
                 struct import_counts *counts, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct visitkey *vk = NULL;
	struct import_chunk *chunks = NULL, *cur;
	struct store_worker w = { .store = store };
	/* Classes of recent User-Agents (by keyed hash): most lines need no classification. */
	struct ua_cache *uac = NULL;
	int started = 0, read_ok = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	uint64_t lineno = 0, shown = 0;
	int rc = -1;

	memset(counts, 0, sizeof *counts);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* stdio reads 4 KiB at a time by default: 100 000 read() calls per 10^6 lines. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	chunks = calloc(2, sizeof *chunks);
	if (chunks == NULL || ua_cache_new(&uac) != 0 ||
	    (visit_keys && visitkey_new(IMPORT_MAX_DAYS, &vk) != 0)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cur = &chunks[0];
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (pthread_create(&w.thread, NULL, store_main, &w) != 0) {
		snprintf(err, errlen, "cannot start the store thread");
		pthread_cond_destroy(&w.cond);
		pthread_mutex_destroy(&w.mu);
		goto out;
	}
	started = 1;
	while ((got = getline(&line, &cap, f)) > 0) {
		struct beacon_import_line meta;
		struct beacon_batch *batch = &cur->items[cur->n].batch;
		char why[BEACON_ERROR_MAX] = "";
		size_t len = (size_t)got;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (len > IMPORT_LINE_MAX) {
			counts->rejected++;
			line_error(path, lineno, "line longer than 64 KiB", &shown);
			continue;
		}
		enum beacon_status st = beacon_parse_import_line(line, len, &meta, batch, why, sizeof why);
		if (st == BEACON_NOMEM) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (st != BEACON_OK) {
			counts->rejected++;
			line_error(path, lineno, why[0] ? why : "malformed line", &shown);
			beacon_batch_free(batch);
			continue;
		}
		unsigned char raw[16];
		struct ingest_request req = {
			.received_ms = meta.time_ms,
			.ua = meta.ua,
			.ua_len = meta.ua ? strlen(meta.ua) : 0,
			.origin = meta.origin,
			.origin_len = meta.origin ? strlen(meta.origin) : 0,
			.sites = sites,
			.visitkey = vk,
			.uacache = uac,
		};
		if (meta.client != NULL)
			req.addr = addr_of_text(meta.client, strlen(meta.client), raw, &req.addr_len);
		switch (ingest_apply(&req, batch)) {
		case INGEST_NOMEM:
			snprintf(err, errlen, "out of memory");
			goto out;
		case INGEST_BOT:
			counts->bots += batch->n_events + batch->n_rejects;
			break;
		case INGEST_ORIGIN_DENIED:
			counts->rejected += batch->n_events + batch->n_rejects;
			line_error(path, lineno, "origin not allowed for the site", &shown);
			break;
		case INGEST_STORE:
			counts->imported += batch->n_events;
			counts->rejected += batch->n_rejects;
			cur->items[cur->n].time_ms = meta.time_ms;
			cur->n++; /* the store thread stores and frees it */
			batch = NULL;
			break;
		}
		beacon_batch_free(batch);
		if (cur->n == IMPORT_CHUNK) {
			struct import_chunk *next = cur == &chunks[0] ? &chunks[1] : &chunks[0];
			if (hand_over(&w, cur, next) != 0)
				goto out;
			cur = next;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (cur->n > 0 && hand_over(&w, cur, cur == &chunks[0] ? &chunks[1] : &chunks[0]) != 0)
		goto out;
	read_ok = 1;
out:
	if (started) {
		/* As in one thread: what was committed stays; after a failure of the
		 * input or the database the open transaction is rolled back below. */
		pthread_mutex_lock(&w.mu);
		w.finish = 1;
		w.abort_txn = !read_ok;
		pthread_cond_broadcast(&w.cond);
		pthread_mutex_unlock(&w.mu);
		pthread_join(w.thread, NULL);
		if (w.failed)
			snprintf(err, errlen, "%s", w.err);
		else if (read_ok)
			rc = 0;
		pthread_cond_destroy(&w.cond);
		pthread_mutex_destroy(&w.mu);
	}
	store_rollback(store);
	if (chunks != NULL) {
		chunk_clear(&chunks[0]);
		chunk_clear(&chunks[1]);
	}
	free(chunks);
	ua_cache_free(uac);
	free(line);
	visitkey_free(vk);
	if (f != stdin)
		fclose(f);
	return rc;
}
