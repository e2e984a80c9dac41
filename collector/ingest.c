/* SPDX-License-Identifier: EUPL-1.2 */
/* ingest.c — the request-dependent steps between parser and writer (see ingest.h). */
#include "ingest.h"

#include <string.h>

enum ingest_result ingest_apply(const struct ingest_request *req, struct beacon_batch *batch)
{
	struct ua_class ua;

	ua_cache_classify(req->uacache, req->ua, req->ua_len, &ua);
	if (ua.is_bot)
		return INGEST_BOT;

	if (req->sites != NULL) {
		for (size_t i = 0; i < batch->n_events;) {
			switch (sites_check(req->sites, batch->events[i].site, req->origin, req->origin_len)) {
			case SITE_UNKNOWN:
				if (beacon_batch_reject_event(batch, i, "site: not a site of this collector (--sites)") != 0)
					return INGEST_NOMEM;
				continue; /* event i is now the next one */
			case SITE_ORIGIN_DENIED:
				return INGEST_ORIGIN_DENIED;
			case SITE_OK:
				break;
			}
			i++;
		}
	}

	const char *keyed_site = NULL;
	uint64_t key = 0;
	for (size_t i = 0; i < batch->n_events; i++) {
		struct event *ev = &batch->events[i];
		ev->time_ms = req->received_ms - ev->age_ms;
		ev->device = ua.device;
		ev->browser = ua.browser;
		ev->os = ua.os;
		ev->has_visit = req->visitkey != NULL;
		if (req->visitkey != NULL) {
			/* The events of one request share address and UA: one hash per site. */
			if (keyed_site == NULL || strcmp(keyed_site, ev->site) != 0) {
				key = visitkey_compute(req->visitkey, req->received_ms, ev->site, req->addr, req->addr_len,
				                       req->ua, req->ua_len);
				keyed_site = ev->site;
			}
			ev->visit = key;
		}
	}
	return INGEST_STORE;
}
