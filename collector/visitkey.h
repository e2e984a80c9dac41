/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * visitkey.h — the daily visit key: a 64-bit keyed hash (libsodium's
 * crypto_shorthash, SipHash-2-4) of the site, the address's bytes and the
 * User-Agent under a random
 * salt of the Europe/Berlin local day. Salts live in memory (and, for a
 * serving collector with a runtime directory, in its RAM-backed salt file:
 * saltfile.h) and are wiped when their day is over, so no key can later be
 * recomputed from an address. The clock is the caller's: every call passes
 * the time, which makes the day change testable. Thread-safe.
 */
#ifndef LOTSE_VISITKEY_H
#define LOTSE_VISITKEY_H

#include <stddef.h>
#include <stdint.h>

struct visitkey;

/*
 * Creates a key generator that keeps the salts of at most max_days days
 * (1 for a serving collector: the salt of the current day only; more for
 * --import, whose lines may come from many days). Returns 0 and *out, or -1.
 * Requires sodium_init() to have succeeded.
 */
int visitkey_new(size_t max_days, struct visitkey **out);

/*
 * Keeps the day's salt in the runtime directory dir (saltfile.h; checked
 * with saltfile_check_dir), for a generator of one day (max_days 1): the
 * salt of a new day is the file's when another collector (or this one
 * before a restart) made it that day, else a new one written there. When
 * the file cannot be used the salt stays in memory and the reason is
 * logged. dir must outlive vk.
 */
void visitkey_keep_in(struct visitkey *vk, const char *dir);

/*
 * Wipes the salts of days before the day of now_ms, also in the runtime
 * directory (called periodically, so that an old salt does not outlive its
 * day until the next event).
 */
void visitkey_tick(struct visitkey *vk, int64_t now_ms);

/*
 * Computes the key for an event received at now_ms (UTC ms). A day not seen
 * before gets a fresh salt; when more than max_days salts would be kept, the
 * oldest is wiped. addr is the client's address, addr_len bytes
 * (4 or 16, canonical: see addr_unmap; an import line's client that is no
 * address comes as its text: addr_of_text), ua the User-Agent, ua_len bytes.
 * Any of site, addr, ua may be NULL (empty).
 */
uint64_t visitkey_compute(struct visitkey *vk, int64_t now_ms, const char *site, const unsigned char *addr,
                          size_t addr_len, const char *ua, size_t ua_len);

/* Returns how many salts are held (for tests). */
size_t visitkey_salts_held(struct visitkey *vk);

/* Wipes every salt and frees vk; NULL is ignored. */
void visitkey_free(struct visitkey *vk);

#endif
