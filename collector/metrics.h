/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * metrics.h — the collector's counters and their Prometheus text exposition
 * (format 0.0.4) for GET /metrics. Counters are lock-free atomics except the
 * stored-events table by site and type, which the writer alone updates under
 * a mutex and whose size is capped (sites beyond the cap count as "_other").
 * One process-wide instance, owned by main.
 */
#ifndef LOTSE_METRICS_H
#define LOTSE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Why a request or event was refused: lotse_rejected_total{reason}. */
enum metrics_reject {
	REJECT_INVALID_BODY,   /* 400: not JSON, not UTF-8, empty batch */
	REJECT_INVALID_EVENT,  /* 400: one event broke a field rule */
	REJECT_UNKNOWN_SITE,   /* 400: site not in --sites */
	REJECT_ORIGIN,         /* 403 */
	REJECT_NOT_FOUND,      /* 404 */
	REJECT_METHOD,         /* 405 */
	REJECT_BODY_TOO_LARGE, /* 413 */
	REJECT_BATCH_TOO_LARGE,/* 413 */
	REJECT_CONTENT_TYPE,   /* 415 */
	REJECT_RATE_LIMITED,   /* 429 */
	REJECT_QUEUE_FULL,     /* 503 */
	REJECT_DB_UNAVAILABLE, /* 503 */
	REJECT_FRAMING,        /* 400: ambiguous or unsupported message framing */
	REJECT_COUNT
};

/* Events answered as usual but not stored: lotse_not_stored_total{reason}. */
enum metrics_drop { DROP_DNT, DROP_GPC, DROP_BOT, DROP_COUNT };

/* Why the collector closed a connection itself: lotse_connections_closed_total{reason}. */
enum metrics_conn_close {
	CONN_DEADLINE,     /* the request was not whole within --request-timeout */
	CONN_IDLE_EVICTED, /* idle, and its slot was needed (all, or its address's) */
	CONN_PER_ADDRESS,  /* its address held --max-connections-per-ip busy connections */
	CONN_FULL,         /* --max-connections busy connections */
	CONN_SHUTDOWN,     /* idle at shutdown, or unfinished when the shutdown wait ended */
	CONN_CLOSE_COUNT
};

struct metrics;

/* Returns a new zeroed instance, or NULL when out of memory. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

void metrics_reject(struct metrics *m, enum metrics_reject why, uint64_t n);
void metrics_drop(struct metrics *m, enum metrics_drop why, uint64_t n);
/* Counts a response by HTTP status. */
void metrics_status(struct metrics *m, unsigned status);
/* Called by the writer after a commit: n stored events. */
void metrics_stored(struct metrics *m, const struct event *events, size_t n);
/* Called by the writer after a commit: its latency and how many events it carried. */
void metrics_commit(struct metrics *m, double seconds, size_t events, int ok);
/* The write queue: its capacity (once) and its depth (after each change). */
void metrics_queue_capacity(struct metrics *m, size_t capacity);
void metrics_queue_depth(struct metrics *m, size_t depth);

/* A connection closed by the collector, and the number open after each change. */
void metrics_conn_closed(struct metrics *m, enum metrics_conn_close why);
void metrics_conns_open(struct metrics *m, size_t open);

/*
 * Renders the exposition into a malloc'd NUL-terminated string. Returns 0 and
 * *out and *len (caller frees *out), or -1 when out of memory.
 */
int metrics_render(struct metrics *m, char **out, size_t *len);

#endif
