/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * invariants.h — what the fuzz targets assert about Lotse's outputs: REQUIRE
 * (abort, so that libFuzzer and the corpus replay report it), that a string
 * a batch returns lies in its arena, that texts hold no control character
 * and reduced paths no query, fragment or user-info, and that a redacted
 * text holds no e-mail address any more. Header-only, for fuzz targets only.
 */
#ifndef LOTSE_FUZZ_INVARIANTS_H
#define LOTSE_FUZZ_INVARIANTS_H

#include <stdlib.h>
#include <string.h>

#include "beacon.h"

#define REQUIRE(cond)                 \
	do {                          \
		if (!(cond))          \
			abort();      \
	} while (0)

/* A string the batch returned: NULL, or NUL-terminated inside the batch's arena. */
static inline void invariants_in_arena(const struct beacon_batch *b, const char *s)
{
	if (s == NULL)
		return;
	REQUIRE(s >= b->arena && s < b->arena + b->arena_used);
	REQUIRE(memchr(s, '\0', (size_t)(b->arena + b->arena_used - s)) != NULL);
}

/* s (NULL allowed): no control character (below 0x20, or 0x7F). */
static inline void invariants_no_controls(const char *s)
{
	for (; s != NULL && *s; s++)
		REQUIRE((unsigned char)*s >= 0x20 && *s != 0x7F);
}

/* s (NULL allowed), a reduced path or host: no '?', '#', '@', space or control character. */
static inline void invariants_path_like(const char *s)
{
	REQUIRE(s == NULL || strpbrk(s, "?#@ ") == NULL);
	invariants_no_controls(s);
}

static inline int invariants_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
	       c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Is c a letter of a top-level domain (ASCII, or a byte of a non-ASCII letter)? */
static inline int invariants_tld_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/*
 * Does s still hold an address of the form x@y.tld: a local character before
 * the '@', then labels and dots (runs of dots count as one) ending in a
 * label of two or more letters?
 */
static inline int invariants_has_email(const char *s)
{
	for (const char *at = strchr(s, '@'); at != NULL; at = strchr(at + 1, '@')) {
		const char *end = at + 1, *last;
		if (at == s || !invariants_local_char((unsigned char)at[-1]))
			continue;
		while (*end != '\0' && (invariants_local_char((unsigned char)*end) && *end != '_' && *end != '%' &&
		                        *end != '+'))
			end++;
		while (end > at + 1 && (end[-1] == '.' || end[-1] == '-'))
			end--;
		last = end;
		while (last > at + 1 && invariants_tld_char((unsigned char)last[-1]))
			last--;
		if (end - last < 2 || last[-1] != '.')
			continue;
		for (const char *p = at + 1; p < last - 1; p++) {
			if (*p != '.')
				return 1; /* a label before the dot */
		}
	}
	return 0;
}

#endif
