/* SPDX-License-Identifier: EUPL-1.2 */
/* httpval.c — HTTP header values and request targets as pure byte checks (see httpval.h). */
#include "httpval.h"

#include <string.h>
#include <strings.h>

/* tchar of RFC 9110 5.6.2. */
static int tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

int httpval_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

int httpval_field_value(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return 0;
	}
	return 1;
}

enum httpval_nul httpval_uri_nul(const char *uri, size_t n)
{
	enum httpval_nul where = HTTPVAL_NUL_PATH;

	for (size_t i = 0; i < n; i++) {
		if (uri[i] == '?' && where == HTTPVAL_NUL_PATH)
			where = HTTPVAL_NUL_QUERY;
		else if (uri[i] == '%' && i + 2 < n && uri[i + 1] == '0' && uri[i + 2] == '0')
			return where;
	}
	return HTTPVAL_NUL_NONE;
}

static int ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The q-value of the parameters p..end of one list member: 1 when above 0 (or absent), else 0. */
static int q_above_zero(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (ows(*p) || *p == ';'))
			p++;
		const char *name = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		if (p - name == 1 && (*name == 'q' || *name == 'Q') && p < end && *p == '=') {
			/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
			for (p++; p < end && *p != ';' && !ows(*p); p++)
				if (*p >= '1' && *p <= '9')
					return 1;
			return 0;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

int httpval_accepts_gzip(const char *ae, size_t n)
{
	const char *p = ae, *end = ae + n;
	int gzip = -1, star = -1; /* -1: not listed; else whether accepted */

	if (ae == NULL)
		return 0;
	while (p < end) {
		while (p < end && (ows(*p) || *p == ','))
			p++;
		const char *coding = p;
		while (p < end && *p != ',' && *p != ';' && !ows(*p))
			p++;
		size_t len = (size_t)(p - coding);
		const char *params = p;
		while (p < end && *p != ',')
			p++;
		int ok = q_above_zero(params, p);
		if ((len == 4 && strncasecmp(coding, "gzip", 4) == 0) ||
		    (len == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
			gzip = gzip == 1 ? 1 : ok;
		else if (len == 1 && coding[0] == '*')
			star = ok;
	}
	if (gzip >= 0)
		return gzip;
	return star == 1;
}

int httpval_none_match(const char *inm, size_t n, const char *etag)
{
	const char *p = inm, *end = inm + n;
	size_t elen = strlen(etag);

	if (inm == NULL)
		return 0;
	while (p < end) {
		while (p < end && (ows(*p) || *p == ','))
			p++;
		if (p == end)
			break;
		if (*p == '*')
			return 1;
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		if (p == end || *p != '"')
			return 0; /* not a list of entity tags */
		const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (close == NULL)
			return 0;
		if ((size_t)(close + 1 - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = close + 1;
	}
	return 0;
}
