/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * source.c — source.h: SQLite or ClickHouse. For SQLite it streams the
 * period's events into model_add with a progress line, and counts again
 * with every day's visit sets kept when the rows were far from time order
 * (model.h); then the engagement medians and the rejects.
 */
#include "source.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "churl.h"

int source_any_clickhouse(const char *const *dbs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (churl_is(dbs[i]))
			return 1;
	}
	return 0;
}

int source_open(struct source *s, const char *const *dbs, size_t n, int progress, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->progress = progress;
	if (source_any_clickhouse(dbs, n)) {
		if (n != 1) {
			snprintf(err, errlen, "a clickhouse:// --db is the only --db (several collectors write into "
			         "one ClickHouse; a cluster is one Distributed table)");
			return -1;
		}
		s->clickhouse = 1;
		return chquery_open(dbs[0], &s->ch, err, errlen);
	}
	return query_open(&s->q, dbs, n, err, errlen);
}

void source_close(struct source *s)
{
	if (s->clickhouse)
		chquery_close(s->ch);
	else
		query_close(&s->q);
	memset(s, 0, sizeof *s);
}

struct progress {
	struct model *m;
	int enabled, shown;
	uint64_t rows;
	struct timespec start;
	const char *what;
};

static double elapsed_s(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* query_row_fn wrapper: adds the row and, on a terminal, shows progress after 1 s. */
static int add_with_progress(void *ctx, const struct query_row *row)
{
	struct progress *p = ctx;

	p->rows++;
	if (p->enabled && (p->rows & 0x3ffff) == 0 && elapsed_s(&p->start) > 1.0) {
		fprintf(stderr, "\rlotse-report: %s: %llu events read", p->what, (unsigned long long)p->rows);
		p->shown = 1;
	}
	return model_add(p->m, row);
}

/* The SQLite side of source_read. */
static int read_sqlite(struct query *q, int64_t a, int64_t b, const char *site, struct model *m, int with_rejects,
                       int progress, const char *what, char *err, size_t errlen)
{
	struct progress p = { .m = m, .enabled = progress, .what = what };
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &p.start);
	rc = query_events(q, a, b, site, add_with_progress, &p, err, errlen);
	if (rc == 0 && m->out_of_order) {
		/* Rows far from time order: count again with every day's visit sets kept. */
		const struct model_config *cfg = m->cfg;

		model_free(m);
		if (model_init(m, cfg) != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		m->all_days = 1;
		rc = query_events(q, a, b, site, add_with_progress, &p, err, errlen);
	}
	if (p.shown)
		fputc('\n', stderr);
	if (rc != 0)
		return -1;
	if (query_engagement(q, a, b, site, model_engagement, m, err, errlen) != 0)
		return -1;
	if (with_rejects && query_rejects(q, a, b, site, model_reject, m, err, errlen) != 0)
		return -1;
	return 0;
}

int source_read(struct source *s, int64_t from_ms, int64_t to_ms, const char *site, struct model *m,
                int comparison, const char *what, char *err, size_t errlen)
{
	if (!s->clickhouse)
		return read_sqlite(&s->q, from_ms, to_ms, site, m, !comparison, s->progress, what, err, errlen);
	m->all_days = 1;
	return chquery_read(s->ch, from_ms, to_ms, site, m, comparison, err, errlen);
}
