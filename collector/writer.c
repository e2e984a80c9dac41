/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * writer.c — queue, group commit and health of the database writes. While
 * the database is failing, an idle writer probes it once a second with a
 * harmless write, so that /healthz recovers by itself when space returns.
 */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct writer_item *head, *tail; /* guarded by mu */
	size_t depth;                    /* guarded by mu */
	size_t capacity;
	int stopping;                    /* guarded by mu */
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

/* Writes a list of items in one transaction. Returns 0 when committed. */
static int write_group(struct writer *w, struct writer_item *list)
{
	if (store_begin(w->store) != 0)
		goto fail;
	for (struct writer_item *it = list; it != NULL; it = it->next) {
		if (store_insert_batch(w->store, it->batch, it->received_ms) != 0)
			goto fail;
	}
	if (store_commit(w->store) != 0)
		goto fail;
	return 0;
fail:
	log_msg("database write failed: %s", store_error(w->store));
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
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_sec += 1;
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
		pthread_mutex_unlock(&w->mu);

		double t0 = now_s();
		int ok = write_group(w, list) == 0;
		metrics_commit(w->metrics, now_s() - t0, ok ? group : 0, ok);
		atomic_store(&w->healthy, ok);

		/*
		 * Account for the group before anyone is answered, so that a client
		 * that got its 204 sees the queue and the counters without it.
		 */
		if (ok)
			for (struct writer_item *it = list; it != NULL; it = it->next)
				metrics_stored(w->metrics, it->batch->events, it->batch->n_events);
		pthread_mutex_lock(&w->mu);
		w->depth -= group;
		metrics_queue_depth(w->metrics, w->depth);
		pthread_mutex_unlock(&w->mu);
		for (struct writer_item *it = list, *next; it != NULL; it = next) {
			next = it->next;
			it->done(it, ok); /* it may be freed from here on */
		}
		pthread_mutex_lock(&w->mu);
	}
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
	metrics_queue_capacity(metrics, capacity);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
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
	int rc = -1;

	item->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->depth + n > w->capacity)
		goto out;
	if (w->tail != NULL)
		w->tail->next = item;
	else
		w->head = item;
	w->tail = item;
	w->depth += n;
	metrics_queue_depth(w->metrics, w->depth);
	pthread_cond_signal(&w->cond);
	rc = 0;
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

void writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	store_close(w->store);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
