/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * churl.c — the parser of churl.h. One pass, left to right: scheme,
 * authority, path, query. Every copy is bounded by the record's arrays;
 * every refusal names the part of the URL it is about.
 *
 * Decisions: the scheme is matched exactly (lower case, as SCALE.md writes
 * it); a host name is [A-Za-z0-9.-]{1,253} and an IPv6 literal is
 * bracketed hex digits, colons and dots; "/" alone or no path means the
 * database "default"; a trailing "?" with no parameters is allowed.
 */
#include "churl.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"

/* [A-Za-z_][A-Za-z0-9_]{0,63}: safe unquoted in SQL. */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CHURL_NAME_MAX || ascii_is_digit((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!ascii_is_alnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	}
	return 1;
}

/* [A-Za-z0-9_.@-]{1,64}: safe in an HTTP header. */
static int user_ok(const char *s, size_t n)
{
	if (n == 0 || n > CHURL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!ascii_is_alnum((unsigned char)s[i]) && strchr("_.@-", s[i]) == NULL)
			return 0;
	}
	return 1;
}

static void copy(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Parses HOST[:PORT] of n bytes. Returns 0 or -1 with err. */
static int parse_authority(const char *s, size_t n, struct churl *u, char *err, size_t errlen)
{
	size_t hn, i = 0;
	const char *host = s;

	if (memchr(s, '@', n) != NULL) {
		snprintf(err, errlen, "clickhouse URL: no user or password before the host: "
		         "use ?user=NAME and LOTSE_CLICKHOUSE_PASSWORD");
		return -1;
	}
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL) {
			snprintf(err, errlen, "clickhouse URL: unclosed '[' in the host");
			return -1;
		}
		host = s + 1;
		hn = (size_t)(close - host);
		for (size_t k = 0; k < hn; k++) {
			char c = host[k];
			if (!ascii_is_hex((unsigned char)c) && c != ':' && c != '.') {
				snprintf(err, errlen, "clickhouse URL: not an IPv6 address in '[…]'");
				return -1;
			}
		}
		if (hn < 2) {
			snprintf(err, errlen, "clickhouse URL: not an IPv6 address in '[…]'");
			return -1;
		}
		u->ipv6 = 1;
		i = hn + 2;
	} else {
		while (i < n && s[i] != ':')
			i++;
		hn = i;
		for (size_t k = 0; k < hn; k++) {
			if (!ascii_is_alnum((unsigned char)s[k]) && s[k] != '.' && s[k] != '-') {
				snprintf(err, errlen, "clickhouse URL: the host may hold only letters, digits, '.' and '-'");
				return -1;
			}
		}
		if (hn == 0) {
			snprintf(err, errlen, "clickhouse URL: no host");
			return -1;
		}
	}
	if (hn > CHURL_HOST_MAX) {
		snprintf(err, errlen, "clickhouse URL: host longer than %d bytes", CHURL_HOST_MAX);
		return -1;
	}
	copy(u->host, host, hn);
	u->port = CHURL_DEFAULT_PORT;
	if (i == n)
		return 0;
	if (s[i] != ':' || i + 1 == n || n - i - 1 > 5) {
		snprintf(err, errlen, "clickhouse URL: the port must be a number 1..65535");
		return -1;
	}
	unsigned port = 0;
	for (size_t k = i + 1; k < n; k++) {
		if (!ascii_is_digit((unsigned char)s[k])) {
			snprintf(err, errlen, "clickhouse URL: the port must be a number 1..65535");
			return -1;
		}
		port = port * 10 + (unsigned)(s[k] - '0');
	}
	if (port == 0 || port > 65535) {
		snprintf(err, errlen, "clickhouse URL: the port must be a number 1..65535");
		return -1;
	}
	u->port = port;
	return 0;
}

/* Parses one KEY=VALUE of n bytes; seen marks the keys met before. Returns 0 or -1 with err. */
static int parse_param(const char *s, size_t n, struct churl *u, unsigned *seen, char *err, size_t errlen)
{
	static const char *const keys[] = { "table", "rejects", "user" };
	const char *eq = memchr(s, '=', n);
	size_t kn, vn;
	const char *v;
	int k = -1;

	if (eq == NULL) {
		snprintf(err, errlen, "clickhouse URL: a parameter without '=': use table=, rejects= or user=");
		return -1;
	}
	kn = (size_t)(eq - s);
	v = eq + 1;
	vn = n - kn - 1;
	for (int i = 0; i < 3; i++) {
		if (strlen(keys[i]) == kn && memcmp(keys[i], s, kn) == 0)
			k = i;
	}
	if (k < 0) {
		if ((kn == 8 && memcmp(s, "password", 8) == 0) || (kn == 3 && memcmp(s, "key", 3) == 0))
			snprintf(err, errlen, "clickhouse URL: never a password in the URL: "
			         "set LOTSE_CLICKHOUSE_PASSWORD");
		else
			snprintf(err, errlen, "clickhouse URL: unknown parameter (known: table, rejects, user)");
		return -1;
	}
	if (*seen & (1u << k)) {
		snprintf(err, errlen, "clickhouse URL: %s given twice", keys[k]);
		return -1;
	}
	*seen |= 1u << k;
	if (k == 2) {
		if (!user_ok(v, vn)) {
			snprintf(err, errlen, "clickhouse URL: user must match [A-Za-z0-9_.@-]{1,64}");
			return -1;
		}
		copy(u->user, v, vn);
		return 0;
	}
	if (!name_ok(v, vn)) {
		snprintf(err, errlen, "clickhouse URL: %s must match [A-Za-z_][A-Za-z0-9_]{0,63}", keys[k]);
		return -1;
	}
	copy(k == 0 ? u->table : u->rejects, v, vn);
	return 0;
}

int churl_is(const char *s)
{
	return s != NULL && strncmp(s, CHURL_PREFIX, sizeof CHURL_PREFIX - 1) == 0;
}

int churl_parse(const char *s, size_t n, struct churl *out, char *err, size_t errlen)
{
	const size_t plen = sizeof CHURL_PREFIX - 1;
	size_t i, a, p, q;
	unsigned seen = 0;

	memset(out, 0, sizeof *out);
	if (n > CHURL_MAX) {
		snprintf(err, errlen, "clickhouse URL: longer than %d bytes", CHURL_MAX);
		return -1;
	}
	if (n < plen || memcmp(s, CHURL_PREFIX, plen) != 0) {
		snprintf(err, errlen, "clickhouse URL: must begin with %s", CHURL_PREFIX);
		return -1;
	}
	for (i = plen; i < n; i++) {
		if (s[i] == '#' || s[i] == '%' || (unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) {
			snprintf(err, errlen, "clickhouse URL: no '#', '%%', spaces, control or non-ASCII characters");
			return -1;
		}
	}
	/* Authority up to the first '/' or '?'. */
	a = plen;
	for (p = a; p < n && s[p] != '/' && s[p] != '?'; p++)
		;
	if (parse_authority(s + a, p - a, out, err, errlen) != 0)
		return -1;
	/* Path: "/DATABASE", "/" or nothing. */
	for (q = p; q < n && s[q] != '?'; q++)
		;
	if (q - p <= 1) {
		strcpy(out->database, "default");
	} else if (!name_ok(s + p + 1, q - p - 1)) {
		snprintf(err, errlen, "clickhouse URL: the database must match [A-Za-z_][A-Za-z0-9_]{0,63}");
		return -1;
	} else {
		copy(out->database, s + p + 1, q - p - 1);
	}
	strcpy(out->table, "events");
	strcpy(out->rejects, "rejects");
	/* Query: KEY=VALUE joined by '&'. */
	for (i = q + 1; i < n;) {
		size_t e = i;

		while (e < n && s[e] != '&')
			e++;
		if (parse_param(s + i, e - i, out, &seen, err, errlen) != 0)
			return -1;
		i = e + 1;
		if (e + 1 == n) {
			snprintf(err, errlen, "clickhouse URL: a trailing '&'");
			return -1;
		}
	}
	if (strcmp(out->table, out->rejects) == 0) {
		snprintf(err, errlen, "clickhouse URL: table and rejects must differ");
		return -1;
	}
	return 0;
}
