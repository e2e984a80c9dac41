/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chprune.h — the retention job on ClickHouse (lotse-report --prune with a
 * clickhouse:// --db): deletes events and rejects older than a number of
 * local days, by dropping the monthly partitions that lie wholly before
 * the cut and one asynchronous DELETE mutation for the rest, which it
 * waits for. A Distributed table cannot be altered: each shard's local
 * tables are pruned by their own URL.
 */
#ifndef LOTSE_CHPRUNE_H
#define LOTSE_CHPRUNE_H

#include <stddef.h>
#include <stdint.h>

/* How long --prune waits for ClickHouse's delete (a mutation) at most. */
#define CHPRUNE_MUTATION_WAIT_S 600

/*
 * As prune_run (prune.h), for url's events and rejects tables. Returns 0,
 * or -1 with a one-line reason in err (the counts then say what was
 * deleted before; a mutation still running goes on in ClickHouse, and a
 * later run finds its rows gone).
 */
int chprune_run(const char *url, int retain_days, int64_t now_ms, uint64_t *events, uint64_t *rejects,
                int64_t *cutoff_day, char *err, size_t errlen);

#endif
