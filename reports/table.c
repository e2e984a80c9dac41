/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * table.c — open addressing with linear probing over an index array, records
 * and strings stored densely beside it. No deletion of single records: a
 * report only adds, and empties a whole table at most (tab_clear).
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

uint64_t tab_hash(const void *data, size_t n)
{
	const unsigned char *b = data;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

void *tab_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t nc;
	void *na;

	if (n < *cap)
		return arr;
	nc = *cap ? *cap * 2 : first;
	if (nc > TAB_MAX_RECORDS)
		return NULL;
	na = realloc(arr, nc * elem);
	if (na != NULL)
		*cap = nc;
	return na;
}

void tab_init(struct tab *t, size_t key_size, size_t rec_size)
{
	memset(t, 0, sizeof *t);
	t->key_size = key_size;
	t->rec_size = rec_size;
}

void tab_free(struct tab *t)
{
	free(t->recs);
	free(t->slots);
	t->recs = NULL;
	t->slots = NULL;
	t->n = t->cap = t->nslots = 0;
}

void tab_clear(struct tab *t)
{
	if (t->slots != NULL)
		memset(t->slots, 0, (size_t)t->nslots * sizeof *t->slots);
	t->n = 0;
}

/* The first empty slot at or after hash's, in slots of nslots (a power of two, not full). */
static uint32_t empty_slot(const uint32_t *slots, uint32_t nslots, uint64_t hash)
{
	uint32_t j = (uint32_t)(hash & (nslots - 1));

	while (slots[j] != 0)
		j = (j + 1) & (nslots - 1);
	return j;
}

static int tab_rehash(struct tab *t, uint32_t nslots)
{
	uint32_t *s = calloc(nslots, sizeof *s);

	if (s == NULL)
		return -1;
	for (uint32_t i = 0; i < t->n; i++)
		s[empty_slot(s, nslots, tab_hash(tab_at(t, i), t->key_size))] = i + 1;
	free(t->slots);
	t->slots = s;
	t->nslots = nslots;
	return 0;
}

/*
 * Looks key up in the slots (nslots > 0). Returns 0 and *idx when found;
 * otherwise -1 and *slot, the empty slot where key belongs.
 */
static int tab_probe(const struct tab *t, const void *key, uint32_t *idx, uint32_t *slot)
{
	uint32_t j = (uint32_t)(tab_hash(key, t->key_size) & (t->nslots - 1));

	while (t->slots[j] != 0) {
		uint32_t i = t->slots[j] - 1;

		if (memcmp(tab_at(t, i), key, t->key_size) == 0) {
			*idx = i;
			return 0;
		}
		j = (j + 1) & (t->nslots - 1);
	}
	*slot = j;
	return -1;
}

int tab_find(const struct tab *t, const void *key, uint32_t *idx)
{
	uint32_t slot;

	if (t->nslots == 0)
		return -1;
	return tab_probe(t, key, idx, &slot);
}

int tab_upsert(struct tab *t, const void *key, uint32_t *idx, int *created)
{
	uint32_t j;

	if (created != NULL)
		*created = 0;
	if ((uint64_t)(t->n + 1) * 2 > t->nslots) {
		uint32_t ns = t->nslots ? t->nslots * 2 : 64;

		if (t->n >= TAB_MAX_RECORDS || tab_rehash(t, ns) != 0)
			return -1;
	}
	if (tab_probe(t, key, idx, &j) == 0)
		return 0;
	if (t->n == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 32;
		unsigned char *r = realloc(t->recs, (size_t)nc * t->rec_size);

		if (r == NULL)
			return -1;
		t->recs = r;
		t->cap = nc;
	}
	memset(tab_at(t, t->n), 0, t->rec_size);
	memcpy(tab_at(t, t->n), key, t->key_size);
	t->slots[j] = t->n + 1;
	*idx = t->n++;
	if (created != NULL)
		*created = 1;
	return 0;
}

void *tab_get(struct tab *t, const void *key, int *created)
{
	uint32_t idx;

	return tab_upsert(t, key, &idx, created) == 0 ? tab_at(t, idx) : NULL;
}

int pool_init(struct pool *p)
{
	memset(p, 0, sizeof *p);
	p->cap = 4096;
	p->bytes = malloc(p->cap);
	p->cap_ids = 256;
	p->offs = malloc(p->cap_ids * sizeof *p->offs);
	p->nslots = 512;
	p->slots = calloc(p->nslots, sizeof *p->slots);
	if (p->bytes == NULL || p->offs == NULL || p->slots == NULL) {
		pool_free(p);
		return -1;
	}
	p->bytes[0] = '\0';
	p->used = 1;
	p->offs[0] = 0;
	p->n = 1;
	return 0;
}

void pool_free(struct pool *p)
{
	free(p->bytes);
	free(p->offs);
	free(p->slots);
	memset(p, 0, sizeof *p);
}

static int pool_equal(const struct pool *p, uint32_t id, const char *s, size_t len)
{
	const char *t = pool_str(p, id);

	return strncmp(t, s, len) == 0 && t[len] == '\0';
}

/* len, cut at a NUL in s: the pool holds C strings. */
static size_t c_len(const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);

	return nul != NULL ? (size_t)(nul - s) : len;
}

/*
 * As tab_probe: 0 and *id when s (len bytes, no NUL) is held; otherwise -1
 * and *slot, the empty slot where it belongs.
 */
static int pool_probe(const struct pool *p, const char *s, size_t len, uint32_t *id, uint32_t *slot)
{
	uint32_t j = (uint32_t)(tab_hash(s, len) & (p->nslots - 1));

	while (p->slots[j] != 0) {
		if (pool_equal(p, p->slots[j], s, len)) {
			*id = p->slots[j];
			return 0;
		}
		j = (j + 1) & (p->nslots - 1);
	}
	*slot = j;
	return -1;
}

int pool_lookup(const struct pool *p, const char *s, size_t len, uint32_t *id)
{
	uint32_t slot;

	return pool_probe(p, s, c_len(s, len), id, &slot);
}

static int pool_grow_slots(struct pool *p)
{
	uint32_t ns = p->nslots * 2;
	uint32_t *s = calloc(ns, sizeof *s);

	if (s == NULL)
		return -1;
	for (uint32_t id = 1; id < p->n; id++) {
		const char *str = pool_str(p, id);
		s[empty_slot(s, ns, tab_hash(str, strlen(str)))] = id;
	}
	free(p->slots);
	p->slots = s;
	p->nslots = ns;
	return 0;
}

int pool_intern(struct pool *p, const char *s, size_t len, uint32_t *id)
{
	uint32_t slot;

	len = c_len(s, len);
	/* Grown before the probe, as in tab_upsert, so that the slot found stays valid. */
	if ((uint64_t)(p->n + 1) * 2 > p->nslots && pool_grow_slots(p) != 0)
		return -1;
	if (pool_probe(p, s, len, id, &slot) == 0)
		return 0;
	if (p->used + len + 1 > POOL_MAX_BYTES || p->n >= TAB_MAX_RECORDS)
		return -1;
	while (p->used + len + 1 > p->cap) {
		char *b = realloc(p->bytes, p->cap * 2);

		if (b == NULL)
			return -1;
		p->bytes = b;
		p->cap *= 2;
	}
	if (p->n == p->cap_ids) {
		uint32_t *o = realloc(p->offs, (size_t)p->cap_ids * 2 * sizeof *o);

		if (o == NULL)
			return -1;
		p->offs = o;
		p->cap_ids *= 2;
	}
	memcpy(p->bytes + p->used, s, len);
	p->bytes[p->used + len] = '\0';
	p->offs[p->n] = (uint32_t)p->used;
	p->used += len + 1;
	p->slots[slot] = p->n;
	*id = p->n++;
	return 0;
}
