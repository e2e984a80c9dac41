/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chprune.c — chprune.h. Partitions are local (Berlin) months
 * (chtable.h), so a month whose last day lies before the cut goes as a
 * whole with ALTER TABLE … DROP PARTITION (cheap: its files are removed).
 * The days of the cut's own month before the cut go by ALTER TABLE …
 * DELETE, a mutation that rewrites the parts in the background; 18.16 has
 * no mutations_sync, so system.mutations is polled until it is done, for at
 * most CHPRUNE_MUTATION_WAIT_S. A delete is sent only when rows before
 * the cut remain, because in 18.16 a mutation rewrites every active part
 * of the table.
 */
#include "chprune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chtable.h"
#include "churl.h"
#include "clickhouse.h"
#include "tz.h"

#define PRUNE_TIMEOUT_MS (600L * 1000)
#define MAX_PARTITIONS 4096
#define POLL_MS 200

struct counter {
	uint64_t n;
	int rows;
};

static int on_count(void *ctx, const struct chwire_field *f, size_t n)
{
	struct counter *c = ctx;
	char *end;

	if (n != 1 || f[0].s == NULL)
		return -1;
	c->n = strtoull(f[0].s, &end, 10);
	c->rows++;
	return end == f[0].s + f[0].n ? 0 : -1;
}

/* The one number sql returns. Returns 0 or -1. */
static int count_of(struct clickhouse *c, const char *sql, uint64_t *out)
{
	struct counter k = { 0, 0 };

	if (clickhouse_query(c, sql, NULL, on_count, &k) != 0 || k.rows != 1)
		return -1;
	*out = k.n;
	return 0;
}

struct partitions {
	unsigned month[MAX_PARTITIONS]; /* YYYYMM */
	size_t n;
};

static int on_partition(void *ctx, const struct chwire_field *f, size_t n)
{
	struct partitions *p = ctx;
	char *end;
	unsigned long v;

	if (n != 1 || f[0].s == NULL || p->n == MAX_PARTITIONS)
		return -1;
	v = strtoul(f[0].s, &end, 10);
	if (end != f[0].s + f[0].n)
		return 0; /* not a month of Lotse's partitioning: left alone */
	p->month[p->n++] = (unsigned)v;
	return 0;
}

/* Whether the local month yyyymm ends before cutoff_day (its next month's first day is at or before it). */
static int month_before(unsigned yyyymm, int64_t cutoff_day)
{
	unsigned y = yyyymm / 100, m = yyyymm % 100;

	if (m < 1 || m > 12)
		return 0;
	return tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) <= cutoff_day;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Prunes one table. Returns 0 or -1 with err. */
static int prune_table(struct clickhouse *c, const struct churl *u, const char *table, int64_t cutoff,
                       uint64_t *count, char *err, size_t errlen)
{
	static struct partitions parts; /* 16 KiB; --prune is one thread */
	char sql[512];
	uint64_t left, pending;
	time_t deadline;

	snprintf(sql, sizeof sql, "SELECT count() FROM %s WHERE time < %lld FORMAT TabSeparated", table,
	         (long long)cutoff);
	if (count_of(c, sql, count) != 0)
		goto fail;
	if (*count == 0)
		return 0;
	parts.n = 0;
	snprintf(sql, sizeof sql, "SELECT DISTINCT partition FROM system.parts WHERE database = '%s' AND "
	         "table = '%s' AND active FORMAT TabSeparated", u->database, table);
	if (clickhouse_query(c, sql, NULL, on_partition, &parts) != 0)
		goto fail;
	for (size_t i = 0; i < parts.n; i++) {
		if (!month_before(parts.month[i], tz_local_day(cutoff)))
			continue;
		snprintf(sql, sizeof sql, "ALTER TABLE %s DROP PARTITION %u", table, parts.month[i]);
		if (clickhouse_query(c, sql, NULL, NULL, NULL) != 0)
			goto fail;
	}
	snprintf(sql, sizeof sql, "SELECT count() FROM %s WHERE time < %lld FORMAT TabSeparated", table,
	         (long long)cutoff);
	if (count_of(c, sql, &left) != 0)
		goto fail;
	if (left == 0)
		return 0;
	snprintf(sql, sizeof sql, "ALTER TABLE %s DELETE WHERE time < %lld", table, (long long)cutoff);
	if (clickhouse_query(c, sql, NULL, NULL, NULL) != 0)
		goto fail;
	deadline = time(NULL) + CHPRUNE_MUTATION_WAIT_S;
	snprintf(sql, sizeof sql, "SELECT count() FROM system.mutations WHERE database = '%s' AND table = '%s' "
	         "AND is_done = 0 FORMAT TabSeparated", u->database, table);
	for (;;) {
		if (count_of(c, sql, &pending) != 0)
			goto fail;
		if (pending == 0)
			return 0;
		if (time(NULL) >= deadline) {
			snprintf(err, errlen, "ClickHouse table %s.%s: the delete of the rows before the cut did not "
			         "finish within %d s; it goes on in ClickHouse (system.mutations)", u->database, table,
			         CHPRUNE_MUTATION_WAIT_S);
			return -1;
		}
		pause_ms(POLL_MS);
	}
fail:
	snprintf(err, errlen, "ClickHouse table %s.%s: %s", u->database, table, clickhouse_error(c));
	return -1;
}

int chprune_run(const char *url, int retain_days, int64_t now_ms, uint64_t *events, uint64_t *rejects,
                int64_t *cutoff_day, char *err, size_t errlen)
{
	struct churl u;
	struct clickhouse *c = NULL;
	char why[CLICKHOUSE_ERROR_MAX + 256], engine[CHTABLE_ENGINE_MAX];
	int64_t cutoff;
	int rc = -1;

	*events = *rejects = 0;
	*cutoff_day = tz_local_day(now_ms) - retain_days;
	cutoff = tz_day_start_ms(*cutoff_day);
	if (churl_parse(url, strlen(url), &u, why, sizeof why) != 0) {
		snprintf(err, errlen, "--db: %s", why);
		return -1;
	}
	if (clickhouse_open(&u, PRUNE_TIMEOUT_MS, &c, why, sizeof why) != 0 ||
	    chtable_check(c, &u, 0, engine, sizeof engine, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", url, why);
		goto out;
	}
	if (strcmp(engine, "Distributed") == 0) {
		snprintf(err, errlen, "%s: %s is a Distributed table, which cannot be altered: prune each shard's local "
		         "tables (--db clickhouse://SHARD/%s?table=LOCAL&rejects=LOCAL, docs/scale.md)", url, u.table,
		         u.database);
		goto out;
	}
	if (prune_table(c, &u, u.table, cutoff, events, err, errlen) != 0 ||
	    prune_table(c, &u, u.rejects, cutoff, rejects, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	clickhouse_close(c);
	return rc;
}
