/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sites.c — loading and querying the --sites file. Validates every row
 * (site id syntax, origin syntax, no duplicates) so that a mistake is found
 * at start or reload, never while serving. Sized for every municipality of
 * Germany (about 11 000) and more: two open-addressing hash tables, site id
 * → site and origin → listed at all, make each lookup O(1) however many
 * sites there are; origin texts live in one arena.
 */
#include "sites.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvread.h"
#include "event.h"
#include "reduce.h"

#define SITES_MAX 100000
#define ORIGINS_MAX 8
#define ORIGIN_LEN_MAX 128

struct site {
	char id[EVENT_SITE_MAX + 1];
	uint32_t first;      /* its origins: origins[first .. first + n_origins) */
	uint32_t n_origins;
};

struct origin {
	uint32_t at, len;    /* its text: arena[at .. at + len) */
};

/*
 * A set of entry indexes, open addressing with linear probing; a slot holds
 * index + 1, 0 is empty. Capacity a power of two, at most half full.
 */
struct table {
	uint32_t *slot;
	size_t cap;
	size_t n;
};

struct sites {
	struct site *list;
	size_t n, cap;
	struct origin *origins;
	size_t n_origins, cap_origins;
	char *arena;
	size_t arena_len, arena_cap;
	struct table by_id;      /* site indexes by id */
	struct table by_origin;  /* origin indexes, one per distinct origin (any case) */
};

/* --- hashing ------------------------------------------------------------------ */

/* FNV-1a over the bytes, ASCII letters folded when fold (origins compare without regard to case). */
static uint64_t hash(const char *s, size_t n, int fold)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (fold && ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		h = (h ^ ch) * 1099511628211ULL;
	}
	return h;
}

static const char *origin_text(const struct sites *s, uint32_t i)
{
	return s->arena + s->origins[i].at;
}

static int origin_equals(const struct sites *s, uint32_t i, const char *origin, size_t len)
{
	return s->origins[i].len == len && strncasecmp(origin_text(s, i), origin, len) == 0;
}

/* The site with id, or NULL. */
static struct site *find_site(const struct sites *s, const char *id)
{
	size_t n = strlen(id), mask = s->by_id.cap - 1;

	if (s->by_id.cap == 0)
		return NULL;
	for (size_t i = (size_t)hash(id, n, 0) & mask; s->by_id.slot[i] != 0; i = (i + 1) & mask) {
		struct site *site = &s->list[s->by_id.slot[i] - 1];
		if (strcmp(site->id, id) == 0)
			return site;
	}
	return NULL;
}

/* Whether any site lists origin (len bytes, any case). */
static int find_origin(const struct sites *s, const char *origin, size_t len)
{
	size_t mask = s->by_origin.cap - 1;

	if (s->by_origin.cap == 0)
		return 0;
	for (size_t i = (size_t)hash(origin, len, 1) & mask; s->by_origin.slot[i] != 0; i = (i + 1) & mask)
		if (origin_equals(s, s->by_origin.slot[i] - 1, origin, len))
			return 1;
	return 0;
}

/* The hash of entry e of table t (which table it is decides what e indexes). */
static uint64_t entry_hash(const struct sites *s, const struct table *t, uint32_t e)
{
	if (t == &s->by_id)
		return hash(s->list[e].id, strlen(s->list[e].id), 0);
	return hash(origin_text(s, e), s->origins[e].len, 1);
}

/* Puts entry e (not yet in t) into t, growing t first when it would be over half full. Returns 0 or -1. */
static int table_add(struct sites *s, struct table *t, uint32_t e)
{
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		uint32_t *slot = calloc(cap, sizeof *slot);
		if (slot == NULL)
			return -1;
		for (size_t i = 0; i < t->cap; i++) {
			if (t->slot[i] == 0)
				continue;
			size_t j = (size_t)entry_hash(s, t, t->slot[i] - 1) & (cap - 1);
			while (slot[j] != 0)
				j = (j + 1) & (cap - 1);
			slot[j] = t->slot[i];
		}
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	size_t j = (size_t)entry_hash(s, t, e) & (t->cap - 1);
	while (t->slot[j] != 0)
		j = (j + 1) & (t->cap - 1);
	t->slot[j] = e + 1;
	t->n++;
	return 0;
}

/* --- loading ------------------------------------------------------------------ */

/* Grows *p (of *cap elements of size) to hold need; returns 0 or -1. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/*
 * An origin is what reduce_origin makes of a request's URL, and nothing
 * more: "http(s)://host[:port]" (no path, user-info, query or empty port).
 */
static int valid_origin(const char *s, size_t n)
{
	char o[ORIGIN_LEN_MAX];

	return n > 0 && reduce_origin(s, n, o, sizeof o) == (int)n;
}

/* Adds origin p (len bytes, valid) to the site being loaded (the last). Returns 0 or -1 (memory). */
static int add_origin(struct sites *s, struct site *site, const char *p, size_t len)
{
	uint32_t e = (uint32_t)s->n_origins;

	if (grow((void **)&s->origins, &s->cap_origins, s->n_origins + 1, sizeof *s->origins) != 0 ||
	    grow((void **)&s->arena, &s->arena_cap, s->arena_len + len, 1) != 0)
		return -1;
	memcpy(s->arena + s->arena_len, p, len);
	s->origins[e].at = (uint32_t)s->arena_len;
	s->origins[e].len = (uint32_t)len;
	s->arena_len += len;
	s->n_origins++;
	site->n_origins++;
	if (!find_origin(s, p, len) && table_add(s, &s->by_origin, e) != 0)
		return -1;
	return 0;
}

static int on_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct sites *s = ctx;

	if (line == 1 && strcmp(f[0], "site") == 0)
		return 0; /* the header row */
	if (n != 3) {
		snprintf(err, errlen, "expected 3 columns site,name,origins, found %zu", n);
		return -1;
	}
	if (!event_site_valid(f[0])) {
		snprintf(err, errlen, "site id '%.40s' must match [a-z0-9-]{1,32}", f[0]);
		return -1;
	}
	if (find_site(s, f[0]) != NULL) {
		snprintf(err, errlen, "site '%s' is listed twice", f[0]);
		return -1;
	}
	if (s->n == SITES_MAX) {
		snprintf(err, errlen, "more than %d sites", SITES_MAX);
		return -1;
	}
	if (grow((void **)&s->list, &s->cap, s->n + 1, sizeof *s->list) != 0)
		goto nomem;
	struct site *site = &s->list[s->n];
	memset(site, 0, sizeof *site);
	_Static_assert(sizeof site->id == EVENT_SITE_MAX + 1, "a site id and its NUL");
	strcpy(site->id, f[0]); /* valid: at most EVENT_SITE_MAX bytes */
	site->first = (uint32_t)s->n_origins;
	for (char *p = f[2]; *p != '\0';) {
		size_t len;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t");
		if (len == 0)
			break;
		if (!valid_origin(p, len)) {
			snprintf(err, errlen, "origin '%.*s' is not scheme://host[:port]",
			         (int)(len > 80 ? 80 : len), p);
			return -1;
		}
		if (site->n_origins == ORIGINS_MAX) {
			snprintf(err, errlen, "more than %d origins for site '%s'", ORIGINS_MAX, site->id);
			return -1;
		}
		if (add_origin(s, site, p, len) != 0)
			goto nomem;
		p += len;
	}
	if (table_add(s, &s->by_id, (uint32_t)s->n) != 0)
		goto nomem;
	s->n++;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int sites_load(const char *path, struct sites **out, char *err, size_t errlen)
{
	struct sites *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (csvread_file(path, on_row, s, err, errlen) != 0) {
		sites_free(s);
		return -1;
	}
	if (s->n == 0) {
		snprintf(err, errlen, "%s: lists no site", path);
		sites_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* --- queries ------------------------------------------------------------------ */

static int site_lists(const struct sites *s, const struct site *site, const char *origin, size_t len)
{
	for (uint32_t i = 0; i < site->n_origins; i++)
		if (origin_equals(s, site->first + i, origin, len))
			return 1;
	return 0;
}

enum site_verdict sites_check(const struct sites *s, const char *id, const char *origin, size_t len)
{
	const struct site *site = find_site(s, id);

	if (site == NULL)
		return SITE_UNKNOWN;
	if (origin != NULL && !site_lists(s, site, origin, len))
		return SITE_ORIGIN_DENIED;
	return SITE_OK;
}

int sites_origin_known(const struct sites *s, const char *origin, size_t len)
{
	return find_origin(s, origin, len);
}

size_t sites_count(const struct sites *s)
{
	return s->n;
}

void sites_free(struct sites *s)
{
	if (s == NULL)
		return;
	free(s->list);
	free(s->origins);
	free(s->arena);
	free(s->by_id.slot);
	free(s->by_origin.slot);
	free(s);
}
