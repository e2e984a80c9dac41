/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reduce.c — the privacy reductions of reduce.h: URLs to hosts and paths with
 * identifying segments replaced, search queries and script error messages
 * redacted. Each function validates its own input (length, UTF-8, URL shape),
 * so a caller can hand it raw bytes, and writes at most cap bytes including
 * the NUL. An output that does not fit is a failure (-1) too: callers size
 * out generously (see beacon.c), and a silent truncation could cut a
 * placeholder in half.
 *
 * Deliberately not done here: percent-decoding (a path is kept as sent, so
 * the stored path is what the page's address bar showed), IDN conversion
 * (hosts must already be ASCII, as browsers send them), and any notion of
 * which field is required for which event (that is beacon.c).
 *
 * Decisions beyond PROTOCOL.md, all on the side of privacy:
 *  - A path segment with a percent-encoded '@' ("%40") counts as one with '@'.
 *  - Query lower-casing covers ASCII, Latin-1 and Latin Extended-A letters;
 *    'İ' becomes 'i', 'ß' stays. Whitespace is ASCII whitespace plus the
 *    Unicode spaces (NBSP, U+2000..U+200A, …); other control characters are
 *    dropped.
 *  - Message redaction: control characters are dropped; a quoted string
 *    ('…', "…" or `…`, opened after a non-letter, closed before one) keeps
 *    its quotes and its content becomes "…" (U+2026): "reading 'foo'" →
 *    "reading '…'"; e-mail addresses become "[email]" as in queries; then
 *    every run of ASCII digits becomes "N": "line 42:7" → "line N:N".
 */
#include "reduce.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "swar.h"

#define TEXT_MAX_CHARS 200
/* Work buffers for free text: 200 code points are at most 800 bytes, and no
 * step below grows text by more than 5/2 ("''" → "'…'"). */
#define TEXT_BUF 4096

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

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char lower_ascii(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
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
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
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
	if (!is_alpha((unsigned char)url[0]))
		return -1;
	while (i < len && (is_alnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.'))
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
		while (host_end < auth_end && (is_hex((unsigned char)url[host_end]) || url[host_end] == ':' ||
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
			if (!is_digit((unsigned char)url[k]))
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

/* Does s[0..n) hold a UUID: 8-4-4-4-12 hex digits, any case? */
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
		} else if (!is_hex((unsigned char)s[k])) {
			return 0;
		}
	}
	return 1;
}

/* Should a path segment become ":id"? */
static int segment_is_id(const char *s, size_t n)
{
	size_t run = 0;

	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == '@')
			return 1;
		if (c == '%' && n - k >= 3 && s[k + 1] == '4' && s[k + 2] == '0')
			return 1;
		if (is_digit(c)) {
			if (++run >= 5)
				return 1;
		} else {
			run = 0;
		}
		if (is_hex(c) && is_uuid_at(s + k, n - k))
			return 1;
	}
	return 0;
}

/* Appends the reduced path: "/" when empty, identifying segments as ":id". */
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
		k = slash != NULL ? (size_t)(slash - path) : n;
		sb_putc(sb, '/');
		if (segment_is_id(path + start, k - start))
			sb_put(sb, ":id", 3);
		else
			sb_put(sb, path + start, k - start);
	}
}

static void put_host(struct sbuf *sb, const char *host, size_t n)
{
	size_t at = sb->len;

	sb_put(sb, host, n);
	if (!sb->overflow)
		for (size_t k = at; k < sb->len; k++)
			sb->p[k] = (char)lower_ascii((unsigned char)sb->p[k]);
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
		put_host(&sb, u.host, u.host_len);
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
		put_host(&sb, u.host, u.host_len);
	return sb_end(&sb);
}

int reduce_href(const char *href, size_t len, char *out, size_t cap)
{
	struct url_parts u;
	struct sbuf sb;

	if (url_split(href, len, 1, &u) != 0)
		return -1;
	sb_init(&sb, out, cap);
	put_host(&sb, u.host, u.host_len);
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

/* Checks UTF-8 and the 200 code point limit of q and message. */
static int text_ok(const char *s, size_t len)
{
	size_t chars;

	if (s == NULL && len > 0)
		return -1;
	if (json_utf8_check(s, len, &chars) != 0 || chars > TEXT_MAX_CHARS)
		return -1;
	return 0;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* Lower-cases ASCII, Latin-1 and Latin Extended-A letters; 'ß' has no capital here. */
static uint32_t lower_cp(uint32_t c)
{
	if (c < 0x80)
		return lower_ascii((unsigned char)c);
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 0x20;
	if (c == 0x130)
		return 'i';
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xFF;
	return c;
}

static void put_cp(struct sbuf *sb, uint32_t c)
{
	char enc[4];

	sb_put(sb, enc, json_utf8_encode(c, enc));
}

/* Query step 1: lower-case, fold whitespace runs to one space, trim, drop controls. */
static void normalize_query(const char *s, size_t n, struct sbuf *sb)
{
	size_t k = 0;
	int pending_space = 0;

	while (k < n) {
		uint32_t cp;
		size_t step = json_utf8_seq(s + k, n - k, &cp);
		k += step; /* the caller checked the UTF-8: step > 0 */
		if (is_space(cp)) {
			pending_space = sb->len > 0;
			continue;
		}
		if (is_control(cp))
			continue;
		if (pending_space)
			sb_putc(sb, ' ');
		pending_space = 0;
		put_cp(sb, lower_cp(cp));
	}
}

/* Drops C0 control characters and DEL; keeps everything else. */
static void strip_controls(const char *s, size_t n, struct sbuf *sb)
{
	for (size_t k = 0; k < n; k++) {
		if (!is_control((unsigned char)s[k]))
			sb_putc(sb, s[k]);
	}
}

int reduce_text(const char *s, size_t len, char *out, size_t cap)
{
	struct sbuf sb;

	sb_init(&sb, out, cap);
	strip_controls(s, len, &sb);
	return sb_end(&sb);
}

static int is_local_char(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int is_domain_char(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || c == '.' || c == '-';
}

/*
 * Replaces e-mail addresses (local@domain.tld: a non-empty local part, a
 * domain with a dot inside, sentence punctuation after it not included) by
 * [email].
 */
static void redact_email(const char *s, size_t n, struct sbuf *sb)
{
	size_t emitted = 0;

	for (size_t at = 0; at < n; at++) {
		size_t start, end, dot = 0;

		if (s[at] != '@')
			continue;
		start = at;
		while (start > emitted && is_local_char((unsigned char)s[start - 1]))
			start--;
		if (start == at)
			continue;
		end = at + 1;
		while (end < n && is_domain_char((unsigned char)s[end]))
			end++;
		while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
			end--;
		for (size_t k = at + 2; k + 1 < end; k++) {
			if (s[k] == '.')
				dot = k;
		}
		if (end <= at + 1 || s[at + 1] == '.' || dot == 0)
			continue;
		sb_put(sb, s + emitted, start - emitted);
		sb_put(sb, "[email]", 7);
		emitted = end;
		at = end - 1;
	}
	sb_put(sb, s + emitted, n - emitted);
}

/*
 * The end of an IBAN starting at s[i], or 0: two letters, two digits, then
 * letters and digits to 14..34 in all, a single space allowed after every
 * fourth. A spaced group must hold a digit unless it is the bank code right
 * after the country group ("GB29 NWBK …"), so "… 3201 und" stops before "und".
 */
static size_t match_iban(const char *s, size_t n, size_t i)
{
	size_t count = 4, j = i + 4;

	if (n - i < 14 || (i > 0 && is_alnum((unsigned char)s[i - 1])))
		return 0;
	if (!is_alpha((unsigned char)s[i]) || !is_alpha((unsigned char)s[i + 1]) ||
	    !is_digit((unsigned char)s[i + 2]) || !is_digit((unsigned char)s[i + 3]))
		return 0;
	for (;;) {
		if (j < n && is_alnum((unsigned char)s[j])) {
			if (++count > 34)
				return 0;
			j++;
			continue;
		}
		if (j + 1 < n && s[j] == ' ' && count % 4 == 0 && is_alnum((unsigned char)s[j + 1])) {
			int has_digit = 0;
			for (size_t k = j + 1; k < n && k < j + 5 && is_alnum((unsigned char)s[k]); k++)
				has_digit |= is_digit((unsigned char)s[k]);
			if (has_digit || count == 4) {
				j++;
				continue;
			}
		}
		break;
	}
	return count >= 14 ? j : 0;
}

/*
 * The end of a phone number starting at s[i], or 0: '+' or '0', then at least
 * six more digits, single spaces, '/' or '-' allowed between digit groups.
 */
static size_t match_phone(const char *s, size_t n, size_t i)
{
	size_t j = i + 1, digits = 0;

	if (s[i] != '+' && s[i] != '0')
		return 0;
	if (i > 0 && is_alnum((unsigned char)s[i - 1]))
		return 0;
	if (s[i] == '+' && !(j < n && is_digit((unsigned char)s[j])))
		return 0;
	for (;;) {
		if (j < n && is_digit((unsigned char)s[j])) {
			digits++;
			j++;
			continue;
		}
		if (j + 1 < n && (s[j] == ' ' || s[j] == '/' || s[j] == '-') && is_digit((unsigned char)s[j - 1]) &&
		    is_digit((unsigned char)s[j + 1])) {
			j++;
			continue;
		}
		break;
	}
	return digits >= 6 ? j : 0;
}

/* Replaces what match finds by word; copies the rest. */
static void redact_matches(const char *s, size_t n, size_t (*match)(const char *, size_t, size_t),
                           const char *word, struct sbuf *sb)
{
	size_t emitted = 0, i = 0;

	while (i < n) {
		size_t end = match(s, n, i);
		if (end > i) {
			sb_put(sb, s + emitted, i - emitted);
			sb_put(sb, word, strlen(word));
			emitted = i = end;
		} else {
			i++;
		}
	}
	sb_put(sb, s + emitted, n - emitted);
}

/* Replaces runs of at least min_run ASCII digits by word. */
static void redact_digits(const char *s, size_t n, size_t min_run, const char *word, struct sbuf *sb)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && is_digit((unsigned char)s[j]))
			j++;
		if (j - i >= min_run) {
			sb_put(sb, word, strlen(word));
		} else if (j > i) {
			sb_put(sb, s + i, j - i);
		} else {
			sb_putc(sb, s[i]);
			j = i + 1;
		}
		i = j;
	}
}

int reduce_query(const char *q, size_t len, char *out, size_t cap)
{
	char a[TEXT_BUF], b[TEXT_BUF];
	struct sbuf sa, sbb, so;

	if (text_ok(q, len) != 0)
		return -1;
	sb_init(&sa, a, sizeof a);
	normalize_query(q, len, &sa);
	sb_init(&sbb, b, sizeof b);
	redact_email(a, sa.len, &sbb);
	sb_init(&sa, a, sizeof a);
	redact_matches(b, sbb.len, match_iban, "[iban]", &sa);
	sb_init(&sbb, b, sizeof b);
	redact_matches(a, sa.len, match_phone, "[tel]", &sbb);
	sb_init(&so, out, cap);
	redact_digits(b, sbb.len, 5, "[zahl]", &so);
	if (sa.overflow || sbb.overflow)
		return -1;
	return sb_end(&so);
}

/* Can a quote at s[i] open a quoted string? Not inside a word ("can't"). */
static int word_byte(unsigned char c)
{
	return is_alnum(c) || c >= 0x80;
}

/* Replaces the content of quoted strings by "…", keeping the quotes. */
static void redact_quotes(const char *s, size_t n, struct sbuf *sb)
{
	int exhausted[3] = {0, 0, 0}; /* no closer left for ' " ` */
	static const char quotes[] = "'\"`";
	size_t i = 0;

	while (i < n) {
		const char *qp = strchr(quotes, s[i]);
		size_t qi, close = 0;

		if (s[i] == '\0' || qp == NULL || (i > 0 && word_byte((unsigned char)s[i - 1]))) {
			sb_putc(sb, s[i++]);
			continue;
		}
		qi = (size_t)(qp - quotes);
		if (!exhausted[qi]) {
			for (size_t k = i + 1; k < n; k++) {
				if (s[k] == s[i] && (k + 1 == n || !word_byte((unsigned char)s[k + 1]))) {
					close = k;
					break;
				}
			}
			if (close == 0)
				exhausted[qi] = 1;
		}
		if (close == 0) {
			sb_putc(sb, s[i++]);
			continue;
		}
		sb_putc(sb, s[i]);
		sb_put(sb, "\xE2\x80\xA6", 3);
		sb_putc(sb, s[i]);
		i = close + 1;
	}
}

int reduce_message(const char *msg, size_t len, char *out, size_t cap)
{
	char a[TEXT_BUF], b[TEXT_BUF];
	struct sbuf sa, sbb, so;

	if (text_ok(msg, len) != 0)
		return -1;
	sb_init(&sa, a, sizeof a);
	strip_controls(msg, len, &sa);
	sb_init(&sbb, b, sizeof b);
	redact_quotes(a, sa.len, &sbb);
	sb_init(&sa, a, sizeof a);
	redact_email(b, sbb.len, &sa);
	sb_init(&so, out, cap);
	redact_digits(a, sa.len, 1, "N", &so);
	if (sa.overflow || sbb.overflow)
		return -1;
	return sb_end(&so);
}
