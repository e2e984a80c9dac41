/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * metrics.c — counters and Prometheus rendering. Label values are site ids
 * and type names, which the parser has already restricted to [a-z0-9_-], so
 * no label escaping is needed.
 */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORED_SITES_MAX 256
#define STATUS_SLOTS 600

static const char *const reject_names[REJECT_COUNT] = {
	[REJECT_INVALID_BODY] = "invalid_body",
	[REJECT_INVALID_EVENT] = "invalid_event",
	[REJECT_UNKNOWN_SITE] = "unknown_site",
	[REJECT_ORIGIN] = "origin",
	[REJECT_NOT_FOUND] = "not_found",
	[REJECT_METHOD] = "method",
	[REJECT_BODY_TOO_LARGE] = "body_too_large",
	[REJECT_BATCH_TOO_LARGE] = "batch_too_large",
	[REJECT_CONTENT_TYPE] = "content_type",
	[REJECT_RATE_LIMITED] = "rate_limited",
	[REJECT_QUEUE_FULL] = "queue_full",
	[REJECT_DB_UNAVAILABLE] = "db_unavailable",
	[REJECT_FRAMING] = "framing",
};

static const char *const drop_names[DROP_COUNT] = {
	[DROP_DNT] = "dnt",
	[DROP_GPC] = "gpc",
	[DROP_BOT] = "bot",
};

static const char *const conn_close_names[CONN_CLOSE_COUNT] = {
	[CONN_DEADLINE] = "deadline",
	[CONN_IDLE_EVICTED] = "idle_evicted",
	[CONN_PER_ADDRESS] = "per_address",
	[CONN_FULL] = "full",
	[CONN_SHUTDOWN] = "shutdown",
};

/* Upper bounds of the commit latency histogram, in seconds. */
static const double commit_buckets[] = { 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0 };
#define N_BUCKETS (sizeof commit_buckets / sizeof commit_buckets[0])

struct stored_site {
	char site[EVENT_SITE_MAX + 1];
	uint64_t by_type[EVENT_TYPE_COUNT];
};

struct metrics {
	_Atomic uint64_t rejected[REJECT_COUNT];
	_Atomic uint64_t dropped[DROP_COUNT];
	_Atomic uint64_t status[STATUS_SLOTS];
	_Atomic size_t queue_depth;
	_Atomic size_t queue_capacity;
	_Atomic uint64_t conn_closed[CONN_CLOSE_COUNT];
	_Atomic size_t conns_open;

	pthread_mutex_t mu; /* guards what follows */
	size_t n_sites;
	struct stored_site sites[STORED_SITES_MAX + 1]; /* the last is "_other" */
	uint64_t commit_count;
	uint64_t commit_failed;
	uint64_t commit_events;
	double commit_sum;
	uint64_t commit_le[N_BUCKETS];
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	strcpy(m->sites[STORED_SITES_MAX].site, "_other");
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

void metrics_reject(struct metrics *m, enum metrics_reject why, uint64_t n)
{
	atomic_fetch_add_explicit(&m->rejected[why], n, memory_order_relaxed);
}

void metrics_drop(struct metrics *m, enum metrics_drop why, uint64_t n)
{
	atomic_fetch_add_explicit(&m->dropped[why], n, memory_order_relaxed);
}

void metrics_status(struct metrics *m, unsigned status)
{
	if (status < STATUS_SLOTS)
		atomic_fetch_add_explicit(&m->status[status], 1, memory_order_relaxed);
}

/* The counters of site; the overflow row when STORED_SITES_MAX sites are counted. Under m->mu. */
static struct stored_site *stored_site(struct metrics *m, const char *site)
{
	for (size_t i = 0; i < m->n_sites; i++) {
		if (strcmp(m->sites[i].site, site) == 0)
			return &m->sites[i];
	}
	if (m->n_sites == STORED_SITES_MAX)
		return &m->sites[STORED_SITES_MAX];
	snprintf(m->sites[m->n_sites].site, sizeof m->sites[m->n_sites].site, "%s", site);
	return &m->sites[m->n_sites++];
}

void metrics_stored(struct metrics *m, const struct event *events, size_t n)
{
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < n; i++)
		stored_site(m, events[i].site)->by_type[events[i].type]++;
	pthread_mutex_unlock(&m->mu);
}

void metrics_commit(struct metrics *m, double seconds, size_t events, int ok)
{
	pthread_mutex_lock(&m->mu);
	m->commit_count++;
	if (!ok)
		m->commit_failed++;
	m->commit_events += events;
	m->commit_sum += seconds;
	for (size_t i = 0; i < N_BUCKETS; i++)
		if (seconds <= commit_buckets[i])
			m->commit_le[i]++;
	pthread_mutex_unlock(&m->mu);
}

void metrics_queue_capacity(struct metrics *m, size_t capacity)
{
	atomic_store_explicit(&m->queue_capacity, capacity, memory_order_relaxed);
}

void metrics_queue_depth(struct metrics *m, size_t depth)
{
	atomic_store_explicit(&m->queue_depth, depth, memory_order_relaxed);
}

/* A growing output buffer; on allocation failure it stops growing and marks itself failed. */
struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		if (o->failed)
			return;
		va_start(ap, fmt);
		int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		size_t ncap = o->cap * 2 + (size_t)n;
		char *nb = realloc(o->buf, ncap);
		if (nb == NULL) {
			o->failed = 1;
			return;
		}
		o->buf = nb;
		o->cap = ncap;
	}
}

void metrics_conn_closed(struct metrics *m, enum metrics_conn_close why)
{
	atomic_fetch_add(&m->conn_closed[why], 1);
}

void metrics_conns_open(struct metrics *m, size_t open)
{
	atomic_store(&m->conns_open, open);
}

int metrics_render(struct metrics *m, char **out, size_t *len)
{
	struct out o = { .buf = malloc(8192), .cap = 8192 };

	*out = NULL;
	if (o.buf == NULL)
		return -1;
	o.buf[0] = '\0';

	put(&o, "# HELP lotse_events_stored_total Events committed to the database.\n"
	        "# TYPE lotse_events_stored_total counter\n");
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i <= STORED_SITES_MAX; i++) {
		if (i == m->n_sites)
			i = STORED_SITES_MAX;
		for (int t = 0; t < EVENT_TYPE_COUNT; t++)
			if (m->sites[i].by_type[t] > 0)
				put(&o, "lotse_events_stored_total{site=\"%s\",type=\"%s\"} %llu\n",
				    m->sites[i].site, event_type_name((enum event_type)t),
				    (unsigned long long)m->sites[i].by_type[t]);
	}
	put(&o, "# HELP lotse_commit_seconds Latency of one group commit.\n"
	        "# TYPE lotse_commit_seconds histogram\n");
	for (size_t i = 0; i < N_BUCKETS; i++)
		put(&o, "lotse_commit_seconds_bucket{le=\"%g\"} %llu\n", commit_buckets[i],
		    (unsigned long long)m->commit_le[i]);
	put(&o, "lotse_commit_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)m->commit_count);
	put(&o, "lotse_commit_seconds_sum %.6f\n", m->commit_sum);
	put(&o, "lotse_commit_seconds_count %llu\n", (unsigned long long)m->commit_count);
	put(&o, "# HELP lotse_commits_failed_total Group commits that failed (their events were answered 503).\n"
	        "# TYPE lotse_commits_failed_total counter\nlotse_commits_failed_total %llu\n",
	    (unsigned long long)m->commit_failed);
	put(&o, "# HELP lotse_commit_events_total Events and rejects written by group commits.\n"
	        "# TYPE lotse_commit_events_total counter\nlotse_commit_events_total %llu\n",
	    (unsigned long long)m->commit_events);
	pthread_mutex_unlock(&m->mu);

	put(&o, "# HELP lotse_rejected_total Refused requests and events, by reason.\n"
	        "# TYPE lotse_rejected_total counter\n");
	for (int i = 0; i < REJECT_COUNT; i++)
		put(&o, "lotse_rejected_total{reason=\"%s\"} %llu\n", reject_names[i],
		    (unsigned long long)atomic_load(&m->rejected[i]));
	put(&o, "# HELP lotse_not_stored_total Events answered as usual but not stored (DNT, GPC, bots).\n"
	        "# TYPE lotse_not_stored_total counter\n");
	for (int i = 0; i < DROP_COUNT; i++)
		put(&o, "lotse_not_stored_total{reason=\"%s\"} %llu\n", drop_names[i],
		    (unsigned long long)atomic_load(&m->dropped[i]));
	put(&o, "# HELP lotse_requests_total HTTP responses, by status code.\n"
	        "# TYPE lotse_requests_total counter\n");
	for (unsigned s = 100; s < STATUS_SLOTS; s++) {
		uint64_t v = atomic_load(&m->status[s]);
		if (v > 0)
			put(&o, "lotse_requests_total{code=\"%u\"} %llu\n", s, (unsigned long long)v);
	}
	put(&o, "# HELP lotse_queue_depth Events waiting for the writer.\n"
	        "# TYPE lotse_queue_depth gauge\nlotse_queue_depth %zu\n",
	    atomic_load(&m->queue_depth));
	put(&o, "# HELP lotse_queue_capacity Events the write queue holds at most.\n"
	        "# TYPE lotse_queue_capacity gauge\nlotse_queue_capacity %zu\n",
	    atomic_load(&m->queue_capacity));
	put(&o, "# HELP lotse_connections_open Connections open and counted against the limits.\n"
	        "# TYPE lotse_connections_open gauge\nlotse_connections_open %zu\n",
	    atomic_load(&m->conns_open));
	put(&o, "# HELP lotse_connections_closed_total Connections the collector closed itself, by reason.\n"
	        "# TYPE lotse_connections_closed_total counter\n");
	for (int i = 0; i < CONN_CLOSE_COUNT; i++)
		put(&o, "lotse_connections_closed_total{reason=\"%s\"} %llu\n", conn_close_names[i],
		    (unsigned long long)atomic_load(&m->conn_closed[i]));
	if (o.failed) {
		free(o.buf);
		return -1;
	}
	*out = o.buf;
	*len = o.len;
	return 0;
}
