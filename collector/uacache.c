/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * uacache.c — a direct-mapped table of UA_CACHE_SLOTS entries under one
 * mutex: slot = keyed hash of the User-Agent (with its length) modulo the
 * size; a slot holds the hash and the classes, and a newer User-Agent simply
 * takes the slot over. Classifying a browser's User-Agent costs about 6 000
 * instructions, the hash about 300 and the lookup a few dozen.
 */
#include "uacache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define UA_CACHE_SLOTS 256

struct ua_slot {
	uint64_t tag;        /* keyed hash of the User-Agent; 0: empty */
	struct ua_class cls;
};

struct ua_cache {
	pthread_mutex_t mu;
	unsigned char key[crypto_shorthash_KEYBYTES];
	struct ua_slot slots[UA_CACHE_SLOTS]; /* guarded by mu */
};

int ua_cache_new(struct ua_cache **out)
{
	struct ua_cache *c = calloc(1, sizeof *c);

	*out = NULL;
	if (c == NULL)
		return -1;
	crypto_shorthash_keygen(c->key);
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return 0;
}

void ua_cache_classify(struct ua_cache *c, const char *ua, size_t len, struct ua_class *out)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t tag;
	struct ua_slot *slot;

	if (ua == NULL || len == 0) {
		ua_classify(ua, len, out);
		return;
	}
	crypto_shorthash(h, (const unsigned char *)ua, len, c->key);
	memcpy(&tag, h, sizeof tag);
	tag |= 1; /* never 0, the empty mark */
	slot = &c->slots[(tag >> 1) % UA_CACHE_SLOTS];
	pthread_mutex_lock(&c->mu);
	if (slot->tag == tag) {
		*out = slot->cls;
		pthread_mutex_unlock(&c->mu);
		return;
	}
	pthread_mutex_unlock(&c->mu);
	ua_classify(ua, len, out);
	pthread_mutex_lock(&c->mu);
	slot->tag = tag;
	slot->cls = *out;
	pthread_mutex_unlock(&c->mu);
}

void ua_cache_free(struct ua_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	sodium_memzero(c->key, sizeof c->key);
	free(c);
}
