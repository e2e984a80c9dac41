/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * json.c — the strict pull reader of json.h. One pass over the input, no
 * recursion (skipped containers are walked with the reader's own depth and
 * object bits), no allocation (strings are decoded into the caller's buffer,
 * which never needs more than the input's size: every escape is at least as
 * long as what it decodes to). It does not convert non-integer numbers: the
 * collector only stores integers and needs to know a value is not one.
 */
#include "json.h"

#include <string.h>

#include "swar.h"

/*
 * Bytes a string may hold as they are: printable ASCII other than '"' and
 * '\\'. The hot loops below test one table entry per byte and keep their
 * position in a local: through r->p, every byte stored would have to be
 * reloaded (a char store may alias anything), which made read_string a
 * fifth of the import's instructions.
 */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char plain_byte[256] = {
	R16(0), R16(0),                                             /* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,           /* 0x20-0x2f: '"' is 0x22 */
	R16(1), R16(1),                                             /* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,           /* 0x50-0x5f: '\\' is 0x5c */
	R16(1), R16(1),                                             /* 0x60-0x7f */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0) /* 0x80-0xff */
};
#undef R16

/* Whether all 8 bytes at p are plain: none below 0x20, none 0x80 or above, no '"' or '\\'. */
static int word_is_plain(const char *p)
{
	uint64_t w = swar_load(p);

	return !(swar_below(w, 0x20) | swar_high(w) | swar_has(w, '"') | swar_has(w, '\\'));
}

static int fail(struct json_reader *r, const char *why)
{
	if (r->error == NULL)
		r->error = why;
	return -1;
}

static void skip_ws(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

void json_init(struct json_reader *r, const char *text, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = text;
	r->end = text + len;
}

size_t json_utf8_seq(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		c = u[0];
		len = 1;
		goto out;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2;
		c = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3;
		c = u[0] & 0x0F;
		if (u[0] == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (u[0] == 0xED)
			hi = 0x9F; /* surrogates U+D800..U+DFFF */
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4;
		c = u[0] & 0x07;
		if (u[0] == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (u[0] == 0xF4)
			hi = 0x8F; /* beyond U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || u[1] < lo || u[1] > hi)
		return 0;
	c = (c << 6) | (u[1] & 0x3F);
	for (size_t i = 2; i < len; i++) {
		if (u[i] < 0x80 || u[i] > 0xBF)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
out:
	if (cp != NULL)
		*cp = c;
	return len;
}

int json_utf8_check(const char *s, size_t n, size_t *chars)
{
	size_t i = 0, count = 0;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
		} else {
			size_t k = json_utf8_seq(s + i, n - i, NULL);
			if (k == 0)
				return -1;
			i += k;
		}
		count++;
	}
	if (chars != NULL)
		*chars = count;
	return 0;
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Appends n bytes to buf (when not NULL). */
static int put(struct json_reader *r, struct json_buf *buf, const char *s, size_t n)
{
	if (buf == NULL)
		return 0;
	if (buf->cap - buf->used < n + 1) {
		r->nomem = 1;
		return fail(r, "out of memory");
	}
	memcpy(buf->base + buf->used, s, n);
	buf->used += n;
	return 0;
}

size_t json_utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Reads the escape after a backslash at r->p and appends what it decodes to. */
static int read_escape(struct json_reader *r, struct json_buf *buf)
{
	char one;
	uint32_t c, lo;
	char enc[4];

	if (r->end - r->p < 2)
		return fail(r, "unterminated string");
	switch (r->p[1]) {
	case '"': one = '"'; break;
	case '\\': one = '\\'; break;
	case '/': one = '/'; break;
	case 'b': one = '\b'; break;
	case 'f': one = '\f'; break;
	case 'n': one = '\n'; break;
	case 'r': one = '\r'; break;
	case 't': one = '\t'; break;
	case 'u':
		if (r->end - r->p < 6 || hex4(r->p + 2, &c) != 0)
			return fail(r, "bad \\u escape");
		r->p += 6;
		if (c == 0)
			return fail(r, "NUL in string");
		if (c >= 0xDC00 && c <= 0xDFFF)
			return fail(r, "lone surrogate in string");
		if (c >= 0xD800 && c <= 0xDBFF) {
			if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) != 0 ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return fail(r, "lone surrogate in string");
			r->p += 6;
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		}
		return put(r, buf, enc, json_utf8_encode(c, enc));
	default:
		return fail(r, "bad escape in string");
	}
	r->p += 2;
	return put(r, buf, &one, 1);
}

/*
 * Reads the string at r->p (which is at its opening quote), decoding it into
 * buf when buf is not NULL. Sets *s (NULL without buf), *len and *chars.
 */
static int read_string(struct json_reader *r, struct json_buf *buf, const char **s, size_t *len,
                       size_t *chars)
{
	size_t start = buf != NULL ? buf->used : 0;
	size_t count = 0;

	r->p++;
	for (;;) {
		const char *run = r->p, *p = run, *end = r->end;

		while (end - p >= 8 && word_is_plain(p))
			p += 8;
		while (p < end && plain_byte[(unsigned char)*p])
			p++;
		r->p = p;
		count += (size_t)(p - run);
		if (put(r, buf, run, (size_t)(r->p - run)) != 0)
			return -1;
		if (r->p >= r->end)
			return fail(r, "unterminated string");
		unsigned char c = (unsigned char)*r->p;
		if (c == '"') {
			r->p++;
			break;
		}
		if (c == '\\') {
			if (read_escape(r, buf) != 0)
				return -1;
		} else if (c < 0x20) {
			return fail(r, "control character in string");
		} else {
			size_t k = json_utf8_seq(r->p, (size_t)(r->end - r->p), NULL);
			if (k == 0)
				return fail(r, "invalid UTF-8");
			if (put(r, buf, r->p, k) != 0)
				return -1;
			r->p += k;
		}
		count++;
	}
	if (buf != NULL) {
		buf->base[buf->used] = '\0';
		*s = buf->base + start;
		*len = buf->used - start;
		buf->used++;
	} else {
		*s = NULL;
		*len = 0;
	}
	*chars = count;
	return 0;
}

/* Reads a number per RFC 8259's grammar; integers that fit int64 are converted. */
static int read_number(struct json_reader *r, struct json_value *out)
{
	const char *p = r->p;
	int neg = 0, is_int = 1, overflow = 0;
	uint64_t v = 0;
	uint64_t limit;

	if (p < r->end && *p == '-') {
		neg = 1;
		p++;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (p >= r->end || *p < '0' || *p > '9')
		return fail(r, "bad number");
	if (*p == '0') {
		p++;
	} else {
		while (p < r->end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');
			if (v > (limit - d) / 10)
				overflow = 1;
			else
				v = v * 10 + d;
			p++;
		}
	}
	if (p < r->end && *p == '.') {
		is_int = 0;
		p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return fail(r, "bad number");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < r->end && (*p == 'e' || *p == 'E')) {
		is_int = 0;
		p++;
		if (p < r->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return fail(r, "bad number");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	out->type = JSON_NUMBER;
	out->is_int = is_int && !overflow;
	if (out->is_int)
		out->i = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int read_literal(struct json_reader *r, const char *word, enum json_type type, struct json_value *out)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return fail(r, "invalid literal");
	r->p += n;
	out->type = type;
	return 0;
}

int json_peek(struct json_reader *r, enum json_type *type)
{
	if (r->error != NULL)
		return -1;
	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end of input");
	switch (*r->p) {
	case '{': *type = JSON_OBJECT; return 0;
	case '[': *type = JSON_ARRAY; return 0;
	case '"': *type = JSON_STRING; return 0;
	case 't': *type = JSON_TRUE; return 0;
	case 'f': *type = JSON_FALSE; return 0;
	case 'n': *type = JSON_NULL; return 0;
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
			*type = JSON_NUMBER;
			return 0;
		}
		return fail(r, "unexpected character");
	}
}

int json_enter(struct json_reader *r)
{
	enum json_type t;

	if (json_peek(r, &t) != 0)
		return -1;
	if (t != JSON_OBJECT && t != JSON_ARRAY)
		return fail(r, "expected an object or array");
	if (r->depth >= JSON_MAX_DEPTH)
		return fail(r, "nesting deeper than 32");
	r->depth++;
	if (t == JSON_OBJECT)
		r->object_bits |= (uint64_t)1 << r->depth;
	else
		r->object_bits &= ~((uint64_t)1 << r->depth);
	r->p++;
	r->fresh = 1;
	return 0;
}

/* Closes the current container at r->p (its closing bracket). */
static void leave(struct json_reader *r)
{
	r->p++;
	r->depth--;
	r->fresh = 0;
}

int json_next_element(struct json_reader *r, int *more)
{
	if (r->error != NULL)
		return -1;
	if (r->depth == 0 || (r->object_bits >> r->depth) & 1)
		return fail(r, "not in an array");
	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unterminated array");
	if (*r->p == ']') {
		leave(r);
		*more = 0;
		return 0;
	}
	if (!r->fresh) {
		if (*r->p != ',')
			return fail(r, "expected ',' or ']'");
		r->p++;
	}
	r->fresh = 0;
	*more = 1;
	return 0;
}

int json_next_member(struct json_reader *r, struct json_buf *buf, const char **key, size_t *key_len,
                     int *more)
{
	size_t chars;

	if (r->error != NULL)
		return -1;
	if (r->depth == 0 || !((r->object_bits >> r->depth) & 1))
		return fail(r, "not in an object");
	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unterminated object");
	if (*r->p == '}') {
		/* A '}' right after a ',' never gets here: the comma path wants a key. */
		leave(r);
		*more = 0;
		return 0;
	}
	if (!r->fresh) {
		if (*r->p != ',')
			return fail(r, "expected ',' or '}'");
		r->p++;
		skip_ws(r);
	}
	r->fresh = 0;
	if (r->p >= r->end || *r->p != '"')
		return fail(r, "expected a member name");
	if (read_string(r, buf, key, key_len, &chars) != 0)
		return -1;
	skip_ws(r);
	if (r->p >= r->end || *r->p != ':')
		return fail(r, "expected ':'");
	r->p++;
	*more = 1;
	return 0;
}

/* Reads a scalar at r->p into *out; strings go to buf when not NULL. */
static int read_scalar(struct json_reader *r, enum json_type t, struct json_buf *buf, struct json_value *out)
{
	switch (t) {
	case JSON_STRING:
		out->type = JSON_STRING;
		return read_string(r, buf, &out->s, &out->len, &out->chars);
	case JSON_NUMBER:
		return read_number(r, out);
	case JSON_TRUE:
		return read_literal(r, "true", JSON_TRUE, out);
	case JSON_FALSE:
		return read_literal(r, "false", JSON_FALSE, out);
	case JSON_NULL:
		return read_literal(r, "null", JSON_NULL, out);
	default:
		return fail(r, "expected a value");
	}
}

/*
 * Skips the container at r->p without recursion: enters it, then walks
 * members and elements, entering nested containers, until the depth it
 * started at is reached again.
 */
static int skip_container(struct json_reader *r)
{
	int base = r->depth;
	struct json_value scratch;

	if (json_enter(r) != 0)
		return -1;
	while (r->depth > base) {
		int more;
		int in_object = (int)((r->object_bits >> r->depth) & 1);
		enum json_type t;
		const char *key;
		size_t key_len;

		if (in_object) {
			if (json_next_member(r, NULL, &key, &key_len, &more) != 0)
				return -1;
		} else {
			if (json_next_element(r, &more) != 0)
				return -1;
		}
		if (!more)
			continue;
		if (json_peek(r, &t) != 0)
			return -1;
		if (t == JSON_OBJECT || t == JSON_ARRAY) {
			if (json_enter(r) != 0)
				return -1;
		} else if (read_scalar(r, t, NULL, &scratch) != 0) {
			return -1;
		}
	}
	return 0;
}

int json_value(struct json_reader *r, struct json_buf *buf, struct json_value *out)
{
	enum json_type t;

	memset(out, 0, sizeof *out);
	if (json_peek(r, &t) != 0)
		return -1;
	r->fresh = 0;
	if (t == JSON_OBJECT || t == JSON_ARRAY) {
		out->type = t;
		return skip_container(r);
	}
	return read_scalar(r, t, buf, out);
}

int json_finish(struct json_reader *r)
{
	if (r->error != NULL)
		return -1;
	skip_ws(r);
	if (r->p != r->end)
		return fail(r, "trailing garbage");
	return 0;
}
