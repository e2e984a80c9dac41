/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * prune.h — the retention job (lotse-report --prune): deletes raw events and
 * rejects older than a number of local days from one database, in small
 * batches — each its own short write transaction, followed by a passive WAL
 * checkpoint and a pause — so that the collector's commits wait for at most
 * one batch and the WAL stays small. The only code of the reporter that
 * writes to a database; it creates nothing and touches no other table.
 */
#ifndef LOTSE_PRUNE_H
#define LOTSE_PRUNE_H

#include <stdint.h>
#include <stddef.h>

#define PRUNE_DEFAULT_DAYS 180
#define PRUNE_MAX_DAYS 36500
/* Rows deleted per transaction, and the pause after each. */
#define PRUNE_BATCH_ROWS 1000
#define PRUNE_PAUSE_MS 10

/*
 * Deletes from path every event and reject whose time lies before local
 * midnight (Europe/Berlin) of the day retain_days days before the day of
 * now_ms. Sets *events and *rejects to the numbers deleted and *cutoff_day to
 * the first day kept. Returns 0, or -1 with a one-line reason in err; the
 * counts then say what was deleted before the failure (a later run goes on
 * where it stopped).
 */
int prune_run(const char *path, int retain_days, int64_t now_ms, uint64_t *events,
              uint64_t *rejects, int64_t *cutoff_day, char *err, size_t errlen);

#endif
