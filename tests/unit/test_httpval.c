/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_httpval.c — unit tests of the HTTP values the collector reads itself
 * (collector/httpval.c): field names and values, a NUL hidden in a request
 * target, Accept-Encoding and If-None-Match, with the cases RFC 9110 gives
 * and the ones clients send.
 */
#include <string.h>

#include "../test.h"
#include "httpval.h"

#define S(x) x, strlen(x)

static void test_token_and_value(void)
{
	CHECK_INT(httpval_token(S("Content-Length")), 1);
	CHECK_INT(httpval_token(S("X-Forwarded-For")), 1);
	CHECK_INT(httpval_token(S("Content-Length ")), 0); /* whitespace before the colon */
	CHECK_INT(httpval_token(S("Content\tLength")), 0);
	CHECK_INT(httpval_token(S("")), 0);
	CHECK_INT(httpval_token(S("a\"b")), 0);
	CHECK_INT(httpval_field_value(S("text/plain; charset=UTF-8")), 1);
	CHECK_INT(httpval_field_value(S("a\tb")), 1);
	CHECK_INT(httpval_field_value(S("caf\xc3\xa9")), 1); /* obs-text */
	CHECK_INT(httpval_field_value(S("a\rb")), 0);
	CHECK_INT(httpval_field_value("a\0b", 3), 0);
	CHECK_INT(httpval_field_value(S("a\x7f")), 0);
}

static void test_uri_nul(void)
{
	CHECK_INT(httpval_uri_nul(S("/e")), HTTPVAL_NUL_NONE);
	CHECK_INT(httpval_uri_nul(S("/e%00")), HTTPVAL_NUL_PATH);
	CHECK_INT(httpval_uri_nul(S("/e%00?site=x")), HTTPVAL_NUL_PATH);
	CHECK_INT(httpval_uri_nul(S("/e?site=hx%00evil")), HTTPVAL_NUL_QUERY);
	CHECK_INT(httpval_uri_nul(S("/e?%00=1")), HTTPVAL_NUL_QUERY);
	CHECK_INT(httpval_uri_nul(S("/e?url=https%3A%2F%2Fa.de%2F%2500")), HTTPVAL_NUL_NONE); /* decodes to "%00" */
	CHECK_INT(httpval_uri_nul(S("/e?x=%0")), HTTPVAL_NUL_NONE);
	CHECK_INT(httpval_uri_nul(S("/e?x=%01")), HTTPVAL_NUL_NONE);
}

static void test_accepts_gzip(void)
{
	CHECK_INT(httpval_accepts_gzip(NULL, 0), 0);
	CHECK_INT(httpval_accepts_gzip(S("gzip, deflate, br, zstd")), 1); /* Chromium */
	CHECK_INT(httpval_accepts_gzip(S("gzip, deflate, br")), 1);
	CHECK_INT(httpval_accepts_gzip(S("GZIP")), 1);
	CHECK_INT(httpval_accepts_gzip(S("x-gzip")), 1);
	CHECK_INT(httpval_accepts_gzip(S("identity")), 0);
	CHECK_INT(httpval_accepts_gzip(S("")), 0);
	CHECK_INT(httpval_accepts_gzip(S("gzip;q=0")), 0);
	CHECK_INT(httpval_accepts_gzip(S("gzip; q=0.000")), 0);
	CHECK_INT(httpval_accepts_gzip(S("gzip;q=0.001")), 1);
	CHECK_INT(httpval_accepts_gzip(S("gzip;q=1.0, identity; q=0.5")), 1);
	CHECK_INT(httpval_accepts_gzip(S("*")), 1);
	CHECK_INT(httpval_accepts_gzip(S("*;q=0")), 0);
	CHECK_INT(httpval_accepts_gzip(S("gzip;q=0, *")), 0);   /* named: its own q-value wins */
	CHECK_INT(httpval_accepts_gzip(S("br, *;q=0.1")), 1);
	CHECK_INT(httpval_accepts_gzip(S("gzipx, xgzip")), 0);
	CHECK_INT(httpval_accepts_gzip(S("deflate;q=0.5,gzip")), 1);
}

static void test_none_match(void)
{
	const char *tag = "\"0123456789abcdef\"";

	CHECK_INT(httpval_none_match(NULL, 0, tag), 0);
	CHECK_INT(httpval_none_match(S("\"0123456789abcdef\""), tag), 1);
	CHECK_INT(httpval_none_match(S("W/\"0123456789abcdef\""), tag), 1);
	CHECK_INT(httpval_none_match(S("\"x\", \"0123456789abcdef\""), tag), 1);
	CHECK_INT(httpval_none_match(S("*"), tag), 1);
	CHECK_INT(httpval_none_match(S("\"0123456789abcde\""), tag), 0);
	CHECK_INT(httpval_none_match(S("\"0123456789abcdef-gz\""), tag), 0);
	CHECK_INT(httpval_none_match(S("0123456789abcdef"), tag), 0); /* unquoted */
	CHECK_INT(httpval_none_match(S("\"x\"\"0123456789abcdef"), tag), 0);
	CHECK_INT(httpval_none_match(S("\"unterminated"), tag), 0);
}

int main(void)
{
	RUN(test_token_and_value);
	RUN(test_uri_nul);
	RUN(test_accepts_gzip);
	RUN(test_none_match);
	return test_summary("httpval");
}
