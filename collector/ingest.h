/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ingest.h — what happens to a parsed batch between the parser and the
 * writer, the same for HTTP requests and --import lines: the bot check, the
 * --sites rules (unknown site: a reject; foreign origin: the whole request
 * refused), and the fields the request adds to each event (event time, visit
 * key, device/browser/OS classes). The raw address and User-Agent are used
 * here and go no further.
 */
#ifndef LOTSE_INGEST_H
#define LOTSE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"
#include "sites.h"
#include "uacache.h"
#include "visitkey.h"

/* Where and when a request came from. Every pointer may be NULL. */
struct ingest_request {
	int64_t received_ms;  /* UTC ms */
	const unsigned char *addr; /* client address (addr_len bytes), for the visit key */
	size_t addr_len;
	const char *ua;       /* raw User-Agent, ua_len bytes */
	size_t ua_len;
	const char *origin;   /* Origin, else scheme://host[:port] of the Referer; NULL: neither */
	size_t origin_len;
	const struct sites *sites; /* NULL: every site and origin is accepted */
	struct visitkey *visitkey; /* NULL: --visit-key off */
	struct ua_cache *uacache;  /* classes of recent User-Agents (required) */
};

enum ingest_result {
	INGEST_STORE,          /* store the batch's events and rejects */
	INGEST_BOT,            /* a bot or headless browser: answer as usual, store nothing */
	INGEST_ORIGIN_DENIED,  /* 403 for the whole request */
	INGEST_NOMEM           /* 503 */
};

/*
 * Applies the request to batch: may move events with unlisted sites to the
 * rejects and fills time, visit key and classes of the remaining events.
 * Returns what to do with the batch.
 */
enum ingest_result ingest_apply(const struct ingest_request *req, struct beacon_batch *batch);

#endif
