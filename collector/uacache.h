/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * uacache.h — the classes (device, browser, OS, bot) of recently seen
 * User-Agents, so that a serving collector classifies each distinct
 * User-Agent once rather than once per request. Entries are found by a keyed
 * 64-bit hash (SipHash-2-4 under a random per-process key); the User-Agent
 * string itself is never kept. Fixed size, thread-safe.
 */
#ifndef LOTSE_UACACHE_H
#define LOTSE_UACACHE_H

#include <stddef.h>

#include "ua.h"

struct ua_cache;

/* Returns 0 and *out, or -1 when out of memory. Requires sodium_init(). */
int ua_cache_new(struct ua_cache **out);

/* As ua_classify (ua may be NULL), answered from the cache when ua was seen recently. */
void ua_cache_classify(struct ua_cache *c, const char *ua, size_t len, struct ua_class *out);

/* Frees c; NULL is ignored. */
void ua_cache_free(struct ua_cache *c);

#endif
