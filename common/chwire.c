/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chwire.c — the formats of chwire.h. The reader is a byte-at-a-time state
 * machine over whatever chunks the network delivers, so an escape split
 * across two chunks needs no lookahead; it unescapes into one row buffer
 * that grows by doubling up to CHWIRE_ROW_MAX. ClickHouse writes a row as
 * fields joined by tabs and ended by a newline, with tab, newline and
 * backslash (and a few more) escaped by a backslash, and NULL as \N.
 */
#include "chwire.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"

/* ---- TabSeparated reader ------------------------------------------------ */

void chwire_tsv_init(struct chwire_tsv *t, chwire_row_fn fn, void *ctx)
{
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->ctx = ctx;
}

void chwire_tsv_free(struct chwire_tsv *t)
{
	free(t->buf);
	t->buf = NULL;
	t->cap = t->len = 0;
}

static int fail(struct chwire_tsv *t, const char *why)
{
	if (!t->failed)
		snprintf(t->why, sizeof t->why, "%s", why);
	t->failed = 1;
	return -1;
}

/* Appends one unescaped byte to the row. Returns 0 or -1. */
static int push(struct chwire_tsv *t, char c)
{
	if (t->len + 1 >= t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 4096;
		char *nb;

		if (nc > CHWIRE_ROW_MAX + 1)
			nc = CHWIRE_ROW_MAX + 1;
		if (t->len + 1 >= nc)
			return fail(t, "a row longer than 1 MiB");
		nb = realloc(t->buf, nc);
		if (nb == NULL)
			return fail(t, "out of memory");
		t->buf = nb;
		t->cap = nc;
	}
	t->buf[t->len++] = c;
	return 0;
}

/* Opens the row's next field at the current position. Returns 0 or -1. */
static int open_field(struct chwire_tsv *t)
{
	if (t->nfields == CHWIRE_MAX_FIELDS)
		return fail(t, "a row with more than 64 fields");
	t->start[t->nfields] = t->len;
	t->null[t->nfields] = 0;
	t->nfields++;
	t->field_escaped = 0;
	return 0;
}

/* Ends the current field with a NUL (not part of the value). */
static int close_field(struct chwire_tsv *t)
{
	return push(t, '\0');
}

/* Hands the complete row to the callback and empties the buffer. */
static int emit_row(struct chwire_tsv *t)
{
	struct chwire_field f[CHWIRE_MAX_FIELDS];

	assert(t->nfields >= 1 && t->nfields <= CHWIRE_MAX_FIELDS);
	for (size_t i = 0; i < t->nfields; i++) {
		size_t end = i + 1 < t->nfields ? t->start[i + 1] - 1 : t->len - 1;

		assert(t->buf[end] == '\0');
		f[i].s = t->null[i] ? NULL : t->buf + t->start[i];
		f[i].n = t->null[i] ? 0 : end - t->start[i];
	}
	if (t->fn(t->ctx, f, t->nfields) != 0)
		return fail(t, "stopped by the row callback");
	t->rows++;
	t->len = 0;
	t->nfields = 0;
	return 0;
}

/* The byte an escape \c stands for (ClickHouse's readEscapedString). */
static char unescape(char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '0': return '\0';
	case 'a': return '\a';
	case 'v': return '\v';
	default: return c;
	}
}

/* One byte of an escape sequence (t->esc > 0). */
static int escaped_byte(struct chwire_tsv *t, char c)
{
	int h;

	if (t->esc == 1) {
		if (c == 'x') {
			t->esc = 2;
			t->hex = 0;
			return 0;
		}
		t->esc = 0;
		if (c == 'N') {
			/* NULL: \N alone in its field, nothing before it. */
			if (t->len != t->start[t->nfields - 1] || t->field_escaped)
				return fail(t, "\\N inside a field");
			t->null[t->nfields - 1] = 1;
			t->field_escaped = 1;
			return 0;
		}
		t->field_escaped = 1;
		if (t->null[t->nfields - 1])
			return fail(t, "\\N inside a field");
		return push(t, unescape(c));
	}
	h = ascii_hex_value((unsigned char)c);
	if (h < 0)
		return fail(t, "a bad \\x escape");
	t->hex = t->hex * 16 + (unsigned)h;
	if (t->esc == 2) {
		t->esc = 3;
		return 0;
	}
	t->esc = 0;
	t->field_escaped = 1;
	if (t->null[t->nfields - 1])
		return fail(t, "\\N inside a field");
	return push(t, (char)t->hex);
}

int chwire_tsv_feed(struct chwire_tsv *t, const char *data, size_t n)
{
	if (t->failed)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (t->nfields == 0 && open_field(t) != 0)
			return -1;
		if (t->esc) {
			if (escaped_byte(t, c) != 0)
				return -1;
			continue;
		}
		switch (c) {
		case '\\':
			t->esc = 1;
			break;
		case '\t':
			if (close_field(t) != 0 || open_field(t) != 0)
				return -1;
			break;
		case '\n':
			if (close_field(t) != 0 || emit_row(t) != 0)
				return -1;
			break;
		default:
			if (t->null[t->nfields - 1])
				return fail(t, "\\N inside a field");
			if (push(t, c) != 0)
				return -1;
		}
	}
	return 0;
}

int chwire_tsv_finish(struct chwire_tsv *t)
{
	if (t->failed)
		return -1;
	if (t->nfields != 0 || t->esc)
		return fail(t, "the answer ends inside a row");
	return 0;
}

/* ---- arrays inside a TabSeparated field ------------------------------------ */

void chwire_array_init(struct chwire_array *a)
{
	memset(a, 0, sizeof *a);
}

void chwire_array_free(struct chwire_array *a)
{
	free(a->ints);
	free(a->text);
	free(a->offs);
	memset(a, 0, sizeof *a);
}

void chwire_array_clear_strings(struct chwire_array *a)
{
	a->text_len = 0;
	a->noffs = 0;
}

/*
 * arr with room for need elements of size elem (*cap allocated): arr
 * itself, or reallocated to a power of two at least need, *cap updated.
 * NULL when out of memory (arr is then unchanged and still the caller's).
 */
static void *room_for(void *arr, size_t *cap, size_t need, size_t elem)
{
	size_t nc = *cap ? *cap : 16;
	void *na;

	if (need <= *cap)
		return arr;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return NULL;
		nc *= 2;
	}
	na = realloc(arr, nc * elem);
	if (na != NULL)
		*cap = nc;
	return na;
}

/* Whether s (n bytes) is bracketed; sets the inside's bounds. */
static int inside(const char *s, size_t n, const char **p, const char **end)
{
	if (s == NULL || n < 2 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	*p = s + 1;
	*end = s + n - 1;
	return 1;
}

int chwire_array_ints(struct chwire_array *a, const char *s, size_t n)
{
	const char *p, *end;

	a->nints = 0;
	if (!inside(s, n, &p, &end))
		return -1;
	while (p < end) {
		int neg = *p == '-';
		uint64_t v = 0;
		const char *digits;
		int64_t *ni;

		p += neg;
		digits = p;
		while (p < end && *p >= '0' && *p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
		if (p == digits || v > (uint64_t)INT64_MAX + (uint64_t)neg)
			return -1;
		if (p < end && *p++ != ',')
			return -1;
		if (p == end && p[-1] == ',')
			return -1;
		ni = room_for(a->ints, &a->cap_ints, a->nints + 1, sizeof *ni);
		if (ni == NULL)
			return -1;
		a->ints = ni;
		/* -(INT64_MAX + 1) without overflow. */
		a->ints[a->nints++] = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	}
	return 0;
}

int chwire_array_strings(struct chwire_array *a, const char *s, size_t n)
{
	const char *p, *end;

	if (!inside(s, n, &p, &end))
		return -1;
	while (p < end) {
		size_t *no;
		char *nt;

		if (*p != '\'')
			return -1;
		no = room_for(a->offs, &a->cap_offs, a->noffs + 1, sizeof *no);
		if (no == NULL)
			return -1;
		a->offs = no;
		/* The string is no longer than what is left of the field. */
		nt = room_for(a->text, &a->cap_text, a->text_len + (size_t)(end - p), 1);
		if (nt == NULL)
			return -1;
		a->text = nt;
		a->offs[a->noffs++] = a->text_len;
		for (p++; p < end && *p != '\''; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			a->text[a->text_len++] = *p;
		}
		if (p == end)
			return -1; /* no closing quote */
		a->text[a->text_len++] = '\0';
		p++;
		if (p < end && *p++ != ',')
			return -1;
		if (p == end && p[-1] == ',')
			return -1;
	}
	return 0;
}

/* ---- RowBinary writer --------------------------------------------------- */

void chwire_buf_init(struct chwire_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void chwire_buf_reset(struct chwire_buf *b)
{
	b->len = 0;
	b->failed = 0;
}

void chwire_buf_free(struct chwire_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Makes room for n more bytes. Returns a pointer to them, or NULL (failed set). */
static unsigned char *reserve(struct chwire_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (n > b->max - b->len || b->len > b->max) {
		b->failed = 1;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		unsigned char *np;

		while (nc < b->len + n)
			nc *= 2;
		if (nc > b->max)
			nc = b->max;
		np = realloc(b->p, nc);
		if (np == NULL) {
			b->failed = 1;
			return NULL;
		}
		b->p = np;
		b->cap = nc;
	}
	b->len += n;
	return b->p + b->len - n;
}

/* v as n bytes, least significant first. */
static int put_le(struct chwire_buf *b, uint64_t v, size_t n)
{
	unsigned char *p = reserve(b, n);

	if (p == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	return 0;
}

int chwire_put_uint8(struct chwire_buf *b, uint8_t v)
{
	return put_le(b, v, 1);
}

int chwire_put_uint32(struct chwire_buf *b, uint32_t v)
{
	return put_le(b, v, 4);
}

int chwire_put_int64(struct chwire_buf *b, int64_t v)
{
	return put_le(b, (uint64_t)v, 8);
}

int chwire_put_uint64(struct chwire_buf *b, uint64_t v)
{
	return put_le(b, v, 8);
}

int chwire_put_string(struct chwire_buf *b, const char *s, size_t n)
{
	unsigned char len[10];
	size_t k = 0;
	uint64_t v = n;
	unsigned char *p;

	/* LEB128: seven bits a byte, the high bit set on all but the last. */
	do {
		len[k] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			len[k] |= 0x80;
		k++;
	} while (v != 0);
	p = reserve(b, k + n);
	if (p == NULL)
		return -1;
	memcpy(p, len, k);
	if (n > 0)
		memcpy(p + k, s, n);
	return 0;
}

int chwire_put_null(struct chwire_buf *b)
{
	return put_le(b, 1, 1);
}

int chwire_put_notnull(struct chwire_buf *b)
{
	return put_le(b, 0, 1);
}

int chwire_put_nullable_string(struct chwire_buf *b, const char *s)
{
	if (s == NULL)
		return chwire_put_null(b);
	if (chwire_put_notnull(b) != 0)
		return -1;
	return chwire_put_string(b, s, strlen(s));
}

/* ---- SQL string literals ------------------------------------------------ */

long chwire_quote(const char *s, size_t n, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	if (outlen < 3)
		return -1;
	out[o++] = '\'';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Room for the longest escape (\xHH), the closing quote and the NUL. */
		if (o + 4 + 2 > outlen)
			return -1;
		if (c == '\\' || c == '\'') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	if (o + 2 > outlen)
		return -1;
	out[o++] = '\'';
	out[o] = '\0';
	return (long)o;
}
