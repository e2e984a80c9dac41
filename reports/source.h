/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * source.h — the databases a report reads, behind one interface: SQLite
 * files of one or more collectors (query.h: their events stream into the
 * model) or one ClickHouse database (chquery.h: ClickHouse counts, the
 * model takes the counts). Either way the model ends with the same
 * numbers. Reads only.
 */
#ifndef LOTSE_SOURCE_H
#define LOTSE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "chquery.h"
#include "model.h"
#include "query.h"

struct source {
	int clickhouse;          /* one clickhouse:// --db */
	struct query q;          /* SQLite */
	struct chquery *ch;      /* ClickHouse */
	int progress;            /* show progress on stderr (a terminal, not --quiet) */
};

/*
 * Opens dbs[0..n-1]: SQLite paths (1..QUERY_MAX_DB), or exactly one
 * clickhouse:// URL. Returns 0, or -1 with a one-line reason in err.
 */
int source_open(struct source *s, const char *const *dbs, size_t n, int progress, char *err, size_t errlen);

/* Whether one of dbs[0..n-1] is a ClickHouse URL. */
int source_any_clickhouse(const char *const *dbs, size_t n);

/*
 * Reads the events with from_ms <= time < to_ms (INT64_MIN / INT64_MAX:
 * open; of site unless NULL) into m, which nothing was added to yet, and
 * the rejects per reason — or, for a comparison period (comparison set),
 * at least what model_attach_previous takes of m (the services' flows,
 * visits and ratings; no rejects); what names the period in the progress line. Returns 0, or -1
 * with err.
 */
int source_read(struct source *s, int64_t from_ms, int64_t to_ms, const char *site, struct model *m,
                int comparison, const char *what, char *err, size_t errlen);

/* Closes everything; safe on a failed or closed s. */
void source_close(struct source *s);

#endif
