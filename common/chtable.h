/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chtable.h — Lotse's two tables on ClickHouse: events (its columns made
 * from fields.def) and rejects, their CREATE statements, and the check
 * that a table that exists has those columns with those types, which
 * RowBinary inserts and the reporter's queries rely on. Shared by the
 * collector's store and the reporter; knows nothing else of either.
 */
#ifndef LOTSE_CHTABLE_H
#define LOTSE_CHTABLE_H

#include <stddef.h>

#include "churl.h"
#include "clickhouse.h"

#define CHTABLE_SQL_MAX 2048
#define CHTABLE_ENGINE_MAX 64

/* A local month of Europe/Berlin of a column time (UTC ms): the partition key. */
#define CHTABLE_MONTH "toYYYYMM(toDateTime(intDiv(time, 1000)), 'Europe/Berlin')"

/* The rejects table's columns, in order: "time, reason, site, type, path". */
extern const char chtable_reject_columns[];

/*
 * Writes "CREATE TABLE IF NOT EXISTS NAME (…) ENGINE = MergeTree() …" of
 * the events table (rejects 0) or the rejects table (rejects 1) into out
 * (outlen bytes). name is a checked identifier (churl.h). Returns 0, or -1
 * when out is too small.
 */
int chtable_create_sql(int rejects, const char *name, char *out, size_t outlen);

/*
 * Checks url's events and rejects tables on c: each must exist (created
 * with chtable_create_sql first when create is set and it is absent) and
 * hold every column Lotse writes with its exact type (more columns are
 * allowed). engine (enginelen bytes, may be NULL) gets the events table's
 * engine ("MergeTree", "Distributed", …). Returns 0, or -1 with a
 * one-line reason in err naming the table and, for a column, what to do.
 */
int chtable_check(struct clickhouse *c, const struct churl *url, int create, char *engine, size_t enginelen,
                  char *err, size_t errlen);

#endif
