/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * writer.c — queue, group commit and health of the database writes. While
 * the database is failing, an idle writer probes it once a second with a
 * harmless write, so that /healthz recovers by itself when space returns.
 * Every item is answered exactly once: by the writer thread after its
 * transaction, or by writer_abandon; whoever takes it off the queue or out
 * of the transaction under mu answers it. An answered item's memory goes
 * with its request, so the writer reads items only while it holds
 * items_mu, and writer_abandon takes a transaction's items only with
 * items_mu (or not at all).
 */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"

/* How long writer_abandon waits for the writer to stop reading a transaction's items. */
#define ABANDON_WAIT_MS 1000

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct writer_item *head, *tail; /* guarded by mu */
	size_t depth;                    /* guarded by mu */
	size_t capacity;
	int stopping;                    /* guarded by mu */
	int abandoned;                   /* guarded by mu: writer_abandon answered all */
	struct writer_item *in_flight;   /* guarded by mu: the transaction under way */
	size_t failures;                 /* guarded by mu: items answered "not committed" */
	char last_error[256];            /* guarded by mu */
	int exited;                      /* guarded by mu: the thread is done */
	pthread_mutex_t items_mu;        /* held while the writer reads the items of its transaction */
	_Atomic int abandoning;          /* writer_abandon has begun: read no more items */
	pthread_cond_t exited_cond;
	_Atomic int healthy;
	struct store *store;
	struct metrics *metrics;
};

static size_t item_size(const struct writer_item *it)
{
	return it->batch->n_events + it->batch->n_rejects;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Writes a list of items in one transaction. Returns 0 when committed, 1
 * when given up unread (writer_abandon began), -1 when the write failed.
 * The items are read (inserted, the last rows flushed) under items_mu; the
 * COMMIT, where a stalled disk waits, reads them no more.
 */
static int write_group(struct writer *w, struct writer_item *list)
{
	int read_all = 0;

	if (store_begin(w->store) != 0)
		goto fail;
	pthread_mutex_lock(&w->items_mu);
	if (atomic_load(&w->abandoning)) {
		pthread_mutex_unlock(&w->items_mu);
		store_rollback(w->store);
		return 1;
	}
	for (struct writer_item *it = list; it != NULL; it = it->next) {
		if (store_insert_batch(w->store, it->batch, it->received_ms) != 0)
			break;
		if (it->next == NULL && store_flush(w->store) == 0)
			read_all = 1;
	}
	pthread_mutex_unlock(&w->items_mu);
	if (!read_all || store_commit(w->store) != 0)
		goto fail;
	return 0;
fail:
	log_msg("database write failed: %s", store_error(w->store));
	pthread_mutex_lock(&w->mu);
	snprintf(w->last_error, sizeof w->last_error, "%s", store_error(w->store));
	pthread_mutex_unlock(&w->mu);
	store_rollback(w->store);
	return -1;
}

/* A write that changes nothing: tells whether the database can be written again. */
static void probe(struct writer *w)
{
	if (store_probe(w->store) == 0) {
		log_msg("database writable again");
		atomic_store(&w->healthy, 1);
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stopping) {
			if (atomic_load(&w->healthy)) {
				pthread_cond_wait(&w->cond, &w->mu);
			} else {
				struct timespec ts = clock_after_ms(CLOCK_REALTIME, 1000);
				if (pthread_cond_timedwait(&w->cond, &w->mu, &ts) == ETIMEDOUT && w->head == NULL) {
					pthread_mutex_unlock(&w->mu);
					probe(w);
					pthread_mutex_lock(&w->mu);
				}
			}
		}
		if (w->head == NULL)
			break; /* stopping, and everything is written */
		/* All that is queued is taken: the group's size is the depth. */
		struct writer_item *list = w->head;
		size_t group = w->depth;
		w->head = w->tail = NULL;
		w->in_flight = list;
		pthread_mutex_unlock(&w->mu);

		double t0 = now_s();
		int written = write_group(w, list);
		int ok = written == 0;
		if (written <= 0) {
			metrics_commit(w->metrics, now_s() - t0, ok ? group : 0, ok);
			atomic_store(&w->healthy, ok);
		}

		pthread_mutex_lock(&w->mu);
		if (w->abandoned)
			continue; /* writer_abandon has answered the group (and zeroed the depth) */
		w->in_flight = NULL;
		/*
		 * Account for the group before anyone is answered, so that a client
		 * that got its 204 sees the queue and the counters without it.
		 */
		if (ok)
			for (struct writer_item *it = list; it != NULL; it = it->next)
				metrics_stored(w->metrics, it->batch->events, it->batch->n_events);
		else
			for (struct writer_item *it = list; it != NULL; it = it->next)
				w->failures++;
		w->depth -= group;
		metrics_queue_depth(w->metrics, w->depth);
		pthread_mutex_unlock(&w->mu);
		for (struct writer_item *it = list, *next; it != NULL; it = next) {
			next = it->next;
			it->done(it, ok); /* it may be freed from here on */
		}
		pthread_mutex_lock(&w->mu);
	}
	w->exited = 1;
	pthread_cond_broadcast(&w->exited_cond);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int writer_start(struct store *store, size_t capacity, struct metrics *metrics, struct writer **out)
{
	struct writer *w = calloc(1, sizeof *w);

	*out = NULL;
	if (w == NULL)
		return -1;
	w->store = store;
	w->capacity = capacity;
	w->metrics = metrics;
	atomic_init(&w->healthy, 1);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_cond_init(&w->exited_cond, NULL);
	pthread_mutex_init(&w->items_mu, NULL);
	metrics_queue_capacity(metrics, capacity);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->items_mu);
		pthread_cond_destroy(&w->exited_cond);
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int writer_submit(struct writer *w, struct writer_item *item)
{
	size_t n = item_size(item);
	int rc = WRITER_STOPPED;

	item->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->abandoned)
		goto out;
	rc = WRITER_FULL;
	if (w->depth + n > w->capacity)
		goto out;
	if (w->tail != NULL)
		w->tail->next = item;
	else
		w->head = item;
	w->tail = item;
	w->depth += n;
	metrics_queue_depth(w->metrics, w->depth);
	pthread_cond_signal(&w->cond);
	rc = WRITER_QUEUED;
out:
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int writer_healthy(struct writer *w)
{
	return atomic_load(&w->healthy);
}

size_t writer_depth(struct writer *w)
{
	size_t d;

	pthread_mutex_lock(&w->mu);
	d = w->depth;
	pthread_mutex_unlock(&w->mu);
	return d;
}

/* Appends list (linked by next) to *tail_next; returns the new tail's next field. */
static struct writer_item **chain(struct writer_item **tail_next, struct writer_item *list)
{
	*tail_next = list;
	while (*tail_next != NULL)
		tail_next = &(*tail_next)->next;
	return tail_next;
}

size_t writer_abandon(struct writer *w, size_t *unanswered)
{
	struct writer_item *claimed = NULL, **tail = &claimed;
	struct timespec limit = clock_after_ms(CLOCK_REALTIME, ABANDON_WAIT_MS);
	size_t n = 0;
	int got_items;

	*unanswered = 0;
	atomic_store(&w->abandoning, 1);
	/* A transaction's items are taken only when the writer is not reading them. */
	got_items = pthread_mutex_timedlock(&w->items_mu, &limit) == 0;
	pthread_mutex_lock(&w->mu);
	if (!w->abandoned) {
		w->abandoned = 1;
		if (got_items)
			tail = chain(tail, w->in_flight);
		else
			for (struct writer_item *it = w->in_flight; it != NULL; it = it->next)
				(*unanswered)++;
		chain(tail, w->head);
		w->in_flight = w->head = w->tail = NULL;
		w->depth = 0;
		metrics_queue_depth(w->metrics, 0);
		for (struct writer_item *it = claimed; it != NULL; it = it->next)
			n++;
		w->failures += n;
		if (n > 0 && w->last_error[0] == '\0')
			snprintf(w->last_error, sizeof w->last_error, "no commit within the shutdown wait");
	}
	pthread_mutex_unlock(&w->mu);
	if (got_items)
		pthread_mutex_unlock(&w->items_mu);
	for (struct writer_item *it = claimed, *next; it != NULL; it = next) {
		next = it->next;
		it->done(it, 0);
	}
	return n;
}

size_t writer_failures(struct writer *w, char *msg, size_t msglen)
{
	size_t n;

	pthread_mutex_lock(&w->mu);
	n = w->failures;
	snprintf(msg, msglen, "%s", w->last_error);
	pthread_mutex_unlock(&w->mu);
	return n;
}

int writer_stop(struct writer *w, unsigned wait_ms)
{
	struct timespec deadline;
	int rc = 0;

	if (w == NULL)
		return 0;
	deadline = clock_after_ms(CLOCK_REALTIME, wait_ms);
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	while (!w->exited && rc == 0)
		rc = pthread_cond_timedwait(&w->exited_cond, &w->mu, &deadline);
	rc = w->exited ? 0 : -1;
	pthread_mutex_unlock(&w->mu);
	if (rc != 0)
		return -1; /* the thread still owns w: see writer.h */
	pthread_join(w->thread, NULL);
	store_close(w->store);
	pthread_mutex_destroy(&w->items_mu);
	pthread_cond_destroy(&w->exited_cond);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return 0;
}
