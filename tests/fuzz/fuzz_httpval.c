/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_httpval.c — libFuzzer target for the HTTP values the collector reads
 * itself (collector/httpval.c), each fed the whole input: a token has only
 * tchars, a field value no CR, LF or NUL; "no NUL" in a target means no
 * "%00" in it; an If-None-Match that is exactly the tag, or "*", matches;
 * Accept-Encoding answers 0 or 1.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "httpval.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	static const char tag[] = "\"0123456789abcdef\"";

	if (httpval_token(s, size))
		REQUIRE(size > 0 && memchr(s, ' ', size) == NULL && memchr(s, ':', size) == NULL &&
		        memchr(s, '\0', size) == NULL);
	if (httpval_field_value(s, size))
		REQUIRE(memchr(s, '\r', size) == NULL && memchr(s, '\n', size) == NULL && memchr(s, '\0', size) == NULL);
	enum httpval_nul nul = httpval_uri_nul(s, size);
	REQUIRE(nul == HTTPVAL_NUL_NONE || nul == HTTPVAL_NUL_PATH || nul == HTTPVAL_NUL_QUERY);
	if (nul == HTTPVAL_NUL_NONE)
		REQUIRE(memmem(s, size, "%00", 3) == NULL);
	int gz = httpval_accepts_gzip(s, size);
	REQUIRE(gz == 0 || gz == 1);
	int m = httpval_none_match(s, size, tag);
	REQUIRE(m == 0 || m == 1);
	REQUIRE(httpval_none_match(tag, sizeof tag - 1, tag) == 1);
	return 0;
}
