/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ch_client_check.c — drives the ClickHouse client (common/clickhouse.c)
 * against a real server for tests/clickhouse/test_client.py, which starts
 * the server and reads what this prints. Modes:
 *   URL roundtrip [create] [SETTINGS]  hostile strings into the URL's table
 *                                      as RowBinary, read back as
 *                                      TabSeparated, compared byte for byte
 *   URL refusal                        a query ClickHouse refuses
 *   URL timeout MS                     a request that must fail within MS
 *   URL ping
 *   ddl                                the events columns from fields.def
 * Prints "ok …" and exits 0, or prints why and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clickhouse.h"
#include "fields.h"

#define NSTR 300

struct sample {
	char *s;
	size_t n;
	int null;     /* the Nullable column is NULL */
	int64_t t;
};

static struct sample samples[NSTR];
static size_t nsamples;

/* A deterministic generator, so a failure repeats. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void add(const char *s, size_t n)
{
	struct sample *x = &samples[nsamples];

	x->s = malloc(n + 1);
	if (x->s == NULL) {
		printf("out of memory\n");
		exit(1);
	}
	memcpy(x->s, s, n);
	x->s[n] = '\0';
	x->n = n;
	x->null = nsamples % 3 == 1;
	x->t = (int64_t)(next() >> 1) * (nsamples % 2 ? -1 : 1);
	nsamples++;
}

/* Strings a hostile page could make us store, every single byte, long and random ones. */
static void make_samples(void)
{
	static const char *const hostile[] = {
		"", "\\", "\\N", "\t", "\n", "\r\n", "'", "\"", "a\tb\nc\\d'e\"f", "\\t\\n literal",
		"Grüße aus Gladbeck – Straße", "日本語", "😀 emoji", "\xe2\x80\xae rtl override",
		"'); DROP TABLE events; --", "=HYPERLINK(\"x\")", "<script>alert(1)</script>",
		"\x01\x02\x7f", "ends with backslash\\", "\\x41 not an escape",
	};
	char buf[70000];

	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
		add(hostile[i], strlen(hostile[i]));
	add("nul\0inside", 10);
	for (int b = 0; b < 256; b++) {
		char c = (char)b;
		add(&c, 1);
	}
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(next() & 0xff);
	add(buf, sizeof buf);
	for (int k = 0; k < 10 && nsamples < NSTR; k++) {
		size_t n = next() % 200;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(next() & 0xff);
		add(buf, n);
	}
}

struct readback {
	size_t rows;
	int bad;
};

static int same(const struct chwire_field *f, const char *s, size_t n)
{
	return f->s != NULL && f->n == n && memcmp(f->s, s, n) == 0;
}

static int check_row(void *ctx, const struct chwire_field *f, size_t n)
{
	struct readback *rb = ctx;
	unsigned long i;
	const struct sample *x;
	char t[32];

	if (n != 4 || f[0].s == NULL || sscanf(f[0].s, "%lu", &i) != 1 || i >= nsamples || i != rb->rows) {
		printf("row %zu: unexpected shape (%zu fields)\n", rb->rows, n);
		rb->bad++;
		return -1;
	}
	x = &samples[i];
	snprintf(t, sizeof t, "%lld", (long long)x->t);
	if (!same(&f[1], x->s, x->n) || (x->null ? f[2].s != NULL : !same(&f[2], x->s, x->n)) ||
	    !same(&f[3], t, strlen(t))) {
		printf("row %lu: read back differs (%zu bytes sent, %zu read)\n", i, x->n, f[1].n);
		rb->bad++;
	}
	rb->rows++;
	return 0;
}

static int count_of(void *ctx, const struct chwire_field *f, size_t n)
{
	long *out = ctx;

	if (n != 1 || f[0].s == NULL)
		return -1;
	*out = strtol(f[0].s, NULL, 10);
	return 0;
}

static int roundtrip(struct clickhouse *c, const struct churl *u, int create, const char *settings)
{
	struct chwire_buf b;
	struct readback rb = { 0, 0 };
	char sql[512], lit[1024];
	int rc = 1;

	make_samples();
	chwire_buf_init(&b, (size_t)16 << 20);
	if (create) {
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", u->table);
		if (clickhouse_query(c, sql, NULL, NULL, NULL) != 0)
			goto fail;
		snprintf(sql, sizeof sql,
		         "CREATE TABLE %s (i UInt32, s String, n Nullable(String), t Int64) "
		         "ENGINE = MergeTree() ORDER BY i", u->table);
		if (clickhouse_query(c, sql, NULL, NULL, NULL) != 0)
			goto fail;
	}
	for (size_t i = 0; i < nsamples; i++) {
		chwire_put_uint32(&b, (uint32_t)i);
		chwire_put_string(&b, samples[i].s, samples[i].n);
		if (samples[i].null) {
			chwire_put_null(&b);
		} else {
			chwire_put_notnull(&b);
			chwire_put_string(&b, samples[i].s, samples[i].n);
		}
		chwire_put_int64(&b, samples[i].t);
	}
	if (b.failed) {
		printf("the RowBinary buffer failed\n");
		goto out;
	}
	snprintf(sql, sizeof sql, "INSERT INTO %s (i, s, n, t) FORMAT RowBinary", u->table);
	if (clickhouse_insert(c, sql, settings, b.p, b.len) != 0)
		goto fail;
	snprintf(sql, sizeof sql, "SELECT i, s, n, t FROM %s ORDER BY i FORMAT TabSeparated", u->table);
	if (clickhouse_query(c, sql, NULL, check_row, &rb) != 0)
		goto fail;
	if (rb.bad || rb.rows != nsamples) {
		printf("%d rows differ, %zu of %zu read\n", rb.bad, rb.rows, nsamples);
		goto out;
	}
	/* Literals: each short sample, quoted into SQL, finds its own row. */
	for (size_t i = 0; i < nsamples; i++) {
		long n = -1;
		char q[sizeof lit + CHURL_NAME_MAX + 160];

		if (chwire_quote(samples[i].s, samples[i].n, lit, sizeof lit) < 0)
			continue; /* only the 70 KB one */
		snprintf(q, sizeof q, "SELECT count() FROM %s WHERE s = %s AND i = %zu FORMAT TabSeparated", u->table,
		         lit, i);
		if (clickhouse_query(c, q, NULL, count_of, &n) != 0)
			goto fail;
		if (n != 1) {
			printf("sample %zu: its literal found %ld rows\n", i, n);
			goto out;
		}
	}
	printf("ok %zu rows, %zu bytes of RowBinary\n", rb.rows, b.len);
	rc = 0;
	goto out;
fail:
	printf("failed: status %ld: %s\n", clickhouse_status(c), clickhouse_error(c));
out:
	chwire_buf_free(&b);
	for (size_t i = 0; i < nsamples; i++)
		free(samples[i].s);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct churl u;
	struct clickhouse *c = NULL;
	char err[300];
	long timeout_ms = 10000;
	int rc = 1;

	if (argc == 2 && strcmp(argv[1], "ddl") == 0) {
		char cols[2048];

		if (fields_clickhouse_columns(cols, sizeof cols) != 0)
			return 1;
		printf("%s\n", cols);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s URL roundtrip|refusal|timeout|ping …\n", argv[0]);
		return 2;
	}
	if (churl_parse(argv[1], strlen(argv[1]), &u, err, sizeof err) != 0) {
		printf("%s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "timeout") == 0 && argc > 3)
		timeout_ms = strtol(argv[3], NULL, 10);
	if (clickhouse_open(&u, timeout_ms, &c, err, sizeof err) != 0) {
		printf("open: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "roundtrip") == 0) {
		int create = argc > 3 && strcmp(argv[3], "create") == 0;
		rc = roundtrip(c, &u, create, argc > 3 + create ? argv[3 + create] : NULL);
	} else if (strcmp(argv[2], "refusal") == 0) {
		if (clickhouse_query(c, "SELECT no_such_function(1) FORMAT TabSeparated", NULL, NULL, NULL) == 0) {
			printf("accepted\n");
		} else {
			printf("refused: status %ld: %s\n", clickhouse_status(c), clickhouse_error(c));
			rc = 0;
		}
	} else if (strcmp(argv[2], "timeout") == 0) {
		double t0 = now_s();
		int q = clickhouse_query(c, "SELECT 1 FORMAT TabSeparated", NULL, NULL, NULL);
		printf("%s after %.2f s: status %ld: %s\n", q == 0 ? "answered" : "failed", now_s() - t0,
		       clickhouse_status(c), clickhouse_error(c));
		rc = q == 0;
	} else if (strcmp(argv[2], "ping") == 0) {
		rc = clickhouse_ping(c) != 0;
		printf("%s %s\n", rc ? "failed" : "ok", clickhouse_error(c));
	}
	clickhouse_close(c);
	return rc;
}
