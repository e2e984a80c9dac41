/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_fields.c — common/fields.def against what is made from it and what
 * is still written by hand. schema.sql (by hand) declares exactly its
 * stored columns (names, order, types, NOT NULL). The beacon parser reads
 * its rules from the table, so each row is checked for what the parser
 * does with it: the error text of a broken rule, the bounds, the member a
 * valid value lands in, an IBAN refused for FK_NAME, which event types
 * require it — and nothing else required. The stores' column lists and
 * ClickHouse's CREATE TABLE come from the same rows, in the same order.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "beacon.h"
#include "chtable.h"
#include "fields.h"
#include "schema_sql.h"

struct row {
	const char *column, *wire, *rule;
	enum field_store store;
	enum field_kind kind;
	unsigned classes;
	size_t min, max;
	int64_t lo, hi;
	unsigned required;
	size_t offset;
};

static const struct row rows[] = {
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) \
	{ #column, wire, rule, store, kind, classes, min, max, lo, hi, required, offsetof(struct event, member) },
#include "fields.def"
#undef EVENT_FIELD
};
#define NROWS (sizeof rows / sizeof rows[0])

static void test_sqlite_columns_are_schema_sql(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t r = 0;

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, schema_sql, NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\" FROM pragma_table_info('events') WHERE name != 'id' "
	                         "ORDER BY cid", -1, &st, NULL) == SQLITE_OK);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char decl[64];

		while (r < NROWS && rows[r].store == FS_NONE)
			r++;
		CHECK(r < NROWS);
		if (r >= NROWS)
			break;
		snprintf(decl, sizeof decl, "%s%s", sqlite3_column_text(st, 1),
		         sqlite3_column_int(st, 2) ? " NOT NULL" : "");
		CHECK_STR(name, rows[r].column);
		CHECK_STR(decl, fields_sqlite_type(rows[r].store));
		r++;
	}
	while (r < NROWS && rows[r].store == FS_NONE)
		r++;
	CHECK_INT(r, NROWS); /* every stored field is a column */
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A valid value of row f as JSON ("…" or a number). */
static void valid_json(const struct row *f, char *out, size_t outlen)
{
	char s[128];
	size_t n = f->min ? f->min : 1;

	switch (f->kind) {
	case FK_INT:
		snprintf(out, outlen, "%lld", (long long)f->lo);
		return;
	case FK_PATTERN:
	case FK_SITE:
		memset(s, (f->classes & FC_LOWER) ? 'a' : 'A', n);
		s[n] = '\0';
		break;
	case FK_URL:
	case FK_REF:
	case FK_HREF:
		snprintf(s, sizeof s, "https://example.org/a");
		break;
	case FK_MESSAGE:
		snprintf(s, sizeof s, "TypeError");
		break;
	case FK_TYPE:
		snprintf(s, sizeof s, "pageview");
		break;
	default:
		snprintf(s, sizeof s, "x");
	}
	snprintf(out, outlen, "\"%s\"", s);
}

/*
 * Parses {"site":"s","type":TYPE,"url":"https://example.org/a", extra}.
 * Returns 1 when accepted (*ev set), 0 when refused (err set).
 */
static int parse_one(const char *type, const char *extra, struct beacon_batch *b, const struct event **ev,
                     char *err, size_t errlen)
{
	char body[4096], e[256];

	snprintf(body, sizeof body, "{\"site\":\"s\",\"type\":\"%s\",\"url\":\"https://example.org/a\"%s%s}", type,
	         extra[0] ? "," : "", extra);
	beacon_batch_free(b);
	if (beacon_parse_body(body, strlen(body), b, e, sizeof e) != BEACON_OK) {
		snprintf(err, errlen, "%s", e);
		return 0;
	}
	if (b->n_events == 1) {
		*ev = &b->events[0];
		return 1;
	}
	snprintf(err, errlen, "%s", b->n_rejects ? b->rejects[0].error : "");
	return 0;
}

/* The value with the rule broken is refused with "wire: rule". */
static void refused_by_rule(const struct row *f, const char *json, struct beacon_batch *b)
{
	char extra[512], err[256], want[256];
	const struct event *ev;

	snprintf(extra, sizeof extra, "\"%s\":%s", f->wire, json);
	snprintf(want, sizeof want, "%s: %s", f->wire, f->rule);
	if (parse_one("pageview", extra, b, &ev, err, sizeof err) || strcmp(err, want) != 0) {
		printf("  %s = %.60s: got \"%s\", want \"%s\"\n", f->wire, json, err, want);
		CHECK(0);
	}
}

static void test_beacon_rules_are_the_table(void)
{
	struct beacon_batch b;
	char json[512];
	const struct event *ev;
	char err[256];

	memset(&b, 0, sizeof b);
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *f = &rows[i];

		if (f->kind == FK_NONE || f->kind == FK_SITE || f->kind == FK_TYPE || f->kind == FK_URL)
			continue;
		switch (f->kind) {
		case FK_INT:
			if (f->hi < INT64_MAX) {
				snprintf(json, sizeof json, "%lld", (long long)f->hi + 1);
				refused_by_rule(f, json, &b);
			}
			snprintf(json, sizeof json, "%lld", (long long)f->lo - 1);
			refused_by_rule(f, json, &b);
			refused_by_rule(f, "\"1\"", &b);
			/* Both bounds pass and land in the member. */
			for (int k = 0; k < 2; k++) {
				int64_t v = k ? f->hi : f->lo, got;
				char extra[128];

				snprintf(extra, sizeof extra, "\"%s\":%lld", f->wire, (long long)v);
				CHECK(parse_one("pageview", extra, &b, &ev, err, sizeof err));
				if (b.n_events == 1) {
					memcpy(&got, (const char *)ev + f->offset, sizeof got);
					CHECK_INT(got, v);
				}
			}
			break;
		case FK_PATTERN: {
			char extra[600], s[128];
			const char *got = NULL;

			memset(s, 'a', f->max + 1);
			s[f->max + 1] = '\0';
			snprintf(json, sizeof json, "\"%s\"", s);
			refused_by_rule(f, json, &b); /* one byte too long */
			refused_by_rule(f, "\"a!b\"", &b);
			valid_json(f, json, sizeof json);
			snprintf(extra, sizeof extra, "\"%s\":%s", f->wire, json);
			CHECK(parse_one("pageview", extra, &b, &ev, err, sizeof err));
			if (b.n_events == 1)
				memcpy(&got, (const char *)ev + f->offset, sizeof got);
			CHECK(got != NULL && strlen(got) + 2 == strlen(json) && strncmp(got, json + 1, strlen(got)) == 0);
			break;
		}
		case FK_TEXT:
		case FK_QUERY:
		case FK_MESSAGE: {
			char s[400];

			memset(s, 'b', f->max + 1);
			s[f->max + 1] = '\0';
			snprintf(json, sizeof json, "\"%s\"", s);
			refused_by_rule(f, json, &b); /* one character too long */
			refused_by_rule(f, "7", &b);
			break;
		}
		default: /* FK_REF, FK_HREF */
			refused_by_rule(f, "\"not a url\"", &b);
			refused_by_rule(f, "7", &b);
		}
	}
	beacon_batch_free(&b);
}

static void test_required_by_type_is_the_table(void)
{
	struct beacon_batch b;
	const struct event *ev;
	char err[256];

	memset(&b, 0, sizeof b);
	for (int t = 0; t < EVENT_TYPE_COUNT; t++) {
		const char *type = event_type_name((enum event_type)t);
		char all[2048] = "";
		size_t n = 0;

		/* Every field the table requires for t, beyond site, type and url. */
		for (size_t i = 0; i < NROWS; i++) {
			char v[128];

			if (!(rows[i].required & FT(t)) || rows[i].kind == FK_SITE || rows[i].kind == FK_TYPE ||
			    rows[i].kind == FK_URL)
				continue;
			valid_json(&rows[i], v, sizeof v);
			n += (size_t)snprintf(all + n, sizeof all - n, "%s\"%s\":%s", n ? "," : "", rows[i].wire, v);
		}
		/* With them all, accepted: the parser requires nothing the table does not. */
		if (!parse_one(type, all, &b, &ev, err, sizeof err)) {
			printf("  %s with {%s}: refused: %s\n", type, all, err);
			CHECK(0);
		}
		/* Without any one of them, refused naming it. */
		for (size_t i = 0; i < NROWS; i++) {
			char less[2048] = "", want[128];
			size_t m = 0;

			if (!(rows[i].required & FT(t)) || rows[i].kind == FK_SITE || rows[i].kind == FK_TYPE ||
			    rows[i].kind == FK_URL)
				continue;
			for (size_t k = 0; k < NROWS; k++) {
				char v[128];

				if (k == i || !(rows[k].required & FT(t)) || rows[k].kind == FK_SITE ||
				    rows[k].kind == FK_TYPE || rows[k].kind == FK_URL)
					continue;
				valid_json(&rows[k], v, sizeof v);
				m += (size_t)snprintf(less + m, sizeof less - m, "%s\"%s\":%s", m ? "," : "", rows[k].wire, v);
			}
			snprintf(want, sizeof want, "%s: required for %s", rows[i].wire, type);
			if (parse_one(type, less, &b, &ev, err, sizeof err) || strcmp(err, want) != 0) {
				printf("  %s without %s: got \"%s\", want \"%s\"\n", type, rows[i].wire, err, want);
				CHECK(0);
			}
		}
	}
	beacon_batch_free(&b);
}

/* An FK_NAME row refuses a value that is an IBAN as a whole (PROTOCOL.md), and only those rows. */
static void test_names_refuse_an_iban(void)
{
	struct beacon_batch b;
	const struct event *ev;
	char err[256];
	size_t names = 0;

	memset(&b, 0, sizeof b);
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *f = &rows[i];
		char extra[128], want[128];
		int accepted;

		if (f->kind != FK_NAME && f->kind != FK_PATTERN)
			continue;
		/* DE89370400440532013000 in the row's classes: upper case only where allowed. */
		snprintf(extra, sizeof extra, "\"%s\":\"%s\"", f->wire,
		         (f->classes & FC_UPPER) ? "DE89370400440532013000" : "de89370400440532013000");
		accepted = parse_one("pageview", extra, &b, &ev, err, sizeof err);
		snprintf(want, sizeof want, "%s: must not be an IBAN", f->wire);
		if (f->kind == FK_NAME) {
			names++;
			CHECK(!accepted && strcmp(err, want) == 0);
		} else if (!accepted) {
			CHECK(strstr(err, "IBAN") == NULL); /* refused by its pattern, never as an IBAN */
		}
	}
	CHECK_INT(names, 3); /* flow, field, reason */
	beacon_batch_free(&b);
}

/* Both stores write the stored rows, in table order: SQLite's INSERT and ClickHouse's columns. */
static void test_store_columns(void)
{
	char names[1024], sql[CHTABLE_SQL_MAX], want[1100];
	size_t stored = 0, o = 0;

	for (size_t i = 0; i < NROWS; i++) {
		if (rows[i].store == FS_NONE)
			continue;
		o += (size_t)snprintf(want + o, sizeof want - o, "%s%s", stored ? ", " : "", rows[i].column);
		stored++;
	}
	CHECK_INT(stored, FIELDS_STORED);
	CHECK_INT(fields_column_names(names, sizeof names), 0);
	CHECK_STR(names, want);
	CHECK_INT(chtable_create_sql(0, "events", sql, sizeof sql), 0);
	static const char head[] = "CREATE TABLE IF NOT EXISTS events (time Int64, site String, type String, path String, ";
	CHECK(strncmp(sql, head, sizeof head - 1) == 0);
	CHECK(strstr(sql, ") ENGINE = MergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(time, 1000)), 'Europe/Berlin') "
	                  "ORDER BY (site, time)") != NULL);
	CHECK_INT(chtable_create_sql(0, "events", sql, 64), -1);
}

static void test_clickhouse_columns(void)
{
	char cols[2048], small[16];
	size_t stored = 0, commas = 0;

	CHECK_INT(fields_clickhouse_columns(cols, sizeof cols), 0);
	CHECK(strncmp(cols, "time Int64, site String, type String, path String, ref Nullable(String), visit "
	              "Nullable(UInt64), ", 88) == 0);
	for (size_t i = 0; i < NROWS; i++)
		stored += rows[i].store != FS_NONE;
	for (const char *p = cols; *p; p++)
		commas += *p == ',';
	CHECK_INT(commas + 1, stored);
	CHECK(strstr(cols, ", age ") == NULL);
	CHECK(strstr(cols, "step Nullable(UInt8)") != NULL && strstr(cols, "ms Nullable(UInt32)") != NULL);
	CHECK_INT(fields_clickhouse_columns(small, sizeof small), -1);
}

int main(void)
{
	RUN(test_sqlite_columns_are_schema_sql);
	RUN(test_beacon_rules_are_the_table);
	RUN(test_required_by_type_is_the_table);
	RUN(test_names_refuse_an_iban);
	RUN(test_store_columns);
	RUN(test_clickhouse_columns);
	return test_summary("test_fields");
}
