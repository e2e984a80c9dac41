/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ratelimit.c — token buckets in a fixed open-addressing table, split into
 * shards with a lock each so that the server's threads rarely meet.
 */
#include "ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

#define SHARDS 16
#define SLOTS_PER_SHARD 4096 /* 64 Ki addresses in all, about 2.5 MiB */
#define PROBE 8

struct bucket {
	unsigned char addr[16];
	unsigned char len; /* 0: free slot */
	double tokens;
	int64_t last_ms;
};

struct shard {
	pthread_mutex_t mu;
	struct bucket slots[SLOTS_PER_SHARD];
};

struct ratelimit {
	unsigned rate;
	unsigned char hash_key[crypto_shorthash_KEYBYTES]; /* keeps the slot of an address unpredictable */
	struct shard shards[SHARDS];
};

int ratelimit_new(unsigned rate, struct ratelimit **out)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);

	*out = NULL;
	if (rl == NULL)
		return -1;
	rl->rate = rate;
	crypto_shorthash_keygen(rl->hash_key);
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&rl->shards[i].mu, NULL);
	*out = rl;
	return 0;
}

/* Finds the address's bucket, or claims a free or the stalest slot of its probe window. */
static struct bucket *find_bucket(struct shard *sh, uint64_t h, const void *addr, size_t len,
                                  int *fresh)
{
	struct bucket *victim = NULL;

	for (int i = 0; i < PROBE; i++) {
		struct bucket *b = &sh->slots[(h + (uint64_t)i) % SLOTS_PER_SHARD];
		if (b->len == len && memcmp(b->addr, addr, len) == 0) {
			*fresh = 0;
			return b;
		}
		if (b->len == 0) {
			if (victim == NULL || victim->len != 0)
				victim = b;
		} else if (victim == NULL || (victim->len != 0 && b->last_ms < victim->last_ms)) {
			victim = b;
		}
	}
	memcpy(victim->addr, addr, len);
	victim->len = (unsigned char)len;
	*fresh = 1;
	return victim;
}

int ratelimit_allow(struct ratelimit *rl, const void *addr, size_t len, int64_t now_ms,
                    unsigned *retry_after_s)
{
	unsigned char key[16];
	unsigned char hash[crypto_shorthash_BYTES];
	uint64_t h;
	int fresh, allowed;
	double burst = 2.0 * rl->rate;

	if (rl->rate == 0)
		return 1;
	len = addr_network(addr, len, key); /* else each address of a /64 got a fresh bucket */
	crypto_shorthash(hash, key, len, rl->hash_key);
	memcpy(&h, hash, sizeof h);
	struct shard *sh = &rl->shards[h % SHARDS];
	h /= SHARDS;

	pthread_mutex_lock(&sh->mu);
	struct bucket *b = find_bucket(sh, h, key, len, &fresh);
	if (fresh) {
		b->tokens = burst;
	} else if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * rl->rate / 1000.0;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->last_ms = now_ms;
	allowed = b->tokens >= 1.0;
	if (allowed)
		b->tokens -= 1.0;
	else if (retry_after_s != NULL)
		*retry_after_s = (unsigned)((1.0 - b->tokens) / rl->rate) + 1;
	pthread_mutex_unlock(&sh->mu);
	return allowed;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&rl->shards[i].mu);
	free(rl);
}
