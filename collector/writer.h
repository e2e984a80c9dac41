/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * writer.h — the collector's one writer thread: a bounded queue of requests'
 * events and rejects, written with group commit (one transaction for all
 * that waits, not one per event). Each submitted item is told, on the writer
 * thread, whether its events are committed; only then may its request be
 * answered 204. Knows nothing of HTTP.
 */
#ifndef LOTSE_WRITER_H
#define LOTSE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"
#include "metrics.h"
#include "store.h"

struct writer_item;

/* Called on the writer thread after the item's transaction: ok is 1 when committed. */
typedef void (*writer_done_fn)(struct writer_item *item, int ok);

/*
 * What a request hands to the writer; embedded in the caller's request state,
 * which must stay alive until done has been called.
 */
struct writer_item {
	struct writer_item *next;          /* the writer's */
	const struct beacon_batch *batch;  /* events and rejects to store */
	int64_t received_ms;               /* time of the rejects */
	writer_done_fn done;
};

struct writer;

/*
 * Starts the writer thread on store (which it then owns and closes) with a
 * queue of at most capacity events and rejects. Returns 0 and *out, or -1.
 */
int writer_start(struct store *store, size_t capacity, struct metrics *metrics, struct writer **out);

enum writer_refusal { WRITER_QUEUED = 0, WRITER_FULL = -1, WRITER_STOPPED = -2 };

/*
 * Queues item. Returns WRITER_QUEUED, or WRITER_FULL when the queue is full,
 * or WRITER_STOPPED after writer_abandon or writer_stop (then done is never
 * called and the caller answers 503).
 */
int writer_submit(struct writer *w, struct writer_item *item);

/* Returns 1 while the last write (or probe) succeeded, 0 after a failure. */
int writer_healthy(struct writer *w);

/* Returns the number of events and rejects waiting. */
size_t writer_depth(struct writer *w);

/*
 * Gives up on everything the writer holds, for a shutdown that cannot wait
 * longer (the database is locked by another process, or a commit stalls):
 * calls done(item, 0) on the calling thread for every item queued or in
 * the transaction under way, and from then on refuses new items. The writer
 * thread calls no done after this, even when its transaction completes
 * (its events may then be in the database, answered 503: never the other
 * way round). The items of the transaction under way are given up only when
 * the writer is not reading them (it waits up to a second for that: a write
 * that stalls while the rows are inserted keeps them); those it cannot give
 * up are counted in *unanswered, and their requests stay waiting — the
 * caller must then not stop libmicrohttpd (it aborts on a connection still
 * suspended) but end the process. Returns the number of items given up.
 */
size_t writer_abandon(struct writer *w, size_t *unanswered);

/*
 * The items answered "not committed" so far (failed transactions and
 * writer_abandon), and the last failure's message in msg (msglen bytes,
 * "" when none).
 */
size_t writer_failures(struct writer *w, char *msg, size_t msglen);

/*
 * Commits everything still queued (calling every done), stops the thread and
 * closes the store, waiting at most wait_ms for the thread. Returns 0 and
 * frees w; or -1 when the thread did not finish in time (a stalled commit):
 * then w, its store and its metrics stay in use by the thread and must not
 * be freed. NULL is ignored (0).
 */
int writer_stop(struct writer *w, unsigned wait_ms);

#endif
