/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * json.h — a small strict JSON reader (RFC 8259) for beacon bodies and import
 * lines, plus the UTF-8 rules (RFC 3629) it applies. It is a pull reader: the
 * caller walks the one or two container levels it cares about and lets the
 * reader skip everything else, validating it, without recursion and within a
 * nesting limit. Strings are decoded into a caller-provided buffer (the batch
 * arena), so reading allocates nothing.
 *
 * It deliberately does not build a tree, does not accept extensions (comments,
 * trailing commas, NaN, a byte order mark, single quotes), and refuses what
 * the collector never wants to store: invalid or overlong UTF-8, lone or
 * misordered surrogates, and U+0000 inside strings. It knows nothing of
 * events.
 */
#ifndef LOTSE_JSON_H
#define LOTSE_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Containers nested deeper than this are refused; the outermost is depth 1. */
#define JSON_MAX_DEPTH 32

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

/* Where decoded strings go: bytes base[used..cap). The reader only appends. */
struct json_buf {
	char *base;
	size_t cap;
	size_t used;
};

/*
 * Reader state. error is a static string naming the first failure (NULL while
 * all is well); nomem is set when that failure was a full json_buf rather
 * than bad input. After a failure every call fails again.
 */
struct json_reader {
	const char *p;
	const char *end;
	int depth;              /* containers currently open */
	int fresh;              /* a container was just opened: no element read yet */
	uint64_t object_bits;   /* bit d set: the container at depth d is an object */
	int nomem;
	const char *error;
};

/* A scalar read by json_value, or the type of a container it skipped. */
struct json_value {
	enum json_type type;
	int is_int;             /* JSON_NUMBER without fraction or exponent that fits int64 */
	int64_t i;              /* the integer when is_int */
	const char *s;          /* JSON_STRING: decoded, NUL-terminated, in the buffer; NULL when skipped */
	size_t len;             /* JSON_STRING: decoded length in bytes */
	size_t chars;           /* JSON_STRING: decoded length in code points */
};

/* Starts reading len bytes of text. Nothing is copied; text must outlive r. */
void json_init(struct json_reader *r, const char *text, size_t len);

/*
 * Skips whitespace and reports the type of the next value in *type without
 * consuming it. Returns 0, or -1 (r->error set) at the end of input or on a
 * byte that cannot start a value.
 */
int json_peek(struct json_reader *r, enum json_type *type);

/*
 * Consumes the '{' or '[' that json_peek reported. Returns 0, or -1 when the
 * next value is not such a container or the nesting limit is reached.
 */
int json_enter(struct json_reader *r);

/*
 * In an array: sets *more to 1 when another element follows (the comma is
 * consumed; read the element next), or to 0 after consuming the closing ']'.
 * Returns 0, or -1 on a syntax error.
 */
int json_next_element(struct json_reader *r, int *more);

/*
 * In an object: sets *more to 0 after consuming the closing '}', or to 1
 * after reading the next member's key and its ':' (read the value next). The
 * key is decoded into buf when buf is not NULL (*key, *key_len; NUL-terminated)
 * and only validated otherwise (*key set to NULL). Returns 0, or -1.
 */
int json_next_member(struct json_reader *r, struct json_buf *buf, const char **key, size_t *key_len,
                     int *more);

/*
 * Reads the next value into *out. Strings are decoded into buf, or only
 * validated when buf is NULL; containers are skipped and validated and only
 * their type is reported. Returns 0, or -1 (r->error, maybe r->nomem).
 */
int json_value(struct json_reader *r, struct json_buf *buf, struct json_value *out);

/* Returns 0 when only whitespace is left, else -1 ("trailing garbage"). */
int json_finish(struct json_reader *r);

/*
 * Returns the length (1..4) of the valid UTF-8 sequence at the start of the
 * n bytes at s, or 0 when it is invalid, overlong, a surrogate, beyond
 * U+10FFFF or truncated (n == 0 included). *cp (may be NULL) gets the code point.
 */
size_t json_utf8_seq(const char *s, size_t n, uint32_t *cp);

/*
 * Checks that n bytes at s are valid UTF-8. Returns 0 and the number of code
 * points in *chars (may be NULL), or -1.
 */
int json_utf8_check(const char *s, size_t n, size_t *chars);

/* Writes code point c (at most U+10FFFF) as UTF-8 into out; returns its 1..4 bytes. */
size_t json_utf8_encode(uint32_t c, char out[4]);

#endif
