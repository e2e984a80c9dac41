/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvout.c — the cell writer behind csvout.h. Numbers are formatted in the
 * C locale and their point replaced, so the process locale never leaks in.
 * Cells that need no quoting are written as they are; all others go through
 * libcsv's csv_fwrite (which doubles quotes and encloses the cell).
 */
#include "csvout.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

int csvout_open(struct csvout *c, const char *dir, const char *name, enum csv_dialect dialect,
                char *err, size_t errlen)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);

	memset(c, 0, sizeof *c);
	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(err, errlen, "%s: output path too long", name);
		return -1;
	}
	c->f = fopen(path, "wb");
	if (c->f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	c->dialect = dialect;
	c->at_row_start = 1;
	if (dialect == CSV_EXCEL)
		fputs("\xEF\xBB\xBF", c->f);
	return 0;
}

static void separator(struct csvout *c)
{
	if (!c->at_row_start)
		fputc(c->dialect == CSV_EXCEL ? ';' : ',', c->f);
	c->at_row_start = 0;
}

static int needs_quotes(const char *s, char delim)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return 1;
	for (const char *p = s; *p; p++) {
		if (*p == delim || *p == '"' || *p == '\r' || *p == '\n')
			return 1;
	}
	return 0;
}

void csvout_text(struct csvout *c, const char *s)
{
	char buf[1024];
	const char *cell = s;

	separator(c);
	if (s == NULL || s[0] == '\0')
		return;
	if (c->dialect == CSV_EXCEL && strchr("=+-@\t\r", s[0]) != NULL) {
		size_t n = strlen(s);

		if (n + 2 <= sizeof buf) {
			buf[0] = '\'';
			memcpy(buf + 1, s, n + 1);
			cell = buf;
		} else {
			/* Longer than any stored text can be; still guarded, just cut. */
			buf[0] = '\'';
			memcpy(buf + 1, s, sizeof buf - 2);
			buf[sizeof buf - 1] = '\0';
			cell = buf;
		}
	}
	if (needs_quotes(cell, c->dialect == CSV_EXCEL ? ';' : ','))
		csv_fwrite(c->f, cell, strlen(cell));
	else
		fputs(cell, c->f);
}

void csvout_uint(struct csvout *c, uint64_t v)
{
	separator(c);
	fprintf(c->f, "%" PRIu64, v);
}

void csvout_format_num(char *out, size_t outlen, double v, int decimals, int comma)
{
	if (isnan(v) || isinf(v)) {
		out[0] = '\0';
		return;
	}
	snprintf(out, outlen, "%.*f", decimals, v);
	if (out[0] == '-' && out[1 + strspn(out + 1, "0.")] == '\0')
		memmove(out, out + 1, strlen(out)); /* -0.04 rounds to "0.0", not "-0.0" */
	if (comma) {
		char *dot = strchr(out, '.');

		if (dot != NULL)
			*dot = ',';
	}
}

void csvout_format_count(char *out, size_t outlen, uint64_t v, int german)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 1 < outlen; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			out[o++] = german ? '.' : ',';
			if (o + 1 >= outlen)
				break;
		}
		out[o++] = digits[i];
	}
	if (outlen > 0)
		out[o] = '\0';
}

void csvout_num(struct csvout *c, double v, int decimals)
{
	char buf[64];

	separator(c);
	csvout_format_num(buf, sizeof buf, v, decimals, c->dialect == CSV_EXCEL);
	fputs(buf, c->f);
}

void csvout_empty(struct csvout *c)
{
	separator(c);
}

void csvout_end_row(struct csvout *c)
{
	fputs("\r\n", c->f);
	c->at_row_start = 1;
}

void csvout_header(struct csvout *c, const char *const *cols)
{
	for (size_t i = 0; cols[i] != NULL; i++)
		csvout_text(c, cols[i]);
	csvout_end_row(c);
}

int csvout_close(struct csvout *c, const char *name, char *err, size_t errlen)
{
	int bad;

	if (c->f == NULL)
		return 0;
	bad = ferror(c->f);
	if (fclose(c->f) != 0)
		bad = 1;
	c->f = NULL;
	if (bad) {
		snprintf(err, errlen, "%s: write failed: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}
