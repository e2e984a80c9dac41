/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * table.h — the reporter's two in-memory containers: a hash table of
 * fixed-size records found by a fixed-size key at the start of each record
 * (tab_), and a pool that interns strings as small integer ids (pool_). Both
 * grow by doubling up to a hard cap and never shrink; records are addressed
 * by index because growing moves them; a table can only be emptied as a
 * whole (tab_clear), never by record. They know nothing of events.
 */
#ifndef LOTSE_TABLE_H
#define LOTSE_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Hard caps: a report needing more fails with a clear reason. */
#define TAB_MAX_RECORDS (64u * 1024u * 1024u)
#define POOL_MAX_BYTES ((size_t)1 << 30)

struct tab {
	size_t key_size;   /* bytes at the start of a record that form the key */
	size_t rec_size;   /* whole record, key included */
	unsigned char *recs;
	uint32_t n, cap;
	uint32_t *slots;   /* index + 1, 0 = empty */
	uint32_t nslots;   /* power of two */
};

/* Prepares t for records of rec_size bytes whose first key_size bytes are the key. */
void tab_init(struct tab *t, size_t key_size, size_t rec_size);

/* Frees everything t owns; t may be reused after tab_init. */
void tab_free(struct tab *t);

/*
 * Empties t but keeps its memory for the records that come next: indexes
 * handed out before are invalid afterwards.
 */
void tab_clear(struct tab *t);

/*
 * Finds the record with key (key_size bytes; callers zero padding) or adds a
 * zeroed one holding the key. Returns 0 and sets *idx (and *created to 1 for
 * a new record, when created is not NULL); -1 when out of memory or over
 * TAB_MAX_RECORDS.
 */
int tab_upsert(struct tab *t, const void *key, uint32_t *idx, int *created);

/*
 * tab_upsert and tab_at in one, for callers that need no index: the record
 * of key, or NULL when out of memory or full. Sets *created as tab_upsert
 * when not NULL. The pointer is valid until the next tab_upsert, tab_get,
 * tab_clear or tab_free on the same table.
 */
void *tab_get(struct tab *t, const void *key, int *created);

/* Finds key. Returns 0 and sets *idx, or -1 when absent. */
int tab_find(const struct tab *t, const void *key, uint32_t *idx);

/* Returns the record at idx (< t->n); valid until the next tab_upsert. */
static inline void *tab_at(const struct tab *t, uint32_t idx)
{
	return t->recs + (size_t)idx * t->rec_size;
}

struct pool {
	char *bytes;        /* NUL-terminated strings back to back */
	size_t used, cap;
	uint32_t *offs;     /* offset of string id; id 0 is the empty string */
	uint32_t n, cap_ids;
	uint32_t *slots;
	uint32_t nslots;
};

/* Prepares p; id 0 is reserved for "absent" and reads as "". */
int pool_init(struct pool *p);
void pool_free(struct pool *p);

/*
 * Interns s[0..len-1] (no NUL inside). Returns 0 and sets *id (>= 1), or -1
 * when out of memory or over POOL_MAX_BYTES.
 */
int pool_intern(struct pool *p, const char *s, size_t len, uint32_t *id);

/* Looks s up without adding. Returns 0 and sets *id, or -1 when absent. */
int pool_lookup(const struct pool *p, const char *s, size_t len, uint32_t *id);

/* Returns the NUL-terminated string of id; valid until the next pool_intern. */
static inline const char *pool_str(const struct pool *p, uint32_t id)
{
	return p->bytes + p->offs[id];
}

/*
 * Room for one more element in a growable array of n used elements of size
 * elem and *cap allocated: returns arr itself while n < *cap, else arr
 * reallocated to twice *cap (first when *cap is 0) with *cap updated; NULL
 * when out of memory or beyond TAB_MAX_RECORDS elements (arr is then
 * unchanged and still owned by the caller).
 */
void *tab_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first);

/* A 64-bit hash of n bytes (FNV-1a with a final avalanche). */
uint64_t tab_hash(const void *data, size_t n);

#endif
