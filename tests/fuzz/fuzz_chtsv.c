/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_chtsv.c — libFuzzer target for the TabSeparated reader
 * (common/chwire.c) that streams ClickHouse's answers. The first byte of
 * the input picks the chunk size the rest is fed in (answers arrive in
 * arbitrary pieces). Every row passed on has 1..64 fields, NUL-terminated
 * and inside one row of at most CHWIRE_ROW_MAX bytes; the rows are written
 * back in TabSeparated and must read again to the same rows, whatever the
 * chunk size; a refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chwire.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rows re-encoded as TabSeparated (bounded: a few times the input). */
struct out {
	char *p;
	size_t len, cap;
	uint64_t rows;
};

static void put(struct out *o, const char *s, size_t n)
{
	REQUIRE(o->len + n <= o->cap);
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static int encode(void *ctx, const struct chwire_field *f, size_t n)
{
	struct out *o = ctx;

	REQUIRE(n >= 1 && n <= CHWIRE_MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(o, "\t", 1);
		if (f[i].s == NULL) {
			put(o, "\\N", 2);
			continue;
		}
		REQUIRE(f[i].n < CHWIRE_ROW_MAX && f[i].s[f[i].n] == '\0');
		for (size_t k = 0; k < f[i].n; k++) {
			char c = f[i].s[k];
			if (c == '\\')
				put(o, "\\\\", 2);
			else if (c == '\t')
				put(o, "\\t", 2);
			else if (c == '\n')
				put(o, "\\n", 2);
			else
				put(o, &c, 1);
		}
	}
	put(o, "\n", 1);
	o->rows++;
	return 0;
}

/* Reads in in chunks of chunk bytes into o. Returns feed/finish's 0 or -1. */
static int read_all(const char *in, size_t n, size_t chunk, struct out *o, struct chwire_tsv *t)
{
	int rc = 0;

	chwire_tsv_init(t, encode, o);
	for (size_t i = 0; i < n && rc == 0; i += chunk)
		rc = chwire_tsv_feed(t, in + i, n - i < chunk ? n - i : chunk);
	if (rc == 0)
		rc = chwire_tsv_finish(t);
	REQUIRE(rc == 0 || t->why[0] != '\0');
	REQUIRE(t->rows == o->rows);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chwire_tsv t;
	struct out first, second;
	size_t chunk;
	int rc;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	/* An escape never grows: re-encoded rows take at most twice the input. */
	first.cap = second.cap = 2 * size + 16;
	first.p = malloc(first.cap);
	second.p = malloc(second.cap);
	first.len = second.len = 0;
	first.rows = second.rows = 0;
	if (first.p == NULL || second.p == NULL)
		goto out;
	rc = read_all((const char *)data, size, chunk, &first, &t);
	chwire_tsv_free(&t);
	if (rc == 0) {
		/* What was read, written back, reads the same in one piece. */
		REQUIRE(read_all(first.p, first.len, first.len ? first.len : 1, &second, &t) == 0);
		chwire_tsv_free(&t);
		REQUIRE(second.rows == first.rows && second.len == first.len);
		REQUIRE(memcmp(first.p, second.p, first.len) == 0);
	}
out:
	free(first.p);
	free(second.p);
	return 0;
}
