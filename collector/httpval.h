/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * httpval.h — the few HTTP header values and request parts the collector
 * reads itself, as pure functions of bytes (fuzzed by
 * tests/fuzz/fuzz_httpval.c): field names and values as RFC 9110 allows
 * them, a NUL hidden in the percent-encoding of a request target,
 * Accept-Encoding (does it take gzip?) and If-None-Match (does it name our
 * entity tag?). Knows nothing of libmicrohttpd.
 */
#ifndef LOTSE_HTTPVAL_H
#define LOTSE_HTTPVAL_H

#include <stddef.h>

/* Returns 1 when s (n bytes, n >= 1) is a token (RFC 9110 5.6.2): a field name. */
int httpval_token(const char *s, size_t n);

/*
 * Returns 1 when s (n bytes) may be a field value (RFC 9110 5.5): visible
 * characters, SP, HTAB and obs-text; no CR, LF, NUL or other control.
 */
int httpval_field_value(const char *s, size_t n);

enum httpval_nul { HTTPVAL_NUL_NONE, HTTPVAL_NUL_PATH, HTTPVAL_NUL_QUERY };

/*
 * Where the raw request target uri (n bytes, before percent-decoding) hides
 * a NUL ("%00"): in the path (before the first '?'), in the query, or not at
 * all. The path is checked first: a NUL in both is HTTPVAL_NUL_PATH.
 */
enum httpval_nul httpval_uri_nul(const char *uri, size_t n);

/*
 * Returns 1 when an Accept-Encoding value (n bytes; NULL: no header) accepts
 * gzip: "gzip" or "x-gzip" with a q-value above 0, or else "*" with a
 * q-value above 0 (RFC 9110 12.5.3).
 */
int httpval_accepts_gzip(const char *ae, size_t n);

/*
 * Returns 1 when an If-None-Match value (n bytes) matches etag (a quoted
 * strong entity tag, "\"...\""): "*", or a list member equal to it under
 * weak comparison (a W/ prefix is ignored, RFC 9110 13.1.2).
 */
int httpval_none_match(const char *inm, size_t n, const char *etag);

#endif
