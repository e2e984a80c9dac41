/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chwire.h — ClickHouse's data formats as Lotse speaks them: a streaming
 * reader of TabSeparated answers (rows to a callback, bounded buffers), a
 * writer of RowBinary bodies for INSERT (a bounded buffer), and SQL string
 * literals for the few values a query must carry (ClickHouse 18.16 has no
 * bound parameters over HTTP). Pure: no network, no allocation beyond the
 * two buffers, which the caller's records own.
 */
#ifndef LOTSE_CHWIRE_H
#define LOTSE_CHWIRE_H

#include <stddef.h>
#include <stdint.h>

/* ---- TabSeparated reader ------------------------------------------------ */

#define CHWIRE_MAX_FIELDS 64
#define CHWIRE_ROW_MAX ((size_t)1 << 20) /* unescaped bytes of one row */
#define CHWIRE_WHY_MAX 128

/* One field: s is NULL for \N (SQL NULL); else n bytes, NUL-terminated (n counts no NUL, s may hold NULs). */
struct chwire_field {
	const char *s;
	size_t n;
};

/*
 * Called once per complete row; fields are valid only during the call.
 * Returns 0 to go on, -1 to stop (chwire_tsv_feed then fails).
 */
typedef int (*chwire_row_fn)(void *ctx, const struct chwire_field *fields, size_t n);

/* A reader; its members are its own (zero it with chwire_tsv_init). */
struct chwire_tsv {
	char *buf;                  /* the row being read, unescaped, fields NUL-separated */
	size_t len, cap;
	size_t start[CHWIRE_MAX_FIELDS];
	unsigned char null[CHWIRE_MAX_FIELDS];
	size_t nfields;             /* fields begun in this row */
	int esc;                    /* 0; 1 after '\'; 2, 3 inside \xHH */
	unsigned hex;
	int field_escaped;          /* the field held an escape (\N only alone) */
	uint64_t rows;              /* complete rows passed on */
	int failed;
	char why[CHWIRE_WHY_MAX];   /* after a failure: what was wrong */
	chwire_row_fn fn;
	void *ctx;
};

/* Prepares t to pass rows to fn(ctx, …). Allocates nothing yet. */
void chwire_tsv_init(struct chwire_tsv *t, chwire_row_fn fn, void *ctx);

/*
 * Reads n more bytes of the answer (any split, an escape may straddle two
 * calls). Escapes understood: \b \f \n \r \t \0 \a \v \xHH, \N alone as
 * NULL, any other \c as c. Returns 0, or -1 when the row is longer than
 * CHWIRE_ROW_MAX, has more than CHWIRE_MAX_FIELDS fields, memory runs out,
 * \N is not alone in its field, or the callback stopped (t->why tells;
 * every later call fails too).
 */
int chwire_tsv_feed(struct chwire_tsv *t, const char *data, size_t n);

/* Ends the answer: returns 0, or -1 when a row was left without its newline. */
int chwire_tsv_finish(struct chwire_tsv *t);

/* Frees the row buffer; t can then be initialised again. */
void chwire_tsv_free(struct chwire_tsv *t);

/* ---- arrays inside a TabSeparated field ------------------------------------ */

/*
 * A field that holds an array, as TabSeparated writes one (the field's
 * own escapes already undone by the reader): integers "[1,-2,3]", strings
 * "['a','b\\'c']" (each quoted, with \\ and \' inside). Parsed into
 * growing arrays the record owns (zero it with chwire_array_init).
 */
struct chwire_array {
	int64_t *ints;              /* chwire_array_ints: the integers */
	size_t nints, cap_ints;
	char *text;                 /* chwire_array_strings: the strings, unescaped, each NUL-terminated */
	size_t text_len, cap_text;
	size_t *offs;               /* where each string begins in text */
	size_t noffs, cap_offs;
};

void chwire_array_init(struct chwire_array *a);
void chwire_array_free(struct chwire_array *a);

/* Parses an array of integers (n bytes at s) into a->ints, replacing them. Returns 0, or -1 (malformed, out of memory). */
int chwire_array_ints(struct chwire_array *a, const char *s, size_t n);

/* Empties a->text and a->offs. */
void chwire_array_clear_strings(struct chwire_array *a);

/*
 * Parses an array of strings (n bytes at s) and appends its strings to
 * a->text, their offsets to a->offs (a string may hold a NUL: its end is
 * the next offset's start minus one). Returns 0, or -1 (malformed, out of
 * memory; a->noffs then may count part of the array).
 */
int chwire_array_strings(struct chwire_array *a, const char *s, size_t n);

/* ---- RowBinary writer --------------------------------------------------- */

/*
 * An INSERT body in RowBinary (ClickHouse's native row format: integers
 * little-endian, strings as a LEB128 length and the bytes, Nullable as one
 * byte 1 = NULL / 0 = a value follows). Failure is sticky: after a put
 * that would pass max bytes (or finds no memory), every put fails and
 * failed stays set until chwire_buf_reset.
 */
struct chwire_buf {
	unsigned char *p;
	size_t len, cap, max;
	int failed;
};

void chwire_buf_init(struct chwire_buf *b, size_t max);
void chwire_buf_reset(struct chwire_buf *b);  /* empties it, keeps the memory */
void chwire_buf_free(struct chwire_buf *b);

/* Each returns 0, or -1 (then b->failed is set). */
int chwire_put_uint8(struct chwire_buf *b, uint8_t v);
int chwire_put_uint32(struct chwire_buf *b, uint32_t v);
int chwire_put_int64(struct chwire_buf *b, int64_t v);
int chwire_put_uint64(struct chwire_buf *b, uint64_t v);
int chwire_put_string(struct chwire_buf *b, const char *s, size_t n);
/* Nullable(String): s NULL is NULL. */
int chwire_put_nullable_string(struct chwire_buf *b, const char *s);
/* The Nullable prefix alone: chwire_put_null, or chwire_put_notnull before the value. */
int chwire_put_null(struct chwire_buf *b);
int chwire_put_notnull(struct chwire_buf *b);

/* ---- SQL string literals ------------------------------------------------ */

/*
 * Writes s (n bytes, any bytes) as a single-quoted ClickHouse string
 * literal into out (outlen bytes, NUL-terminated): \ ' and control bytes
 * escaped. Returns the literal's length, or -1 when it does not fit.
 */
long chwire_quote(const char *s, size_t n, char *out, size_t outlen);

#endif
