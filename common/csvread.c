/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvread.c — the libcsv loop behind csvread_file: feeds the file line by line
 * so that each row knows its line, collects fields into bounded buffers, and
 * stops at the first error. Writes nothing.
 */
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	csvread_row_fn fn;
	void *ctx;
	char *fields[CSVREAD_MAX_FIELDS];
	size_t n;
	unsigned line;
	int failed;
	char why[256];
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->failed)
		return;
	if (r->n == CSVREAD_MAX_FIELDS) {
		snprintf(r->why, sizeof r->why, "more than %d fields", CSVREAD_MAX_FIELDS);
		r->failed = 1;
		return;
	}
	if (len >= CSVREAD_MAX_FIELD) {
		snprintf(r->why, sizeof r->why, "field longer than %d bytes", CSVREAD_MAX_FIELD - 1);
		r->failed = 1;
		return;
	}
	if (len > 0 && memchr(s, 0, len) != NULL) {
		snprintf(r->why, sizeof r->why, "NUL byte in field");
		r->failed = 1;
		return;
	}
	char *f = malloc(len + 1);
	if (f == NULL) {
		snprintf(r->why, sizeof r->why, "out of memory");
		r->failed = 1;
		return;
	}
	if (len > 0)
		memcpy(f, s, len);
	f[len] = '\0';
	r->fields[r->n++] = f;
}

static void clear_fields(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (!r->failed && r->n > 0 && r->fn(r->ctx, r->fields, r->n, r->line, r->why, sizeof r->why) != 0)
		r->failed = 1;
	clear_fields(r);
}

int csvread_file(const char *path, csvread_row_fn fn, void *ctx, char *err, size_t errlen)
{
	struct csv_parser p;
	struct reader r = { .fn = fn, .ctx = ctx };
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int rc = -1;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_file;
	}
	while (!r.failed && (got = getline(&line, &cap, f)) > 0) {
		r.line++;
		/* A UTF-8 byte order mark (Excel writes one) is not part of the first field. */
		size_t skip = (r.line == 1 && got >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
		if (csv_parse(&p, line + skip, (size_t)got - skip, on_field, on_row, &r) != (size_t)got - skip) {
			snprintf(r.why, sizeof r.why, "%s", csv_strerror(csv_error(&p)));
			r.failed = 1;
		}
	}
	if (!r.failed && ferror(f)) {
		snprintf(r.why, sizeof r.why, "%s", strerror(errno));
		r.failed = 1;
	}
	if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0) {
		snprintf(r.why, sizeof r.why, "%s", csv_strerror(csv_error(&p)));
		r.failed = 1;
	}
	clear_fields(&r);
	csv_free(&p);
	if (r.failed)
		snprintf(err, errlen, "%s:%u: %s", path, r.line, r.why);
	else
		rc = 0;
out_file:
	free(line);
	fclose(f);
	return rc;
}
