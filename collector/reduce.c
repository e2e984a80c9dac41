/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reduce.c — the privacy reductions of reduce.h: URLs to hosts and paths with
 * identifying segments replaced, free text (q, step_name, target) folded and
 * redacted, script error messages held to their one allowed shape. Each
 * function validates its own input (length, UTF-8, URL shape), so a caller
 * can hand it raw bytes, and writes at most cap bytes including the NUL. An
 * output that does not fit is a failure (-1) too: callers size out
 * generously (see beacon.c), and a silent truncation could cut a placeholder
 * in half. The rules themselves are redact.c's, the folding fold.c's.
 *
 * Deliberately not done here: IDN conversion (hosts must already be ASCII,
 * as browsers send them), and any notion of which field is required for
 * which event (that is beacon.c).
 *
 * Decisions beyond PROTOCOL.md, all on the side of privacy:
 *  - A path segment is checked as decoded once ("%2540" is then "%40", which
 *    rule 1 reads as "@") and folded; it is stored as sent, or as ":id".
 *    Path parameters go first: "/a;b=1/c" is "/a/c", and a segment that is
 *    only parameters is empty.
 *  - A segment with an "@" (also "%40") becomes ":id" even when rule 1 sees
 *    no address in it ("max@localhost", "@handle"): a path has no business
 *    holding one.
 *  - A segment "contains a UUID" when it holds 8-4-4-4-12 hex digits or a
 *    run of 32 or more hex digits (a UUID without dashes, and longer hashes),
 *    letters or not; a "run of letters and digits" is a maximal run of
 *    ASCII letters and digits.
 *  - An IP-literal host is "[...]" or, as browsers (WHATWG URL) read hosts, a
 *    dotted host whose last label is a number in decimal or 0x-hex
 *    ("192.168.1.23", "3232235777", "0xC0A80117"). The page's own host is
 *    compared as sent, so a page served from an address still keeps its
 *    same-host referrer paths.
 *  - step_name and target are folded like q but keep their case: whitespace
 *    runs (tabs and line breaks included) become one space, the ends are
 *    trimmed, controls and format characters go.
 *  - message: NAME is [A-Za-z]{1,40}; PATH is a path starting with "/" or an
 *    absolute http(s) URL (stored as its reduced path; query and fragment
 *    dropped); LINE and COL are 1 to 9 ASCII digits, stored as sent. Exactly
 *    one space separates NAME and PATH. Anything else is refused.
 */
#include "reduce.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "fold.h"
#include "json.h"
#include "redact.h"
#include "swar.h"

#define TEXT_MAX_CHARS 200
/* The folded text of 200 code points: at most 800 bytes as sent, grown by fold.h's bound. */
#define TEXT_BUF FOLD_BOUND(4 * TEXT_MAX_CHARS)
/* The longest NAME of a message. */
#define MESSAGE_NAME_MAX 40
/* The most digits of a message's LINE or COL. */
#define MESSAGE_NUMBER_MAX 9

/* A bounded output: writes past cap set overflow instead of writing. */
struct sbuf {
	char *p;
	size_t cap;
	size_t len;
	int overflow;
};

static void sb_init(struct sbuf *sb, char *p, size_t cap)
{
	sb->p = p;
	sb->cap = cap;
	sb->len = 0;
	sb->overflow = cap == 0;
}

static void sb_put(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->overflow || sb->cap - sb->len <= n) {
		sb->overflow = 1;
		return;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
}

static void sb_putc(struct sbuf *sb, char c)
{
	sb_put(sb, &c, 1);
}

/* NUL-terminates; returns 0, or -1 when anything did not fit. */
static int sb_end(struct sbuf *sb)
{
	if (sb->overflow)
		return -1;
	sb->p[sb->len] = '\0';
	return 0;
}

/* ---- URLs ---------------------------------------------------------------- */

struct url_parts {
	const char *host;
	size_t host_len;
	const char *path;  /* from the first '/' after the authority up to '?' or '#' */
	size_t path_len;
};

static int is_host_char(unsigned char c)
{
	return ascii_is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Are all 8 bytes at p printable ASCII (0x21..0x7E) and none '?' or '#'? */
static int word_is_path(const char *p)
{
	uint64_t w = swar_load(p);

	return !(swar_below(w, 0x21) | swar_above_7e(w) | swar_has(w, '?') | swar_has(w, '#'));
}

/*
 * Checks every byte of url (no whitespace or control character, valid
 * UTF-8), eight at a time while they are plain. Returns the offset of the
 * first '?' or '#' (len when none), or -1 when a byte is not allowed.
 */
static ptrdiff_t check_url_bytes(const char *url, size_t len)
{
	size_t stop = len;

	for (size_t k = 0; k < len;) {
		unsigned char c = (unsigned char)url[k];
		size_t n = 1;

		if (stop == len && len - k >= 8 && word_is_path(url + k)) {
			k += 8;
			continue;
		}
		if (c <= 0x20 || c == 0x7F)
			return -1;
		if (c >= 0x80 && (n = json_utf8_seq(url + k, len - k, NULL)) == 0)
			return -1;
		if ((c == '?' || c == '#') && stop == len)
			stop = k;
		k += n;
	}
	return (ptrdiff_t)stop;
}

/*
 * Splits an absolute URL with an authority. http_only limits the scheme to
 * http and https (any case). Refuses empty or over-long input, invalid UTF-8,
 * whitespace and control characters anywhere, an empty host, a host of other
 * characters than letters, digits, '-', '.', '_' (or an IPv6 literal), and a
 * port that is not 0..5 digits.
 */
static int url_split(const char *url, size_t len, int http_only, struct url_parts *out)
{
	size_t i = 0, auth_start, auth_end, host_start, host_end;
	ptrdiff_t query;

	if (url == NULL || len == 0 || len > REDUCE_URL_MAX)
		return -1;
	if ((query = check_url_bytes(url, len)) < 0)
		return -1;
	if (!ascii_is_alpha((unsigned char)url[0]))
		return -1;
	while (i < len && (ascii_is_alnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.'))
		i++;
	if (http_only) {
		int http = i == 4 && strncasecmp(url, "http", 4) == 0;
		int https = i == 5 && strncasecmp(url, "https", 5) == 0;
		if (!http && !https)
			return -1;
	}
	if (len - i < 3 || memcmp(url + i, "://", 3) != 0)
		return -1;
	auth_start = i + 3;
	auth_end = auth_start;
	while (auth_end < (size_t)query && url[auth_end] != '/')
		auth_end++;

	/* Userinfo ends at the last '@' of the authority; it is dropped. */
	host_start = auth_start;
	for (size_t k = auth_start; k < auth_end; k++) {
		if (url[k] == '@')
			host_start = k + 1;
	}
	host_end = host_start;
	if (host_start < auth_end && url[host_start] == '[') {
		host_end = host_start + 1;
		while (host_end < auth_end && (ascii_is_hex((unsigned char)url[host_end]) || url[host_end] == ':' ||
		                               url[host_end] == '.'))
			host_end++;
		if (host_end >= auth_end || url[host_end] != ']' || host_end - host_start < 3)
			return -1;
		host_end++;
	} else {
		while (host_end < auth_end && is_host_char((unsigned char)url[host_end]))
			host_end++;
		if (host_end == host_start)
			return -1;
	}
	if (host_end < auth_end) {
		size_t digits = 0;
		if (url[host_end] != ':')
			return -1;
		for (size_t k = host_end + 1; k < auth_end; k++) {
			if (!ascii_is_digit((unsigned char)url[k]))
				return -1;
			digits++;
		}
		if (digits > 5)
			return -1;
	}
	out->host = url + host_start;
	out->host_len = host_end - host_start;
	out->path = url + auth_end;
	/* The path runs from the authority's '/' to the first '?' or '#'. */
	out->path_len = auth_end < (size_t)query ? (size_t)query - auth_end : 0;
	return 0;
}

/* Does s[0..n) start with a UUID: 8-4-4-4-12 hex digits, any case? */
static int is_uuid_at(const char *s, size_t n)
{
	static const unsigned char dash_at[] = {8, 13, 18, 23};
	size_t d = 0;

	if (n < 36)
		return 0;
	for (size_t k = 0; k < 36; k++) {
		if (d < sizeof dash_at && k == dash_at[d]) {
			if (s[k] != '-')
				return 0;
			d++;
		} else if (!ascii_is_hex((unsigned char)s[k])) {
			return 0;
		}
	}
	return 1;
}

/* Does s hold a UUID, with dashes or without (32 hex digits in a row)? */
static int has_uuid(const char *s, size_t n)
{
	size_t run = 0;

	for (size_t k = 0; k < n; k++) {
		if (ascii_is_hex((unsigned char)s[k])) {
			if (++run >= 32)
				return 1;
			continue;
		}
		if (s[k] == '-' && run >= 8 && is_uuid_at(s + k - 8, n - (k - 8)))
			return 1;
		run = 0;
	}
	return 0;
}

/* Does s hold a run of 16 or more ASCII letters and digits with both in it? */
static int has_long_mixed_run(const char *s, size_t n)
{
	size_t run = 0;
	int letters = 0, digits = 0;

	for (size_t k = 0; k <= n; k++) {
		unsigned char c = k < n ? (unsigned char)s[k] : 0;
		if (ascii_is_alnum(c)) {
			run++;
			letters |= ascii_is_alpha(c);
			digits |= ascii_is_digit(c);
			continue;
		}
		if (run >= 16 && letters && digits)
			return 1;
		run = 0;
		letters = digits = 0;
	}
	return 0;
}

/*
 * Bytes of a path segment that can start something a segment check looks
 * for: digits (rules 2–6, long mixed runs), the ways of writing "@" (rule 1:
 * "@", "(at)" in three brackets, "&#64;"), '%' (encoded anything) and
 * non-ASCII (folding). A segment without them can only hold a UUID of
 * letters a–f, which needs 32 bytes.
 */
static const unsigned char segment_suspect[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['@'] = 1, ['%'] = 1, ['&'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1,
	[0x80] = 1, [0x81] = 1, [0x82] = 1, [0x83] = 1, [0x84] = 1, [0x85] = 1, [0x86] = 1, [0x87] = 1,
	[0x88] = 1, [0x89] = 1, [0x8A] = 1, [0x8B] = 1, [0x8C] = 1, [0x8D] = 1, [0x8E] = 1, [0x8F] = 1,
	[0x90] = 1, [0x91] = 1, [0x92] = 1, [0x93] = 1, [0x94] = 1, [0x95] = 1, [0x96] = 1, [0x97] = 1,
	[0x98] = 1, [0x99] = 1, [0x9A] = 1, [0x9B] = 1, [0x9C] = 1, [0x9D] = 1, [0x9E] = 1, [0x9F] = 1,
	[0xA0] = 1, [0xA1] = 1, [0xA2] = 1, [0xA3] = 1, [0xA4] = 1, [0xA5] = 1, [0xA6] = 1, [0xA7] = 1,
	[0xA8] = 1, [0xA9] = 1, [0xAA] = 1, [0xAB] = 1, [0xAC] = 1, [0xAD] = 1, [0xAE] = 1, [0xAF] = 1,
	[0xB0] = 1, [0xB1] = 1, [0xB2] = 1, [0xB3] = 1, [0xB4] = 1, [0xB5] = 1, [0xB6] = 1, [0xB7] = 1,
	[0xB8] = 1, [0xB9] = 1, [0xBA] = 1, [0xBB] = 1, [0xBC] = 1, [0xBD] = 1, [0xBE] = 1, [0xBF] = 1,
	[0xC0] = 1, [0xC1] = 1, [0xC2] = 1, [0xC3] = 1, [0xC4] = 1, [0xC5] = 1, [0xC6] = 1, [0xC7] = 1,
	[0xC8] = 1, [0xC9] = 1, [0xCA] = 1, [0xCB] = 1, [0xCC] = 1, [0xCD] = 1, [0xCE] = 1, [0xCF] = 1,
	[0xD0] = 1, [0xD1] = 1, [0xD2] = 1, [0xD3] = 1, [0xD4] = 1, [0xD5] = 1, [0xD6] = 1, [0xD7] = 1,
	[0xD8] = 1, [0xD9] = 1, [0xDA] = 1, [0xDB] = 1, [0xDC] = 1, [0xDD] = 1, [0xDE] = 1, [0xDF] = 1,
	[0xE0] = 1, [0xE1] = 1, [0xE2] = 1, [0xE3] = 1, [0xE4] = 1, [0xE5] = 1, [0xE6] = 1, [0xE7] = 1,
	[0xE8] = 1, [0xE9] = 1, [0xEA] = 1, [0xEB] = 1, [0xEC] = 1, [0xED] = 1, [0xEE] = 1, [0xEF] = 1,
	[0xF0] = 1, [0xF1] = 1, [0xF2] = 1, [0xF3] = 1, [0xF4] = 1, [0xF5] = 1, [0xF6] = 1, [0xF7] = 1,
	[0xF8] = 1, [0xF9] = 1, [0xFA] = 1, [0xFB] = 1, [0xFC] = 1, [0xFD] = 1, [0xFE] = 1, [0xFF] = 1,
};

/* Percent-decodes s (n bytes) once into out (at least n bytes); a '%' without two hex digits stays. */
static size_t percent_decode(const char *s, size_t n, char *out)
{
	size_t len = 0;

	for (size_t k = 0; k < n; k++) {
		if (s[k] == '%' && n - k >= 3 && ascii_is_hex((unsigned char)s[k + 1]) &&
		    ascii_is_hex((unsigned char)s[k + 2])) {
			out[len++] = (char)(ascii_hex_value((unsigned char)s[k + 1]) << 4 |
			                    ascii_hex_value((unsigned char)s[k + 2]));
			k += 2;
		} else {
			out[len++] = s[k];
		}
	}
	return len;
}

/*
 * Should a path segment (without its parameters) become ":id"? Checked as
 * decoded and folded: an "@", any of rules 1–6, a UUID, a long mixed run.
 */
static int segment_is_id(const char *s, size_t n)
{
	char decoded[REDUCE_URL_MAX], folded[FOLD_BOUND(REDUCE_URL_MAX)];
	const char *t = s;
	size_t k = 0, t_len = n;

	while (k < n && !segment_suspect[(unsigned char)s[k]])
		k++;
	if (k == n)
		return n >= 32 && has_uuid(s, n); /* the common case: letters and punctuation */
	/* Only '%' and non-ASCII bytes need decoding and folding: ASCII needs no case folding here. */
	while (k < n && s[k] != '%' && (unsigned char)s[k] < 0x80)
		k++;
	if (k < n) {
		size_t len;
		assert(n <= sizeof decoded);
		len = percent_decode(s, n, decoded);
		if (fold_text(decoded, len, 0, folded, sizeof folded, &t_len) != 0)
			return 1; /* cannot happen (FOLD_BOUND); never keep what was not checked */
		t = folded;
	}
	return memchr(t, '@', t_len) != NULL || redact_finds(t, t_len) || has_uuid(t, t_len) ||
	       has_long_mixed_run(t, t_len);
}

/*
 * Appends the reduced path: "/" when empty, path parameters (from a ';' in
 * a segment) dropped, identifying segments as ":id".
 */
static void put_path(struct sbuf *sb, const char *path, size_t n)
{
	size_t k = 0;

	if (n == 0) {
		sb_putc(sb, '/');
		return;
	}
	/* path[0] is '/': every segment is preceded by one. */
	while (k < n) {
		size_t start = ++k;
		const char *slash = memchr(path + k, '/', n - k);
		const char *semi;
		size_t end;

		k = slash != NULL ? (size_t)(slash - path) : n;
		semi = memchr(path + start, ';', k - start);
		end = semi != NULL ? (size_t)(semi - path) : k;
		sb_putc(sb, '/');
		if (end > start && segment_is_id(path + start, end - start))
			sb_put(sb, ":id", 3);
		else
			sb_put(sb, path + start, end - start);
	}
}

/* Is host (as url_split found it) an IP literal: "[v6]", or a last label that is a number? */
static int host_is_ip(const char *host, size_t n)
{
	size_t end = n, start;

	if (n > 0 && host[0] == '[')
		return 1;
	if (end > 0 && host[end - 1] == '.')
		end--; /* "192.168.1.23." is the same host */
	start = end;
	while (start > 0 && host[start - 1] != '.')
		start--;
	if (start == end)
		return 0;
	if (end - start >= 2 && host[start] == '0' && (host[start + 1] == 'x' || host[start + 1] == 'X')) {
		for (size_t k = start + 2; k < end; k++) {
			if (!ascii_is_hex((unsigned char)host[k]))
				return 0;
		}
		return 1;
	}
	for (size_t k = start; k < end; k++) {
		if (!ascii_is_digit((unsigned char)host[k]))
			return 0;
	}
	return 1;
}

/* Appends the host lower-cased, or "[ip]" for an IP literal when ip is set. */
static void put_host(struct sbuf *sb, const char *host, size_t n, int ip)
{
	size_t at = sb->len;

	if (ip && host_is_ip(host, n)) {
		sb_put(sb, "[ip]", 4);
		return;
	}
	sb_put(sb, host, n);
	if (!sb->overflow)
		for (size_t k = at; k < sb->len; k++)
			sb->p[k] = (char)ascii_lower((unsigned char)sb->p[k]);
}

int reduce_url(const char *url, size_t len, char *out, size_t cap, char *host, size_t host_cap)
{
	struct url_parts u;
	struct sbuf sb;

	if (url_split(url, len, 1, &u) != 0)
		return -1;
	sb_init(&sb, out, cap);
	put_path(&sb, u.path, u.path_len);
	if (sb_end(&sb) != 0)
		return -1;
	if (host != NULL) {
		sb_init(&sb, host, host_cap);
		put_host(&sb, u.host, u.host_len, 0);
		if (sb_end(&sb) != 0)
			return -1;
	}
	return 0;
}

int reduce_ref(const char *ref, size_t len, const char *page_host, char *out, size_t cap)
{
	struct url_parts u;
	struct sbuf sb;
	int same = 0;

	if (url_split(ref, len, 0, &u) != 0)
		return -1;
	if (page_host != NULL && strlen(page_host) == u.host_len)
		same = strncasecmp(page_host, u.host, u.host_len) == 0;
	sb_init(&sb, out, cap);
	if (same)
		put_path(&sb, u.path, u.path_len);
	else
		put_host(&sb, u.host, u.host_len, 1);
	return sb_end(&sb);
}

int reduce_href(const char *href, size_t len, char *out, size_t cap)
{
	struct url_parts u;
	struct sbuf sb;

	if (url_split(href, len, 1, &u) != 0)
		return -1;
	sb_init(&sb, out, cap);
	put_host(&sb, u.host, u.host_len, 1);
	put_path(&sb, u.path, u.path_len);
	return sb_end(&sb);
}

int reduce_origin(const char *url, size_t len, char *out, size_t cap)
{
	struct url_parts u;
	struct sbuf sb;
	const char *colon = url != NULL ? memchr(url, ':', len) : NULL; /* a scheme ends at the first ':' */
	size_t end, host_port;

	if (colon == NULL)
		return -1;
	/* Only the scheme and the authority are read: the rest of a Referer is not the origin's business. */
	for (end = (size_t)(colon - url) + 3; end < len; end++) {
		if (url[end] == '/' || url[end] == '?' || url[end] == '#')
			break;
	}
	if (url_split(url, end < len ? end : len, 1, &u) != 0)
		return -1;
	host_port = (size_t)(u.path - u.host);
	if (u.host[host_port - 1] == ':')
		host_port--; /* an empty port is no port (RFC 3986, section 6.2.3) */
	sb_init(&sb, out, cap);
	sb_put(&sb, url, (size_t)(colon - url) + 3);
	sb_put(&sb, u.host, host_port);
	return sb_end(&sb) == 0 ? (int)sb.len : -1;
}

/* ---- free text ----------------------------------------------------------- */

/* Checks UTF-8 and the 200 code point limit of q, step_name, target and message. */
static int text_ok(const char *s, size_t len)
{
	size_t chars;

	if (s == NULL && len > 0)
		return -1;
	if (json_utf8_check(s, len, &chars) != 0 || chars > TEXT_MAX_CHARS)
		return -1;
	return 0;
}

/* Folds (flags as fold_text) and redacts a text of at most 200 characters. */
static int reduce_free_text(const char *s, size_t len, unsigned flags, char *out, size_t cap)
{
	char folded[TEXT_BUF];
	size_t n;

	if (text_ok(s, len) != 0)
		return -1;
	if (fold_text(s, len, flags, folded, sizeof folded, &n) != 0)
		return -1;
	return redact_text(folded, n, out, cap);
}

int reduce_query(const char *q, size_t len, char *out, size_t cap)
{
	return reduce_free_text(q, len, FOLD_LOWER, out, cap);
}

int reduce_label(const char *s, size_t len, char *out, size_t cap)
{
	return reduce_free_text(s, len, 0, out, cap);
}

/*
 * Reads ":DIGITS" at the end of s[0..*n): on success *n is where the ':'
 * was and *digits where the number starts. Returns 0 or -1.
 */
static int take_number(const char *s, size_t *n, size_t *digits)
{
	size_t k = *n;

	while (k > 0 && ascii_is_digit((unsigned char)s[k - 1]))
		k--;
	if (k == *n || *n - k > MESSAGE_NUMBER_MAX || k == 0 || s[k - 1] != ':')
		return -1;
	*digits = k;
	*n = k - 1;
	return 0;
}

int reduce_message(const char *msg, size_t len, char *out, size_t cap)
{
	struct sbuf sb;
	struct url_parts u;
	size_t name = 0, rest, rest_len, all, line, col;
	const char *path;
	ptrdiff_t stop;

	if (text_ok(msg, len) != 0)
		return -1;
	while (name < len && ascii_is_alpha((unsigned char)msg[name]))
		name++;
	if (name == 0 || name > MESSAGE_NAME_MAX)
		return -1;
	sb_init(&sb, out, cap);
	sb_put(&sb, msg, name);
	if (name == len)
		return sb_end(&sb);
	if (msg[name] != ' ')
		return -1;
	rest = name + 1;
	rest_len = all = len - rest;
	/* PATH:LINE:COL, read from the end: an http(s) PATH has colons of its own. */
	if (take_number(msg + rest, &rest_len, &col) != 0 || take_number(msg + rest, &rest_len, &line) != 0)
		return -1;
	if (rest_len == 0)
		return -1;
	path = msg + rest;
	sb_putc(&sb, ' ');
	if (path[0] == '/') {
		stop = check_url_bytes(path, rest_len);
		if (stop < 0)
			return -1;
		put_path(&sb, path, (size_t)stop);
	} else {
		if (url_split(path, rest_len, 1, &u) != 0)
			return -1;
		put_path(&sb, u.path, u.path_len);
	}
	sb_putc(&sb, ':');
	sb_put(&sb, path + line, all - line); /* LINE:COL as sent */
	return sb_end(&sb);
}
