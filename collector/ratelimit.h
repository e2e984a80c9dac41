/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ratelimit.h — per-address token buckets for --rate-limit: N requests per
 * second, bursts of 2N. Memory is fixed at creation (a bounded table; when
 * it is full the least recently seen address is forgotten, which only ever
 * gives that address a full bucket). Addresses are opaque bytes and are never
 * written anywhere. Thread-safe.
 */
#ifndef LOTSE_RATELIMIT_H
#define LOTSE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* Creates a limiter of rate requests/s (0: everything is allowed). Returns 0 and *out, or -1. */
int ratelimit_new(unsigned rate, struct ratelimit **out);

/*
 * Takes one token for the address (len bytes, at most 16) at now_ms (a
 * monotonic clock). Returns 1 when allowed; 0 when limited, and then
 * *retry_after_s (may be NULL) gets the whole seconds until a token is back.
 * An IPv6 address (16 bytes) is limited by its /64 — one subscriber's
 * network, in which it can pick any address. addr is canonical: an
 * IPv4-mapped address comes as its IPv4 address (addr_unmap, done where the
 * server takes the address).
 */
int ratelimit_allow(struct ratelimit *rl, const void *addr, size_t len, int64_t now_ms,
                    unsigned *retry_after_s);

void ratelimit_free(struct ratelimit *rl);

#endif
