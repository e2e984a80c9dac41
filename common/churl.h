/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * churl.h — the --db URL of a ClickHouse store (SCALE.md):
 *   clickhouse://HOST[:PORT]/DATABASE[?table=NAME&rejects=NAME&user=NAME]
 * parsed into a fixed record. Pure: no network, no environment. The
 * password never appears here: it comes from LOTSE_CLICKHOUSE_PASSWORD
 * (clickhouse.h), and a URL that tries to carry one is refused.
 */
#ifndef LOTSE_CHURL_H
#define LOTSE_CHURL_H

#include <stddef.h>

#define CHURL_PREFIX "clickhouse://"
#define CHURL_MAX 1024         /* longest URL accepted */
#define CHURL_HOST_MAX 253     /* a DNS name; an IPv6 literal is shorter */
#define CHURL_NAME_MAX 64      /* database, table and user names */
#define CHURL_DEFAULT_PORT 8123

struct churl {
	char host[CHURL_HOST_MAX + 1];     /* name, IPv4 literal, or IPv6 literal without brackets */
	int ipv6;                          /* host is an IPv6 literal */
	unsigned port;                     /* 1..65535; CHURL_DEFAULT_PORT when absent */
	char database[CHURL_NAME_MAX + 1]; /* "default" when absent */
	char table[CHURL_NAME_MAX + 1];    /* "events" when absent */
	char rejects[CHURL_NAME_MAX + 1];  /* "rejects" when absent */
	char user[CHURL_NAME_MAX + 1];     /* "" when absent: ClickHouse's user "default" */
};

/* Whether s (NUL-terminated) names a ClickHouse store rather than a SQLite file. */
int churl_is(const char *s);

/*
 * Parses s (n bytes, need not be NUL-terminated). Names (database, table,
 * rejects) must match [A-Za-z_][A-Za-z0-9_]{0,63}, so that they can stand
 * in SQL unquoted; user [A-Za-z0-9_.@-]{1,64}. Refused: user-info or a
 * password parameter (the password comes from the environment), unknown or
 * repeated parameters, percent-escapes, a fragment. Returns 0 and *out, or
 * -1 with a one-line reason in err (out is then unspecified).
 */
int churl_parse(const char *s, size_t n, struct churl *out, char *err, size_t errlen);

#endif
