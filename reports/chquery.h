/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chquery.h — the reporter's ClickHouse side: reads a period from the
 * events and rejects tables of a clickhouse:// --db, letting ClickHouse
 * do the counting (per day, device, search, page, host, flow fragment …)
 * and hands the aggregated rows to the model (model.h's model_add_day …
 * model_add_fragment), which gives the same numbers as from the events
 * themselves. Never writes (prune.c does, in its own mode).
 */
#ifndef LOTSE_CHQUERY_H
#define LOTSE_CHQUERY_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct chquery;

/* How long one query of a report may take at most. */
#define CHQUERY_TIMEOUT_MS (3600L * 1000)

/*
 * Connects to url (a clickhouse:// URL) and checks that its events and
 * rejects tables hold Lotse's columns. Returns 0 and *out, or -1 with a
 * one-line reason in err.
 */
int chquery_open(const char *url, struct chquery **out, char *err, size_t errlen);

/*
 * Reads the events with from_ms <= time < to_ms (INT64_MIN / INT64_MAX:
 * open), of site unless NULL, into m (m->all_days set, nothing added yet)
 * with the rejects per reason; for a comparison (comparison set) only what
 * model_attach_previous takes of it: the services' flows, visits and
 * ratings. Returns 0, or -1
 * with err.
 */
int chquery_read(struct chquery *q, int64_t from_ms, int64_t to_ms, const char *site, struct model *m,
                 int comparison, char *err, size_t errlen);

/* Closes q; NULL is ignored. */
void chquery_close(struct chquery *q);

#endif
