/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * invariants.h — what the fuzz targets assert about Lotse's outputs: REQUIRE
 * (abort, so that libFuzzer and the corpus replay report it) and the check
 * that a redacted text holds no e-mail address any more. Header-only, for
 * fuzz targets only.
 */
#ifndef LOTSE_FUZZ_INVARIANTS_H
#define LOTSE_FUZZ_INVARIANTS_H

#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond)                 \
	do {                          \
		if (!(cond))          \
			abort();      \
	} while (0)

static inline int invariants_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
	       c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Does s still hold an address of the form x@y.z? */
static inline int invariants_has_email(const char *s)
{
	for (const char *at = strchr(s, '@'); at != NULL; at = strchr(at + 1, '@')) {
		const char *end = at + 1;
		if (at == s || !invariants_local_char((unsigned char)at[-1]))
			continue;
		while (*end != '\0' && (invariants_local_char((unsigned char)*end) && *end != '_' && *end != '%' &&
		                        *end != '+'))
			end++;
		while (end > at + 1 && (end[-1] == '.' || end[-1] == '-'))
			end--;
		for (const char *p = at + 2; p + 1 < end; p++) {
			if (*p == '.' && at[1] != '.')
				return 1;
		}
	}
	return 0;
}

#endif
