/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * visitkey.c — daily salts and the keyed hash of the visit key. Knows nothing
 * of HTTP or storage; the salts leave this file only for the runtime
 * directory's salt file (saltfile.c).
 */
#include "visitkey.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "saltfile.h"
#include "tz.h"

#define VISITKEY_INPUT_MAX 4096

struct salt {
	int64_t day;
	unsigned char key[crypto_shorthash_KEYBYTES];
};

_Static_assert(SALTFILE_KEY_BYTES == crypto_shorthash_KEYBYTES, "the salt file holds one shorthash key");

struct visitkey {
	pthread_mutex_t mu;
	const char *dir;    /* runtime directory of the salt file; NULL: memory only */
	size_t max_days;
	size_t n;
	struct salt *salts; /* max_days entries, the first n in use */
};

int visitkey_new(size_t max_days, struct visitkey **out)
{
	struct visitkey *vk;

	*out = NULL;
	if (max_days == 0)
		return -1;
	vk = calloc(1, sizeof *vk);
	if (vk == NULL)
		return -1;
	vk->salts = sodium_malloc(max_days * sizeof *vk->salts);
	if (vk->salts == NULL) {
		free(vk);
		return -1;
	}
	vk->max_days = max_days;
	pthread_mutex_init(&vk->mu, NULL);
	*out = vk;
	return 0;
}

/* Returns the salt of day, creating it (and wiping the oldest) when needed. Lock held. */
static const unsigned char *salt_for_day(struct visitkey *vk, int64_t day)
{
	size_t oldest = 0;

	for (size_t i = 0; i < vk->n; i++) {
		if (vk->salts[i].day == day)
			return vk->salts[i].key;
		if (vk->salts[i].day < vk->salts[oldest].day)
			oldest = i;
	}
	struct salt *s;
	if (vk->n < vk->max_days) {
		s = &vk->salts[vk->n++];
	} else {
		s = &vk->salts[oldest];
		sodium_memzero(s->key, sizeof s->key);
	}
	s->day = day;
	if (vk->dir != NULL) {
		char err[512];
		if (saltfile_get(vk->dir, day, s->key, err, sizeof err) == 0)
			return s->key;
		log_msg("visit key: the salt stays in memory only (a restart today splits visits): %s", err);
	}
	crypto_shorthash_keygen(s->key);
	return s->key;
}

void visitkey_keep_in(struct visitkey *vk, const char *dir)
{
	pthread_mutex_lock(&vk->mu);
	vk->dir = dir;
	pthread_mutex_unlock(&vk->mu);
}

void visitkey_tick(struct visitkey *vk, int64_t now_ms)
{
	int64_t today = tz_local_day(now_ms);
	char err[512];

	pthread_mutex_lock(&vk->mu);
	for (size_t i = 0; i < vk->n;) {
		if (vk->salts[i].day < today && vk->max_days == 1) {
			sodium_memzero(vk->salts[i].key, sizeof vk->salts[i].key);
			vk->salts[i] = vk->salts[--vk->n];
			continue;
		}
		i++;
	}
	if (vk->dir != NULL && saltfile_expire(vk->dir, today, err, sizeof err) != 0)
		log_msg("visit key: %s", err);
	pthread_mutex_unlock(&vk->mu);
}

static size_t append(unsigned char *buf, size_t at, const void *s, size_t n)
{
	if (n > VISITKEY_INPUT_MAX - 1 - at)
		n = VISITKEY_INPUT_MAX - 1 - at;
	if (n > 0)
		memcpy(buf + at, s, n);
	return at + n;
}

uint64_t visitkey_compute(struct visitkey *vk, int64_t now_ms, const char *site, const unsigned char *addr,
                          size_t addr_len, const char *ua, size_t ua_len)
{
	unsigned char input[VISITKEY_INPUT_MAX];
	unsigned char hash[crypto_shorthash_BYTES];
	size_t n = 0;
	uint64_t key = 0;

	/*
	 * site '|' address-length address ua: '|' cannot occur in a site id and
	 * the address comes with its length, so the input is unambiguous.
	 */
	if (addr_len > 255)
		addr_len = 255;
	n = append(input, n, site, site ? strlen(site) : 0);
	input[n++] = '|';
	input[n++] = (unsigned char)addr_len;
	n = append(input, n, addr, addr_len);
	n = append(input, n, ua, ua_len);

	pthread_mutex_lock(&vk->mu);
	crypto_shorthash(hash, input, n, salt_for_day(vk, tz_local_day(now_ms)));
	pthread_mutex_unlock(&vk->mu);
	sodium_memzero(input, n);
	memcpy(&key, hash, sizeof key);
	return key;
}

size_t visitkey_salts_held(struct visitkey *vk)
{
	size_t n;

	pthread_mutex_lock(&vk->mu);
	n = vk->n;
	pthread_mutex_unlock(&vk->mu);
	return n;
}

void visitkey_free(struct visitkey *vk)
{
	if (vk == NULL)
		return;
	sodium_free(vk->salts); /* sodium_free wipes the memory */
	pthread_mutex_destroy(&vk->mu);
	free(vk);
}
