/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_churl.c — libFuzzer target for the ClickHouse --db URL parser
 * (common/churl.c). A URL it accepts must give a record within its rules
 * (names that stand unquoted in SQL, a user fit for a header, a port
 * 1..65535), and writing that record back as a URL must parse to the same
 * record.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "churl.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require_name(const char *s, int user)
{
	size_t n = strlen(s);

	REQUIRE(n >= 1 && n <= CHURL_NAME_MAX);
	REQUIRE(user || !(s[0] >= '0' && s[0] <= '9'));
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		         (user && (c == '.' || c == '@' || c == '-'));
		REQUIRE(ok);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct churl u, again;
	char err[256], url[CHURL_MAX * 2];
	int n;

	err[0] = '\0';
	if (churl_parse((const char *)data, size, &u, err, sizeof err) != 0) {
		REQUIRE(strncmp(err, "clickhouse URL: ", 16) == 0);
		return 0;
	}
	REQUIRE(u.host[0] != '\0' && strlen(u.host) <= CHURL_HOST_MAX);
	REQUIRE(u.port >= 1 && u.port <= 65535);
	require_name(u.database, 0);
	require_name(u.table, 0);
	require_name(u.rejects, 0);
	REQUIRE(strcmp(u.table, u.rejects) != 0);
	if (u.user[0] != '\0')
		require_name(u.user, 1);
	n = snprintf(url, sizeof url, "clickhouse://%s%s%s:%u/%s?table=%s&rejects=%s%s%s", u.ipv6 ? "[" : "",
	             u.host, u.ipv6 ? "]" : "", u.port, u.database, u.table, u.rejects, u.user[0] ? "&user=" : "",
	             u.user);
	REQUIRE(n > 0 && (size_t)n < sizeof url);
	if ((size_t)n > CHURL_MAX)
		return 0; /* a long record written out with every default spelled: over the URL limit */
	REQUIRE(churl_parse(url, (size_t)n, &again, err, sizeof err) == 0);
	REQUIRE(memcmp(&u, &again, sizeof u) == 0);
	return 0;
}
