/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chtable.c — the tables of chtable.h. Events are partitioned by local
 * month (pruning drops whole months) and ordered by (site, time), so that
 * one site's period is one range of the primary key. Existence and
 * columns are read from system.tables and system.columns (both in 18.16);
 * the names in those queries are churl.h's checked identifiers.
 */
#include "chtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

#define MAX_COLUMNS 256
#define TYPE_MAX 128

const char chtable_reject_columns[] = "time, reason, site, type, path";

struct column {
	const char *name, *type;
};

static const struct column reject_cols[] = {
	{ "time", "Int64" }, { "reason", "String" }, { "site", "Nullable(String)" },
	{ "type", "Nullable(String)" }, { "path", "Nullable(String)" },
};

int chtable_create_sql(int rejects, const char *name, char *out, size_t outlen)
{
	char cols[1024];
	int n;

	if (rejects) {
		n = snprintf(out, outlen,
		             "CREATE TABLE IF NOT EXISTS %s (time Int64, reason String, site Nullable(String), "
		             "type Nullable(String), path Nullable(String)) ENGINE = MergeTree() "
		             "PARTITION BY " CHTABLE_MONTH " ORDER BY time", name);
	} else {
		if (fields_clickhouse_columns(cols, sizeof cols) != 0)
			return -1;
		n = snprintf(out, outlen,
		             "CREATE TABLE IF NOT EXISTS %s (%s) ENGINE = MergeTree() "
		             "PARTITION BY " CHTABLE_MONTH " ORDER BY (site, time)", name, cols);
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* The columns of a table as system.columns lists them. */
struct seen {
	size_t n;
	char name[MAX_COLUMNS][CHURL_NAME_MAX + 1];
	char type[MAX_COLUMNS][TYPE_MAX];
	char engine[CHTABLE_ENGINE_MAX];
	int tables;
};

static int on_column(void *ctx, const struct chwire_field *f, size_t n)
{
	struct seen *s = ctx;

	if (n != 2 || f[0].s == NULL || f[1].s == NULL || s->n == MAX_COLUMNS)
		return -1;
	snprintf(s->name[s->n], sizeof s->name[s->n], "%s", f[0].s);
	snprintf(s->type[s->n], sizeof s->type[s->n], "%s", f[1].s);
	s->n++;
	return 0;
}

static int on_table(void *ctx, const struct chwire_field *f, size_t n)
{
	struct seen *s = ctx;

	if (n != 1 || f[0].s == NULL)
		return -1;
	snprintf(s->engine, sizeof s->engine, "%s", f[0].s);
	s->tables++;
	return 0;
}

/* Reads whether db.name exists (s->tables), its engine and its columns. Returns 0 or -1. */
static int describe(struct clickhouse *c, const char *db, const char *name, struct seen *s, char *err,
                    size_t errlen)
{
	char sql[512];

	memset(s, 0, sizeof *s);
	snprintf(sql, sizeof sql,
	         "SELECT engine FROM system.tables WHERE database = '%s' AND name = '%s' FORMAT TabSeparated", db,
	         name);
	if (clickhouse_query(c, sql, NULL, on_table, s) != 0) {
		snprintf(err, errlen, "%s", clickhouse_error(c));
		return -1;
	}
	if (s->tables == 0)
		return 0;
	snprintf(sql, sizeof sql,
	         "SELECT name, type FROM system.columns WHERE database = '%s' AND table = '%s' FORMAT TabSeparated",
	         db, name);
	if (clickhouse_query(c, sql, NULL, on_column, s) != 0) {
		snprintf(err, errlen, "%s", clickhouse_error(c));
		return -1;
	}
	return 0;
}

/* Finds every wanted column with its type in s. Returns 0, or -1 with err saying what to do. */
static int compare(const struct seen *s, const struct column *want, size_t nwant, const char *db,
                   const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < nwant; i++) {
		size_t k = 0;

		while (k < s->n && strcmp(s->name[k], want[i].name) != 0)
			k++;
		if (k == s->n) {
			snprintf(err, errlen, "ClickHouse table %s.%s has no column %s: add it with "
			         "ALTER TABLE %s.%s ADD COLUMN %s %s", db, name, want[i].name, db, name, want[i].name,
			         want[i].type);
			return -1;
		}
		if (strcmp(s->type[k], want[i].type) != 0) {
			snprintf(err, errlen, "ClickHouse table %s.%s: column %s is %s, Lotse writes %s "
			         "(common/fields.def)", db, name, want[i].name, s->type[k], want[i].type);
			return -1;
		}
	}
	return 0;
}

/* Checks (and with create, makes) one table. Returns 0 or -1. */
static int check_table(struct clickhouse *c, const char *db, const char *name, int rejects, int create,
                       char *engine, size_t enginelen, char *err, size_t errlen)
{
	struct column want[FIELD_COUNT];
	size_t nwant = 0;
	struct seen *s = calloc(1, sizeof *s); /* 50 KB: not on the stack */
	char sql[CHTABLE_SQL_MAX];
	int rc = -1;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}

	if (rejects) {
		memcpy(want, reject_cols, sizeof reject_cols);
		nwant = sizeof reject_cols / sizeof reject_cols[0];
	} else {
		for (size_t i = 0; i < FIELD_COUNT; i++) {
			if (fields_table[i].store == FS_NONE)
				continue;
			want[nwant].name = fields_table[i].column;
			want[nwant].type = fields_clickhouse_type(fields_table[i].store);
			nwant++;
		}
	}
	if (describe(c, db, name, s, err, errlen) != 0)
		goto out;
	if (s->tables == 0) {
		if (!create) {
			snprintf(err, errlen, "ClickHouse table %s.%s does not exist (the collector creates it)", db,
			         name);
			goto out;
		}
		if (chtable_create_sql(rejects, name, sql, sizeof sql) != 0 ||
		    clickhouse_query(c, sql, NULL, NULL, NULL) != 0) {
			snprintf(err, errlen, "cannot create ClickHouse table %s.%s: %s", db, name, clickhouse_error(c));
			goto out;
		}
		if (describe(c, db, name, s, err, errlen) != 0)
			goto out;
	}
	if (compare(s, want, nwant, db, name, err, errlen) != 0)
		goto out;
	if (engine != NULL)
		snprintf(engine, enginelen, "%s", s->engine);
	rc = 0;
out:
	free(s);
	return rc;
}

int chtable_check(struct clickhouse *c, const struct churl *url, int create, char *engine, size_t enginelen,
                  char *err, size_t errlen)
{
	if (check_table(c, url->database, url->table, 0, create, engine, enginelen, err, errlen) != 0)
		return -1;
	return check_table(c, url->database, url->rejects, 1, create, NULL, 0, err, errlen);
}
